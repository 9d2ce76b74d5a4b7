"""The writes of submittals (报审报验): the contractor submits a PDF (a new submittal or a new
revision of a rejected one), the project's supervisor reviews it (approve, approve with
comments, reject for revision). An approved revision is stamped: the stamp page merged onto
the submitted PDF, issued as a ledger document (verification code and QR), the stamped PDF's
SM3 on the ledger in the same transaction as the decision."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse

from jianguan.collab.rfis import common, stamp, workflow
from jianguan.collab.rfis.models import Submittal, SubmittalRevision
from jianguan.core import uploads
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.services import document_issue, record, sm3_hex

CONTRACTOR_ROLES = ("general_contractor", "specialist_subcontractor")


def _url(s: Submittal) -> str:
    return reverse("collab_rfis:submittal", args=[s.pk])


def _pdf(upload: Any) -> tuple[bytes, str]:
    """The submitted file's bytes and SM3: a PDF only (sniffed, never the file's name), and
    one that can be read (the stamp goes on its last page)."""
    if upload is None:
        raise ValidationFailed("请上传报审文件（PDF）", code="missing_file")
    try:
        uploads.check(upload, "报审文件", uploads.PLAN_TYPES, uploads.MAX_DOC_BYTES)
    except ValidationFailed as exc:
        if exc.code == "bad_file_type":
            raise ValidationFailed(
                "报审文件须为 PDF 文件（请将 Word、图片等转为 PDF 后上传）", code="not_pdf"
            ) from None
        raise
    data = common.content_of(upload)
    stamp.page_count(data)
    return data, sm3_hex(data)


def _name(upload: Any) -> str:
    return (getattr(upload, "name", "") or "报审文件.pdf")[:200]


def _supervisor_of(project_id: int) -> int:
    for org, role in common.participant_orgs(project_id).items():
        if role == "supervisor":
            return org
    raise Conflict("本项目尚未登记监理单位，不能报审", code="no_supervisor")


def _require_contractor(actor: Actor, project_id: int) -> None:
    role = common.participant_orgs(project_id).get(actor.organisation_id)
    if role not in CONTRACTOR_ROLES:
        raise PermissionDenied("只有本项目的施工单位可以报审报验", code="not_contractor")


def _revision(s: Submittal, n: int, actor: Actor, data: bytes, digest: str, name: str, note: str):
    return SubmittalRevision.objects.create(
        submittal=s,
        revision=n,
        file=common.as_file(data, f"{s.number}-r{n}-{digest[:12]}.pdf"),
        file_name=name,
        sm3=digest,
        note=note,
        submitted_by=actor.user,
    )


@transaction.atomic
def submittal_submit(
    *, actor: Actor, project, kind: str, title: str, description: str = "", file: Any
) -> Submittal:
    require(actor, "collab_rfis.submit")
    _require_contractor(actor, project.pk)
    if kind not in workflow.SUBMITTAL_KINDS:
        raise ValidationFailed("请选择报审类型", code="unknown_kind")
    title = common.text(title, "报审事项", 200)
    description = common.text(description, "说明", required=False)
    reviewer = _supervisor_of(project.pk)
    data, digest = _pdf(file)
    s = Submittal(
        project=project,
        number=common.next_number(Submittal, project.pk, "BS-"),
        kind=kind,
        title=title,
        description=description,
        submitted_by=actor.user,
        submitter_org_id=actor.organisation_id,
        reviewer_org_id=reviewer,
    )
    common.start_clock(s, f"submittal.review_working_days.{kind}", today_local())
    s.save()
    _revision(s, 1, actor, data, digest, _name(file), description)
    record(
        actor=actor,
        type="collab_rfis.submittal_submitted",
        obj=s,
        payload={
            "number": s.number,
            "kind": kind,
            "title": title,
            "revision": 1,
            "due_on": s.due_on,
        },
        files=[{"name": _name(file), "sm3": digest}],
    )
    _tell_reviewer(s)
    return s


def _tell_reviewer(s: Submittal) -> None:
    common.tell(
        common.members([s.reviewer_org_id]),
        kind="collab_rfis.submittal_new",
        title=f"待审查：{workflow.SUBMITTAL_KINDS[s.kind]} {s.number} {s.title}"
        f"（第 {s.revision_count} 版），请于 {s.due_on:%Y-%m-%d} 前审查",
        url=_url(s),
    )


@transaction.atomic
def submittal_resubmit(
    *, actor: Actor, submittal: Submittal, file: Any, note: str = ""
) -> Submittal:
    require(actor, "collab_rfis.submit")
    s = Submittal.objects.select_for_update().get(pk=submittal.pk)
    if actor.organisation_id != s.submitter_org_id:
        raise PermissionDenied("只有原报审单位可以重新报审", code="not_in_court")
    common.wf(workflow.check_resubmit, s.state)
    note = common.text(note, "修改说明")
    data, digest = _pdf(file)
    s.revision_count += 1
    s.state = workflow.UNDER_REVIEW
    common.start_clock(s, f"submittal.review_working_days.{s.kind}", today_local())
    s.save()
    _revision(s, s.revision_count, actor, data, digest, _name(file), note)
    record(
        actor=actor,
        type="collab_rfis.submittal_resubmitted",
        obj=s,
        payload={"number": s.number, "revision": s.revision_count, "due_on": s.due_on},
        files=[{"name": _name(file), "sm3": digest}],
    )
    _tell_reviewer(s)
    return s


@transaction.atomic
def submittal_review(
    *, actor: Actor, submittal: Submittal, decision: str, comments: str = ""
) -> Submittal:
    require(actor, "collab_rfis.review")
    s = Submittal.objects.select_for_update().select_related("reviewer_org").get(pk=submittal.pk)
    if actor.organisation_id != s.reviewer_org_id:
        raise PermissionDenied("只有本项目的监理单位可以审查报审事项", code="not_in_court")
    comments = common.text(comments, "审查意见", required=False)
    common.wf(workflow.check_review, s.state, decision, comments)
    rev = s.revisions.select_for_update().get(revision=s.revision_count)
    rev.decision, rev.comments = decision, comments
    rev.reviewed_by, rev.reviewed_at = actor.user, now()
    files = []
    if workflow.is_stamped(decision):
        files = [_stamp(actor, s, rev, decision)]
    rev.save()
    s.state = decision
    # decided: no clock chases anyone (a rejected one is revised at the contractor's pace)
    common.stop_clock(s)
    s.save()
    record(
        actor=actor,
        type="collab_rfis.submittal_reviewed",
        obj=s,
        payload={
            "number": s.number,
            "revision": rev.revision,
            "decision": decision,
            "comments": comments[:2000],
            "stamped_sm3": rev.stamped_sm3 or None,
            "document_code": rev.document_code or None,
        },
        files=files,
    )
    common.tell(
        common.members([s.submitter_org_id]),
        kind="collab_rfis.submittal_reviewed",
        title=f"报审{workflow.SUBMITTAL_STATES[decision]}：{s.number} {s.title}",
        url=_url(s),
    )
    return s


def _stamp(actor: Actor, s: Submittal, rev: SubmittalRevision, decision: str) -> dict:
    with rev.file.open("rb") as fh:
        original = fh.read()
    words = workflow.STAMP_WORDS[decision]
    org = s.reviewer_org.name
    # by name on the stamp, never the login
    reviewer = getattr(actor.user, "display_name", "") or "（未登记姓名）"
    document, content = document_issue(
        actor=actor,
        obj=rev,
        kind="submittal_stamp",
        kind_label="报审审查",
        title=f"{s.number} 第{rev.revision}版 {s.title}"[:200],
        issuer=org,
        signer=reviewer,
        render=lambda seal: stamp.stamp(
            original, org=org, words=words, reviewer=reviewer, seal=seal
        ),
    )
    digest = sm3_hex(content)
    rev.stamped_file = common.as_file(content, f"{s.number}-r{rev.revision}-stamped.pdf")
    rev.stamped_sm3 = digest
    rev.document_code = document.code
    return {"name": f"{s.number}-r{rev.revision}-审查盖章.pdf", "sm3": digest}
