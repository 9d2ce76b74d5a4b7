"""RFI and submittal subjects of the access matrix (tests/access/world.py calls ``subjects``):
on the matrix's own project, an open RFI the contractor put to the designer (the ball in the
designer's court) with an attachment, and a submittal of the contractor under the
supervisor's review with its first revision's PDF. Rows made directly (like a factory): the
matrix asks who may reach them, not what the workflow says."""

from __future__ import annotations

import datetime as dt


def subjects(S: dict, project, actor) -> None:
    from django.core.files.base import ContentFile

    from jianguan.collab.rfis import workflow
    from jianguan.collab.rfis.models import Rfi, RfiAttachment, Submittal, SubmittalRevision
    from jianguan.core.timeutil import today_local

    gc, designer, sup = actor("contractor"), actor("designer"), actor("supervisor")
    due = today_local() + dt.timedelta(days=5)
    rfi = Rfi.objects.create(
        project=project,
        number="LX-9001",
        kind=workflow.CONTACT,
        subject="访问矩阵联系单",
        question="矩阵",
        state=workflow.OPEN,
        asked_by_id=gc.user_id,
        asked_by_org_id=gc.organisation_id,
        addressed_to_id=designer.organisation_id,
        due_on=due,
        remind_on=due,
    )
    att = RfiAttachment(rfi=rfi, name="附件.pdf", sm3="0" * 64, size=8)
    att.file.save("matrix-rfi.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    att.save()
    s = Submittal.objects.create(
        project=project,
        number="BS-9001",
        kind="material",
        title="访问矩阵报审",
        submitted_by_id=gc.user_id,
        submitter_org_id=gc.organisation_id,
        reviewer_org_id=sup.organisation_id,
        due_on=due,
        remind_on=due,
    )
    rev = SubmittalRevision(
        submittal=s, revision=1, file_name="报审.pdf", sm3="0" * 64, submitted_by_id=gc.user_id
    )
    rev.file.save("matrix-submittal.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    rev.save()
    S["project@own"]["designer_org_id"] = designer.organisation_id
    S["rfi@own"] = {"pk": rfi.pk, "rfi_id": rfi.pk}
    S["rfiattachment@own"] = {"pk": att.pk}
    S["submittal@own"] = {"pk": s.pk, "submittal_id": s.pk}
    S["submittalrev@own"] = {"pk": rev.pk, "which": "original"}
