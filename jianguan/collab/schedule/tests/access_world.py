"""Schedule subjects of the access matrix (tests/access/world.py calls ``subjects``): the
matrix's own project gets a schedule imported by its general contractor (the test file of this
app), and "scheduleact@own" is one of its activities. Made through the service: the import is
the only way a schedule comes to exist."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.collab.schedule import services
from jianguan.collab.schedule.models import Schedule
from jianguan.collab.schedule.tests.conftest import FOUNDATION


def subjects(S: dict, project, actor) -> None:
    sched = Schedule.objects.filter(project=project).first()
    if sched is None:
        sched = services.schedule_import(
            actor=actor("contractor"),
            project=project,
            upload=SimpleUploadedFile("matrix.xml", FOUNDATION, content_type="application/xml"),
        )
    act = sched.activities.filter(source="plan", summary=False).order_by("seq").first()
    S["scheduleact@own"] = {"activity_id": act.pk, "pk": act.pk}
