"""Fixtures of the daily log tests: a project in construction with its general contractor and
supervisor (from the projects tests' world) and attendance on one day."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.core.timeutil import today_local
from jianguan.projects import services as project_services
from jianguan.projects.models import Project
from jianguan.projects.tests.test_services import create, world  # noqa: F401

DAY = today_local() - dt.timedelta(days=1)


@pytest.fixture
def site(world):  # noqa: F811
    project = create(world)
    owner = world["actors"]["owner"]
    for role in ("general_contractor", "supervisor"):
        project_services.participant_add(
            actor=owner, project=project, organisation=world["orgs"][role], role=role
        )
    # the stage is the project register's business: set directly, as a factory would
    Project.objects.filter(pk=project.pk).update(stage="construction")
    project.refresh_from_db()
    return {"project": project, **world}


@pytest.fixture
def attendance(site):
    """Three workers on site on DAY: two rebar workers and one electrician."""
    from jianguan.smartsite.workers.models import AttendanceDay, Worker

    gc = site["orgs"]["general_contractor"]
    for i, trade in enumerate(("rebar_worker", "rebar_worker", "electrician")):
        w = Worker.objects.create(
            name=f"工人{i}",
            id_number_cipher="x",
            id_number_index=f"idx{i}",
            id_number_masked="1101**********0000",
            birth_date=dt.date(1980, 1, 1),
            trade=trade,
            employer=gc,
            registered_by="gc1",
        )
        AttendanceDay.objects.create(
            worker=w, project=site["project"], day=DAY, employer=gc, trade=trade, minutes=480
        )
    return DAY


def jpeg_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 10, 10)).save(buf, "JPEG")
    return buf.getvalue()


def photo(data: bytes | None = None, name: str = "p.jpg"):
    return SimpleUploadedFile(name, data if data is not None else jpeg_bytes(), "image/jpeg")
