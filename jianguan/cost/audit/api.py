"""结算审计 over the API (/api/v1/cost/...): the audits the actor may see, one audit, the
engagement of a firm on a final account, each review's bulk cuts and submission, the line
table (paginated, the cuts the actor may see side by side), the contractor's answers, the
meeting and the report. Writes check the grant first (403) before the body is read (400)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from jianguan.core.api_auth import permitted
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.core.pdf import person
from jianguan.cost.audit import selectors, services, services_close
from jianguan.cost.audit import workflow as wf
from jianguan.cost.audit.models import SettlementAudit
from jianguan.cost.audit.schemas import (
    CostAuditCountOut,
    CostAuditCutsIn,
    CostAuditEngageIn,
    CostAuditLineFilter,
    CostAuditLinePage,
    CostAuditMeetingIn,
    CostAuditRead,
    CostAuditRespondIn,
    CostAuditSubmitIn,
)
from jianguan.cost.settlement import workflow as swf

router = Router(tags=["结算审计"])


def _s(value) -> str | None:
    return None if value is None else str(value)


def audit_read(actor, a: SettlementAudit) -> dict:
    return {
        "id": a.pk,
        "account_id": a.account_id,
        "account_number": a.account.number,
        "project_name": a.account.contract.project.name,
        "contract_number": a.account.contract.number,
        "firm_name": a.firm.name,
        "finance_name": a.finance.name,
        "appointed_by_organisation": a.appointed_by_org.name,
        "appointed_at": a.appointed_at,
        "reference": a.reference,
        "state": a.state,
        "state_label": wf.STATES[a.state],
        "review_due_on": a.review_due_on,
        "response_due_on": a.response_due_on,
        "meeting_due_on": a.meeting_due_on,
        "submitted_amount": _s(a.submitted_amount),
        "proposed_amount": _s(a.proposed_amount),
        "audited_amount": _s(a.audited_amount),
        "reduction_ratio": _s(a.reduction_ratio),
        "report_number": a.report_number,
        "credit_recorded": a.credit_recorded,
        "reviews": [
            {
                "id": r.pk,
                "stage": r.stage,
                "stage_label": wf.STAGES[r.stage],
                "organisation_name": r.organisation.name,
                "reviewer_name": person(r.reviewer) if r.reviewer else "",
                "submitted_at": r.submitted_at,
                "reviewed_amount": _s(r.reviewed_amount),
                "opinion": r.opinion,
            }
            for r in selectors.visible_reviews(actor, a)
        ],
    }


def _audit(request: HttpRequest, audit_id: str) -> SettlementAudit:
    return selectors.audit_get_visible(actor=request.actor, pk=path_id(audit_id, "结算审计"))


def _own_review(request: HttpRequest, audit: SettlementAudit):
    own = selectors.own_review(request.actor, audit)
    if own is None:
        raise PermissionDenied("贵单位不是本结算审计的审核单位", code="not_your_review")
    return own


@router.get("/audits", response={200: list[CostAuditRead], **ERR}, summary="结算审计列表")
def audit_list(request: HttpRequest):
    actor = request.actor
    return [audit_read(actor, a) for a in selectors.audits_visible_to(actor=actor)[:200]]


@router.get("/audits/{audit_id}", response={200: CostAuditRead, **ERR}, summary="结算审计")
def audit_get(request: HttpRequest, audit_id: str):
    return audit_read(request.actor, _audit(request, audit_id))


@router.post(
    "/final-accounts/{account_id}/audit",
    response={201: CostAuditRead, **ERR},
    auth=permitted("cost_audit.engage"),
    summary="委托结算审计（建设单位或财政评审机构）",
)
def audit_engage(request: HttpRequest, account_id: str, data: CostAuditEngageIn):
    from jianguan.contracts.selectors import contract_list_visible_to
    from jianguan.cost.settlement.models import FinalAccount

    pk = path_id(account_id, "竣工结算")
    account = FinalAccount.objects.filter(
        pk=pk, contract__in=contract_list_visible_to(actor=request.actor)
    ).first()
    if account is None:
        raise NotFound("竣工结算不存在或无权查看", code="account_not_found")
    audit = services.audit_engage(
        actor=request.actor, account=account, firm=data.firm_id, reference=data.reference
    )
    return Status(
        201,
        audit_read(request.actor, selectors.audit_get_visible(actor=request.actor, pk=audit.pk)),
    )


@router.get(
    "/audits/{audit_id}/lines",
    response={200: CostAuditLinePage, **ERR},
    summary="结算明细与两审审减（分页）",
)
def audit_lines(request: HttpRequest, audit_id: str, filters: Query[CostAuditLineFilter]):
    audit = _audit(request, audit_id)
    page, rows = selectors.line_page(
        actor=request.actor,
        audit=audit,
        page=filters.page,
        q=filters.q,
        kind=filters.kind,
        show=filters.show,
    )
    out = []
    for row in rows:
        line, res = row.line, row.result
        f, a = row.cuts.get(wf.FINANCE), row.cuts.get(wf.AUDIT)
        out.append(
            {
                "id": line.pk,
                "sequence": line.sequence,
                "source_kind": line.source_kind,
                "source_kind_label": swf.SOURCE_KINDS.get(line.source_kind, line.source_kind),
                "code": line.code,
                "name": line.name,
                "unit": line.unit,
                "claimed_amount": str(line.claimed_amount),
                "stage_settled": line.stage_settled,
                "finance_amount": _s(f[0]) if f else None,
                "finance_reason": f[1] if f else None,
                "audit_amount": _s(a[0]) if a else None,
                "audit_reason": a[1] if a else None,
                "proposed_amount": _s(res.proposed_amount) if res else None,
                "response": (res.response or None) if res else None,
                "response_label": wf.RESPONSES.get(res.response) if res else None,
                "final_amount": _s(res.final_amount) if res else None,
                "settled_amount": _s(line.settled_amount) if audit.state == wf.REPORTED else None,
            }
        )
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "lines": out,
    }


@router.post(
    "/audits/{audit_id}/cuts",
    response={200: CostAuditCountOut, **ERR},
    auth=permitted("cost_audit.review"),
    summary="本单位审核的审减（批量；同一行再次提交即替换）",
)
def audit_cuts(request: HttpRequest, audit_id: str, data: CostAuditCutsIn):
    audit = _audit(request, audit_id)
    own = _own_review(request, audit)
    n = services.cuts_set(
        actor=request.actor,
        review=own,
        rows=[(c.line_id, c.audited_amount, c.reason) for c in data.cuts],
    )
    return {"count": n}


@router.delete(
    "/audits/{audit_id}/cuts/{line_id}",
    response={204: None, **ERR},
    auth=permitted("cost_audit.review"),
    summary="撤回本单位对一行的审减（提交前）",
)
def audit_cut_remove(request: HttpRequest, audit_id: str, line_id: str):
    audit = _audit(request, audit_id)
    own = _own_review(request, audit)
    services.cut_remove(actor=request.actor, review=own, line=path_id(line_id, "清单行"))
    return Status(204, None)


@router.post(
    "/audits/{audit_id}/review/submit",
    response={200: CostAuditRead, **ERR},
    auth=permitted("cost_audit.review"),
    summary="提交本单位审核（两审均提交后合并，逐行取较低者）",
)
def audit_review_submit(request: HttpRequest, audit_id: str, data: CostAuditSubmitIn):
    audit = _audit(request, audit_id)
    services.review_submit(
        actor=request.actor, review=_own_review(request, audit), opinion=data.opinion
    )
    return audit_read(request.actor, _audit(request, audit_id))


@router.post(
    "/audits/{audit_id}/responses",
    response={200: CostAuditRead, **ERR},
    auth=permitted("cost_audit.respond"),
    summary="施工单位确认审减（列出的行为有异议，其余视为确认）",
)
def audit_respond(request: HttpRequest, audit_id: str, data: CostAuditRespondIn):
    audit = _audit(request, audit_id)
    services_close.cuts_respond(
        actor=request.actor, audit=audit, disputes={d.line_id: d.reason for d in data.disputes}
    )
    return audit_read(request.actor, _audit(request, audit_id))


@router.post(
    "/audits/{audit_id}/meetings",
    response={201: CostAuditRead, **ERR},
    auth=permitted("cost_audit.meeting"),
    summary="记录争议会商纪要及每项争议的会商审定金额（建设单位）",
)
def audit_meeting(request: HttpRequest, audit_id: str, data: CostAuditMeetingIn):
    audit = _audit(request, audit_id)
    services_close.meeting_record(
        actor=request.actor,
        audit=audit,
        held_on=data.held_on,
        venue=data.venue,
        attendees=data.attendees,
        minutes=data.minutes,
        figures={f.line_id: f.final_amount for f in data.figures},
    )
    return Status(201, audit_read(request.actor, _audit(request, audit_id)))


@router.post(
    "/audits/{audit_id}/report",
    response={200: CostAuditRead, **ERR},
    auth=permitted("cost_audit.report"),
    summary="出具结算审计报告（审计机构）",
)
def audit_report(request: HttpRequest, audit_id: str):
    audit = _audit(request, audit_id)
    services_close.report_issue(actor=request.actor, audit=audit)
    return audit_read(request.actor, _audit(request, audit_id))
