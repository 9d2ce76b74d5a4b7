"""Daily log subjects of the access matrix (tests/access/world.py calls ``subjects``): on the
matrix's own project, a signed 施工日志 of the contractor with one photo, a signed 监理日志 of
the supervisor and a draft 施工日志. Rows made directly (like a factory), on a day the demo
never writes: the matrix asks who may reach them, not what they say."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from jianguan.collab.dailylogs import workflow
from jianguan.collab.dailylogs.models import DailyLog, DailyLogPhoto
from jianguan.projects.models import Participant

DAY = dt.date(2020, 1, 6)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16  # the magic is all the matrix needs


def _log(project, org_id, user, kind, status, day=DAY):
    return DailyLog.objects.create(
        project=project,
        kind=kind,
        log_date=day,
        organisation_id=org_id,
        author=user,
        work_done="访问矩阵",
        status=status,
        content_sm3="0" * 64 if status == workflow.SIGNED else "",
    )


def subjects(S: dict, project, actor) -> None:
    gc = actor("contractor")
    sup_org = (
        Participant.objects.filter(project=project, role="supervisor", is_active=True)
        .values_list("organisation_id", flat=True)
        .first()
    )
    sup = actor("supervisor")
    signed = _log(project, gc.organisation_id, gc.user, workflow.CONSTRUCTION, workflow.SIGNED)
    photo = DailyLogPhoto(log=signed, sm3="0" * 64, uploaded_by=gc.user)
    photo.file.save(f"matrix-{signed.pk}.jpg", ContentFile(JPEG), save=False)
    photo.save()
    draft = _log(
        project,
        gc.organisation_id,
        gc.user,
        workflow.CONSTRUCTION,
        workflow.DRAFT,
        DAY + dt.timedelta(days=1),
    )
    slog = _log(
        project, sup_org or sup.organisation_id, sup.user, workflow.SUPERVISION, workflow.DRAFT
    )
    S["dailylog@signed"] = {
        "pk": signed.pk,
        "log_id": signed.pk,
        "photo": photo.pk,
        "photo_id": photo.pk,
    }
    S["dailylog@draft"] = {"pk": draft.pk, "log_id": draft.pk}
    S["dailylog@supervision"] = {"pk": slog.pk, "log_id": slog.pk}
