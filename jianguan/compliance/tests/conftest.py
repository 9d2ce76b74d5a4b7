import pytest

from jianguan.projects.tests.test_services import world  # noqa: F401  (shared fixture)


@pytest.fixture
def site(world):  # noqa: F811  (the imported fixture)
    """A project in construction with a routine inspection today (modules may override)."""
    from jianguan.compliance import services
    from jianguan.compliance.tests.helpers import in_construction
    from jianguan.core.timeutil import today_local

    project = in_construction(world)
    inspection = services.inspection_create(
        actor=world["actors"]["regulator"],
        project=project,
        kind="routine",
        inspected_on=today_local(),
    )
    return {"project": project, "inspection": inspection, **world}
