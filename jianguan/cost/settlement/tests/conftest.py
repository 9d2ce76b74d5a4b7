from jianguan.contracts.tests.conftest import deal  # noqa: F401  (shared fixture)
from jianguan.projects.tests.test_services import world  # noqa: F401  (shared fixture)
