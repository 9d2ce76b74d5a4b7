"""Settlement audit pages: the actor's audits (and the final accounts waiting for an audit firm,
for the owner and the finance bureau), one audit with the action of whoever holds the ball, the
line table (paginated, filtered, cuts side by side once both reviews are in) with the reviewer's
cut form and Excel upload, and the report as PDF and Excel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from jianguan.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local
from jianguan.cost.audit import report, selectors, services, services_close
from jianguan.cost.audit import workflow as wf
from jianguan.cost.audit.forms import parse_cut_sheet, parse_pairs
from jianguan.cost.settlement import workflow as swf

VIEW = "cost_audit.view"


def awaiting_engagement(actor) -> list:
    """Final accounts the actor's organisation may send to audit (owner-reviewed, no audit)."""
    from jianguan.contracts.selectors import contract_list_visible_to
    from jianguan.cost.settlement.models import FinalAccount

    if not actor.can("cost_audit.engage") or actor.organisation_id is None:
        return []
    org = actor.organisation_id
    mine = contract_list_visible_to(actor=actor).filter(employer_id=org) | contract_list_visible_to(
        actor=actor
    ).filter(finance_bureau_id=org)
    return list(
        FinalAccount.objects.filter(
            status=swf.OWNER_REVIEWED, contract__in=mine, settlement_audit__isnull=True
        ).select_related("contract__project")[:100]
    )


def _firms() -> list:
    from jianguan.accounts.models import Organisation

    return list(Organisation.objects.filter(kind="auditor").order_by("name")[:300])


