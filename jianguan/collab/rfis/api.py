"""RFIs and submittals over the API (/api/v1/collab/rfis/..., /api/v1/collab/submittals/...):
lists with filters (state, ball in court, overdue), one RFI with its thread, raising and each
step by the party in court, comments, the variation an RFI with a cost impact becomes; a
submittal with its revisions, submitting a PDF, the supervisor's review, resubmission and the
(stamped) PDF. Writes check the grant first (403) before the body is read (400)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from jianguan.collab.rfis import selectors, services, services_submittal, workflow
from jianguan.collab.rfis.models import Rfi, Submittal
from jianguan.collab.rfis.schemas import (
    ResubmitForm,
    RfiActIn,
    RfiCommentIn,
    RfiDetail,
    RfiFilter,
    RfiIn,
    RfiRead,
    RfiVariationIn,
    SubmittalDetail,
    SubmittalFilter,
    SubmittalForm,
    SubmittalRead,
    SubmittalReviewIn,
)
from jianguan.core.api_auth import permitted
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.errors import NotFound
from jianguan.core.timeutil import today_local

router = Router(tags=["工作联系单与报审"])


def _name(user) -> str:
    return (getattr(user, "display_name", "") or "（未登记姓名）") if user else ""


def _att(a) -> dict:
    return {"id": a.pk, "name": a.name, "sm3": a.sm3, "size": a.size}


def rfi_read(r: Rfi, *, variation_numbers: dict | None = None) -> dict:
    court = r.court
    court_org = r.asked_by_org if court == workflow.ASKER else r.addressed_to if court else None
    number = None
    if r.variation_id:
        if variation_numbers is None:
            from jianguan.contracts.models import Variation

            variation_numbers = dict(
                Variation.objects.filter(pk=r.variation_id).values_list("pk", "number")
            )
        number = variation_numbers.get(r.variation_id)
    return {
        "id": r.pk,
        "project_id": r.project_id,
        "project_name": r.project.name,
        "number": r.number,
        "kind": r.kind,
        "kind_label": workflow.RFI_KINDS[r.kind],
        "priority": r.priority,
        "priority_label": workflow.PRIORITIES[r.priority],
        "subject": r.subject,
        "state": r.state,
        "state_label": workflow.RFI_STATES[r.state],
        "court": court,
        "court_label": workflow.PARTY_LABELS[court] if court else None,
        "court_organisation_name": court_org.name if court_org else None,
        "asked_by_name": _name(r.asked_by),
        "asked_by_organisation_name": r.asked_by_org.name,
        "addressed_to_id": r.addressed_to_id,
        "addressed_to_name": r.addressed_to.name,
        "due_on": r.due_on,
        "overdue": bool(r.due_on and r.state == workflow.OPEN and r.due_on < today_local()),
        "escalation_level": r.escalation_level,
        "escalation_label": r.escalation_label,
        "cost_impact": r.cost_impact,
        "cost_estimate": r.cost_estimate,
        "schedule_impact_days": r.schedule_impact_days,
        "variation_id": r.variation_id,
        "variation_number": number,
        "created_at": r.created_at,
    }


def rfi_detail(request: HttpRequest, r: Rfi) -> dict:
    labels = {**workflow.ACTION_LABELS, "comment": "留言"}
    party = services.party_of(request.actor, r)
    return {
        **rfi_read(r),
        "question": r.question,
        "answer": r.answer,
        "answered_by_name": _name(r.answered_by) if r.answered_by_id else None,
        "answered_at": r.answered_at,
        "attachments": [_att(a) for a in r.attachments.all() if a.response_id is None],
        "responses": [
            {
                "id": m.pk,
                "action": m.action,
                "action_label": labels.get(m.action, m.action),
                "text": m.text,
                "author_name": _name(m.author),
                "organisation_name": m.organisation.name,
                "created_at": m.created_at,
                "attachments": [_att(a) for a in m.attachments.all()],
            }
            for m in selectors.thread(r)
        ],
        "actions": workflow.allowed_actions(r.state, party)
        if request.actor.can("collab_rfis.rfi")
        else [],
    }


@router.get("/rfis", response={200: list[RfiRead], **ERR}, summary="工作联系单列表")
def rfi_list(request: HttpRequest, filters: Query[RfiFilter]):
    from jianguan.contracts.models import Variation

    rows = list(
        selectors.rfi_list(
            actor=request.actor,
            project_id=filters.project_id,
            state=filters.state,
            court=filters.court,
            overdue=filters.overdue,
        )[: filters.limit]
    )
    ids = [r.variation_id for r in rows if r.variation_id]
    numbers = dict(Variation.objects.filter(pk__in=ids).values_list("pk", "number"))
    return [rfi_read(r, variation_numbers=numbers) for r in rows]


@router.post(
    "/rfis",
    response={201: RfiDetail, **ERR},
    auth=permitted("collab_rfis.rfi"),
    summary="提出工作联系单或技术核定单（附件另行上传）",
)
def rfi_create(request: HttpRequest, data: RfiIn):
    project = selectors.project_for(actor=request.actor, pk=data.project_id)
    rfi = services.rfi_raise(
        actor=request.actor,
        project=project,
        kind=data.kind,
        priority=data.priority,
        subject=data.subject,
        question=data.question,
        addressed_to_id=data.addressed_to_id,
        cost_impact=data.cost_impact,
        cost_estimate=data.cost_estimate,
        schedule_impact_days=data.schedule_impact_days,
        submit=data.submit,
    )
    return Status(201, rfi_detail(request, selectors.rfi_get(actor=request.actor, pk=rfi.pk)))


def _rfi(request: HttpRequest, rfi_id: str) -> Rfi:
    return selectors.rfi_get(actor=request.actor, pk=path_id(rfi_id, "联系单"))


@router.get("/rfis/{rfi_id}", response={200: RfiDetail, **ERR}, summary="工作联系单（含往来记录）")
def rfi_get(request: HttpRequest, rfi_id: str):
    return rfi_detail(request, _rfi(request, rfi_id))


@router.post(
    "/rfis/{rfi_id}/actions",
    response={200: RfiDetail, **ERR},
    auth=permitted("collab_rfis.rfi"),
    summary="当前处理方办理：提交、答复、退回补充资料、重新提交、关闭、重新提问",
)
def rfi_act(request: HttpRequest, rfi_id: str, data: RfiActIn):
    rfi = _rfi(request, rfi_id)
    services.rfi_act(actor=request.actor, rfi=rfi, action=data.action, text=data.text)
    return rfi_detail(request, _rfi(request, rfi_id))


@router.post(
    "/rfis/{rfi_id}/comments",
    response={201: RfiDetail, **ERR},
    auth=permitted("collab_rfis.rfi"),
    summary="留言",
)
def rfi_comment(request: HttpRequest, rfi_id: str, data: RfiCommentIn):
    rfi = _rfi(request, rfi_id)
    services.rfi_comment(actor=request.actor, rfi=rfi, text=data.text)
    return Status(201, rfi_detail(request, _rfi(request, rfi_id)))


@router.post(
    "/rfis/{rfi_id}/attachments",
    response={201: RfiDetail, **ERR},
    auth=permitted("collab_rfis.rfi"),
    summary="上传附件（作为一条留言）",
)
def rfi_attach(
    request: HttpRequest,
    rfi_id: str,
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    rfi = _rfi(request, rfi_id)
    services.rfi_comment(actor=request.actor, rfi=rfi, text="上传附件", files=files or [])
    return Status(201, rfi_detail(request, _rfi(request, rfi_id)))


@router.post(
    "/rfis/{rfi_id}/variation",
    response={201: RfiDetail, **ERR},
    auth=permitted("contracts.variation_raise"),
    summary="涉及费用的联系单转为工程变更（经合同变更流程审批）",
)
def rfi_variation(request: HttpRequest, rfi_id: str, data: RfiVariationIn):
    rfi = _rfi(request, rfi_id)
    services.rfi_raise_variation(
        actor=request.actor,
        rfi=rfi,
        contract_id=data.contract_id,
        title=data.title,
        reason=data.reason,
        lines=[
            {k: v for k, v in line.dict().items() if v not in (None, "")} for line in data.lines
        ],
    )
    return Status(201, rfi_detail(request, _rfi(request, rfi_id)))


# --- submittals -------------------------------------------------------------------------------


def submittal_read(s: Submittal) -> dict:
    return {
        "id": s.pk,
        "project_id": s.project_id,
        "project_name": s.project.name,
        "number": s.number,
        "kind": s.kind,
        "kind_label": workflow.SUBMITTAL_KINDS[s.kind],
        "title": s.title,
        "state": s.state,
        "state_label": workflow.SUBMITTAL_STATES[s.state],
        "submitter_organisation_name": s.submitter_org.name,
        "reviewer_organisation_name": s.reviewer_org.name,
        "revision_count": s.revision_count,
        "due_on": s.due_on,
        "overdue": bool(s.due_on and s.state == workflow.UNDER_REVIEW and s.due_on < today_local()),
        "escalation_level": s.escalation_level,
        "escalation_label": s.escalation_label,
        "created_at": s.created_at,
    }


def submittal_detail(s: Submittal) -> dict:
    return {
        **submittal_read(s),
        "description": s.description,
        "revisions": [
            {
                "id": r.pk,
                "revision": r.revision,
                "file_name": r.file_name,
                "sm3": r.sm3,
                "note": r.note,
                "submitted_by_name": _name(r.submitted_by),
                "created_at": r.created_at,
                "decision": r.decision,
                "decision_label": workflow.DECISIONS.get(r.decision, "待审查"),
                "comments": r.comments,
                "reviewed_by_name": _name(r.reviewed_by) if r.reviewed_by_id else None,
                "reviewed_at": r.reviewed_at,
                "stamped": bool(r.stamped_file),
                "stamped_sm3": r.stamped_sm3,
                "document_code": r.document_code,
            }
            for r in selectors.revisions(s)
        ],
    }


def _submittal(request: HttpRequest, submittal_id: str) -> Submittal:
    return selectors.submittal_get(actor=request.actor, pk=path_id(submittal_id, "报审事项"))


@router.get("/submittals", response={200: list[SubmittalRead], **ERR}, summary="报审报验台账")
def submittal_list(request: HttpRequest, filters: Query[SubmittalFilter]):
    qs = selectors.submittal_list(
        actor=request.actor,
        project_id=filters.project_id,
        state=filters.state,
        overdue=filters.overdue,
    )
    return [submittal_read(s) for s in qs[: filters.limit]]


@router.post(
    "/submittals",
    response={201: SubmittalDetail, **ERR},
    auth=permitted("collab_rfis.submit"),
    summary="报审报验（上传 PDF）",
)
def submittal_create(
    request: HttpRequest,
    data: Form[SubmittalForm],
    file: File[UploadedFile] = None,  # type: ignore[assignment]
):
    project = selectors.project_for(actor=request.actor, pk=data.project_id)
    s = services_submittal.submittal_submit(
        actor=request.actor,
        project=project,
        kind=data.kind,
        title=data.title,
        description=data.description,
        file=file,
    )
    return Status(201, submittal_detail(selectors.submittal_get(actor=request.actor, pk=s.pk)))


@router.get(
    "/submittals/{submittal_id}", response={200: SubmittalDetail, **ERR}, summary="报审事项"
)
def submittal_get(request: HttpRequest, submittal_id: str):
    return submittal_detail(_submittal(request, submittal_id))


@router.post(
    "/submittals/{submittal_id}/review",
    response={200: SubmittalDetail, **ERR},
    auth=permitted("collab_rfis.review"),
    summary="监理审查（通过的版次加盖审查章）",
)
def submittal_review(request: HttpRequest, submittal_id: str, data: SubmittalReviewIn):
    s = _submittal(request, submittal_id)
    services_submittal.submittal_review(
        actor=request.actor, submittal=s, decision=data.decision, comments=data.comments
    )
    return submittal_detail(_submittal(request, submittal_id))


@router.post(
    "/submittals/{submittal_id}/revisions",
    response={201: SubmittalDetail, **ERR},
    auth=permitted("collab_rfis.submit"),
    summary="修改后重新报审（上传新版 PDF）",
)
def submittal_resubmit(
    request: HttpRequest,
    submittal_id: str,
    data: Form[ResubmitForm],
    file: File[UploadedFile] = None,  # type: ignore[assignment]
):
    s = _submittal(request, submittal_id)
    services_submittal.submittal_resubmit(
        actor=request.actor, submittal=s, file=file, note=data.note
    )
    return Status(201, submittal_detail(_submittal(request, submittal_id)))


@router.get(
    "/submittals/{submittal_id}/pdf",
    response={200: None, **ERR},
    summary="最新版次的 PDF（已审查通过的为盖章版）",
)
def submittal_pdf(request: HttpRequest, submittal_id: str):
    s = _submittal(request, submittal_id)
    rev = s.revisions.order_by("-revision").first()
    if rev is None:
        raise NotFound("报审文件不存在", code="file_not_found")
    field = rev.stamped_file if rev.stamped_file else rev.file
    with field.open("rb") as fh:
        content = fh.read()
    response = HttpResponse(content, content_type="application/pdf")
    suffix = "-stamped" if rev.stamped_file else ""
    response["Content-Disposition"] = f'inline; filename="{s.number}-r{rev.revision}{suffix}.pdf"'
    return response
