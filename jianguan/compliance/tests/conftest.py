from jianguan.projects.tests.test_services import world  # noqa: F401  (shared fixture)