@require_GET
@permission_required(VIEW)
def index(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    waiting = awaiting_engagement(actor)
    ctx = {
        "audits": list(selectors.audits_visible_to(actor=actor)[:200]),
        "waiting": waiting,
        "firms": _firms() if waiting else [],
        "states": wf.STATES,
    }
    return render(request, "cost_audit/index.html", ctx)


@require_POST
@permission_required("cost_audit.engage")
def engage(request: HttpRequest, pk: int) -> HttpResponse:
    from jianguan.contracts.selectors import contract_list_visible_to
    from jianguan.cost.settlement.models import FinalAccount

    account = FinalAccount.objects.filter(
        pk=pk, contract__in=contract_list_visible_to(actor=request.actor)
    ).first()
    if account is None:
        raise NotFound("竣工结算不存在或无权查看", code="account_not_found")
    firm = request.POST.get("firm", "")
    try:
        audit = services.audit_engage(
            actor=request.actor,
            account=account,
            firm=int(firm) if firm.isdigit() else 0,
            reference=request.POST.get("reference", ""),
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        ctx = {
            "audits": list(selectors.audits_visible_to(actor=request.actor)[:200]),
            "waiting": awaiting_engagement(request.actor),
            "firms": _firms(),
            "states": wf.STATES,
            "error": exc,
        }
        return render(request, "cost_audit/index.html", ctx, status=exc.status)
    return redirect("cost_audit:audit", audit.pk)


def _ctx(request: HttpRequest, audit, error: Any = None) -> dict:
    actor = request.actor
    contract = audit.account.contract
    reviews = selectors.visible_reviews(actor, audit)
    own = selectors.own_review(actor, audit)
    org = actor.organisation_id
    return {
        "audit": audit,
        "account": audit.account,
        "contract": contract,
        "reviews": reviews,
        "own": own,
        "may_review": own is not None
        and own.submitted_at is None
        and audit.state == wf.REVIEWING
        and actor.can("cost_audit.review"),
        "may_respond": audit.state == wf.RESPONDING
        and org == contract.contractor_id
        and actor.can("cost_audit.respond"),
        "may_meet": audit.state == wf.DISPUTED
        and org == contract.employer_id
        and actor.can("cost_audit.meeting"),
        "may_report": audit.state == wf.AGREED
        and org == audit.firm_id
        and actor.can("cost_audit.report"),
        "totals": selectors.totals(audit) if audit.state != wf.REVIEWING else None,
        "meetings": list(audit.meetings.order_by("held_on", "pk")),
        "stages": wf.STAGES,
        "today": today_local(),
        "error": error,
    }


@require_GET
@permission_required(VIEW)
def audit_page(request: HttpRequest, pk: int) -> HttpResponse:
    audit = selectors.audit_get_visible(actor=request.actor, pk=pk)
    return render(request, "cost_audit/audit.html", _ctx(request, audit))


def _post(request: HttpRequest, pk: int, write, *, back: str = "cost_audit:audit") -> HttpResponse:
    audit = selectors.audit_get_visible(actor=request.actor, pk=pk)
    try:
        write(audit)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        audit = selectors.audit_get_visible(actor=request.actor, pk=pk)
        return render(
            request, "cost_audit/audit.html", _ctx(request, audit, exc), status=exc.status
        )
    return redirect(back, pk)


def _own_review(request: HttpRequest, audit):
    own = selectors.own_review(request.actor, audit)
    if own is None or not request.actor.can("cost_audit.review"):
        raise PermissionDenied("贵单位不是本结算审计的审核单位", code="not_your_review")
    return own


def _line_ids(audit, sequences: list[int]) -> dict[int, int]:
    from jianguan.cost.settlement.models import FinalAccountLine

    return dict(
        FinalAccountLine.objects.filter(
            account_id=audit.account_id, sequence__in=sequences
        ).values_list("sequence", "pk")
    )


def _by_sequence(audit, pairs: list[tuple[int, str]]) -> dict[int, str]:
    ids = _line_ids(audit, [s for s, _ in pairs])
    missing = [s for s, _ in pairs if s not in ids]
    if missing:
        raise ValidationFailed(f"竣工结算中没有序号 {missing[0]}", code="line_not_found")
    return {ids[s]: v for s, v in pairs}


@require_POST
@permission_required("cost_audit.review")
def cut(request: HttpRequest, pk: int) -> HttpResponse:
    def write(audit):
        own = _own_review(request, audit)
        raw = request.POST.get("line", "")
        line = int(raw) if raw.isdigit() else -1
        if request.POST.get("remove") == "1":
            services.cut_remove(actor=request.actor, review=own, line=line)
        else:
            services.cut_set(
                actor=request.actor,
                review=own,
                line=line,
                audited_amount=request.POST.get("audited_amount", ""),
                reason=request.POST.get("reason", ""),
            )

    return _post(request, pk, write)


@require_POST
@permission_required("cost_audit.review")
def cuts_upload(request: HttpRequest, pk: int) -> HttpResponse:
    def write(audit):
        own = _own_review(request, audit)
        rows = parse_cut_sheet(request.FILES.get("file"))
        ids = _line_ids(audit, [s for s, _, _ in rows])
        missing = [s for s, _, _ in rows if s not in ids]
        if missing:
            raise ValidationFailed(f"竣工结算中没有序号 {missing[0]}", code="line_not_found")
        services.cuts_set(
            actor=request.actor, review=own, rows=[(ids[s], a, r) for s, a, r in rows]
        )

    return _post(request, pk, write)


@require_POST
@permission_required("cost_audit.review")
def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        lambda audit: services.review_submit(
            actor=request.actor,
            review=_own_review(request, audit),
            opinion=request.POST.get("opinion", ""),
        ),
    )


@require_POST
@permission_required("cost_audit.respond")
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    def write(audit):
        pairs = parse_pairs(request.POST.get("disputes", ""), "异议理由")
        services_close.cuts_respond(
            actor=request.actor, audit=audit, disputes=_by_sequence(audit, pairs)
        )

    return _post(request, pk, write)


@require_POST
@permission_required("cost_audit.meeting")
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    def write(audit):
        if audit.account.contract.employer_id != request.actor.organisation_id:
            raise PermissionDenied("争议会商由本合同的建设单位召集并记录", code="not_owner")
        pairs = parse_pairs(request.POST.get("figures", ""), "会商审定金额")
        try:
            held_on = dt.date.fromisoformat(request.POST.get("held_on", ""))
        except ValueError:
            raise ValidationFailed("请填写会商日期", code="bad_date") from None
        services_close.meeting_record(
            actor=request.actor,
            audit=audit,
            held_on=held_on,
            venue=request.POST.get("venue", ""),
            attendees=request.POST.get("attendees", ""),
            minutes=request.POST.get("minutes", ""),
            figures=_by_sequence(audit, pairs),
        )

    return _post(request, pk, write)


@require_POST
@permission_required("cost_audit.report")
def report_issue(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request, pk, lambda audit: services_close.report_issue(actor=request.actor, audit=audit)
    )


@require_GET
@permission_required(VIEW)
def lines(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    audit = selectors.audit_get_visible(actor=actor, pk=pk)
    q = request.GET.get("q", "").strip()[:60]
    kind = request.GET.get("kind", "")
    kind = kind if kind in swf.SOURCE_KINDS else ""
    show = request.GET.get("show", "")
    show = show if show in selectors.FILTERS else ""
    page = request.GET.get("page", "1")
    page_obj, rows = selectors.line_page(
        actor=actor,
        audit=audit,
        page=int(page) if page.isdigit() else 1,
        q=q,
        kind=kind,
        show=show,
    )
    ctx = _ctx(request, audit)
    ctx.update(
        {
            "page_obj": page_obj,
            "rows": rows,
            "q": q,
            "kind": kind,
            "show": show,
            "kinds": swf.SOURCE_KINDS,
            "filters": selectors.FILTERS,
            "merged": audit.state != wf.REVIEWING,
            "visible_stages": [r.stage for r in ctx["reviews"]],
        }
    )
    return render(request, "cost_audit/lines.html", ctx)


@require_GET
@permission_required(VIEW)
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    audit = selectors.audit_get_visible(actor=request.actor, pk=pk)
    content = report.report_document(actor=request.actor, audit=audit)
    resp = HttpResponse(content, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="audit-report-{audit.pk}.pdf"'
    return resp


@require_GET
@permission_required(VIEW)
def report_excel(request: HttpRequest, pk: int) -> HttpResponse:
    audit = selectors.audit_get_visible(actor=request.actor, pk=pk)
    if audit.state != wf.REPORTED:
        from jianguan.core.errors import Conflict

        raise Conflict("审计报告尚未出具", code="report_not_issued")
    resp = HttpResponse(
        report.report_xlsx(audit),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = f'attachment; filename="audit-report-{audit.pk}.xlsx"'
    return resp
