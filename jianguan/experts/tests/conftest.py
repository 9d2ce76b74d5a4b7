from jianguan.projects.tests.test_services import world  # noqa: F401  (shared fixture)
from jianguan.tendering.tests.test_services import market  # noqa: F401  (shared fixture)
