"""Pages: the contract register with its Excel export, a new contract (from an award or by
hand), the contract page (parties, terms with the rule check, money, signatures,
subcontracts), terms, signing, subcontract approval, and the contract's ledger."""

from __future__ import annotations

import json
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jianguan.accounts.models import Organisation
from jianguan.contracts import payments, register, selectors, visibility, workflow
from jianguan.contracts.forms import (
    ApproveForm,
    FromAwardForm,
    ManualContractForm,
    SubcontractForm,
    TermsForm,
)
from jianguan.contracts.models import Contract, PaymentClaim
from jianguan.contracts.services import contracts as services
from jianguan.core.errors import DomainError, PermissionDenied
from jianguan.core.permissions import permission_required
from jianguan.ledger.models import LedgerEntry
from jianguan.projects.models import Participant, Project

PAGE_SIZE = 50


def _first_error(form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}：{errors[0]}" if label else str(errors[0])
    return "请检查填写的内容"


def _get(request: HttpRequest, pk: int) -> Contract:
    return selectors.contract_get_visible(actor=request.actor, pk=pk)


# --- register --------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> dict[str, str]:
    g = request.GET
    keys = ("q", "project", "status", "kind", "claim_status")
    return {k: str(g.get(k, "")).strip()[:100] for k in keys}


@require_GET
@permission_required("contracts.view")
def index(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    qs = register.register_queryset(actor=request.actor, **f)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    visible = selectors.contract_list_visible_to(actor=request.actor)
    projects = Project.objects.filter(pk__in=visible.values("project_id")).order_by("code")
    ctx = {
        "page": page,
        "rows": register.rows(list(page.object_list)),
        "totals": register.totals(qs),
        "f": f,
        "projects": projects,
        "statuses": workflow.CONTRACT_STATUSES,
        "kinds": workflow.CONTRACT_KINDS,
        "claim_status_label": workflow.CLAIM_STATUSES.get(f["claim_status"], ""),
        "query": request.GET.urlencode(),
        "can_create": request.actor.can("contracts.manage") and request.actor.is_kind("owner"),
        # The review queue is only for those who review (finance, auditor, owner, supervisor):
        # the button led everyone else to a 403.
        "can_review": request.actor.can("contracts.review"),
    }
    return render(request, "contracts/index.html", ctx)


@require_GET
@permission_required("contracts.view")
def register_export(request: HttpRequest) -> HttpResponse:
    qs = register.register_queryset(actor=request.actor, **_filters(request))
    response = HttpResponse(
        register.export_xlsx(qs),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="contracts.xlsx"'
    return response


# --- new contract ----------------------------------------------------------------------------


def _open_awards(actor):
    from jianguan.tendering.models import Award

    taken = Contract.objects.filter(award_id__isnull=False).values("award_id")
    return (
        Award.objects.filter(tender__project__owner_id=actor.organisation_id)
        .exclude(pk__in=taken)
        .select_related("tender", "lot", "supplier")
        .order_by("-decided_at")
    )


def _manual_choices(actor):
    projects = Project.objects.filter(owner_id=actor.organisation_id).order_by("code")
    gc_ids = Participant.objects.filter(
        project__in=projects, role="general_contractor", is_active=True
    ).values("organisation_id")
    return projects, Organisation.objects.filter(pk__in=gc_ids).order_by("name")


@require_http_methods(["GET", "POST"])
@permission_required("contracts.manage")
def contract_new(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    if not (actor.is_kind("owner") or actor.is_system):
        raise PermissionDenied("只有建设单位可以起草施工合同", code="not_project_owner")
    awards = list(_open_awards(actor))
    projects, contractors = _manual_choices(actor)
    data = request.POST if request.method == "POST" else None
    mode = request.POST.get("mode", "award")
    award_form = FromAwardForm(data if mode == "award" else None, awards=awards)
    manual_form = ManualContractForm(
        data if mode == "manual" else None, projects=projects, contractors=contractors
    )
    error, status = "", 200
    if data is not None:
        form = award_form if mode == "award" else manual_form
        if not form.is_valid():
            error, status = _first_error(form), 400
        else:
            d = form.cleaned_data
            try:
                if mode == "award":
                    award = next(a for a in awards if a.pk == d["award"])
                    made = services.contract_create_from_award(
                        actor=actor, award=award, start_on=d["start_on"], auditor=d["auditor"]
                    )
                else:
                    made = services.contract_create(
                        actor=actor,
                        project=projects.get(pk=d["project"]),
                        contractor=contractors.get(pk=d["contractor"]),
                        title=d["title"],
                        price=d["price"],
                        duration_days=d["duration_days"],
                        tender_code=d["tender_code"],
                    )
            except DomainError as exc:
                error, status = exc.message, exc.status
            else:
                messages.success(request, f"已起草合同 {made.number}")
                return redirect("contracts:detail", pk=made.pk)
    ctx = {"award_form": award_form, "manual_form": manual_form, "error": error, "mode": mode}
    return render(request, "contracts/new.html", ctx, status=status)


# --- the contract page -----------------------------------------------------------------------

TERM_CODES = {
    "progress": {"progress_ratio_too_low", "progress_ratio_range", "ratios_exceed_total"},
    "retention": {"retention_too_high", "retention_with_bond"},
    "security": {"security_too_high", "security_amount_missing"},
    "labour": {"labour_cycle_too_long"},
}


def terms_panel(c: Contract) -> list[dict]:
    """Each lawful-terms row: the contract's value, the limit, the article, ok or violation."""
    limits, rules = services.limits()
    problems = payments.check_terms(services.terms_of(c), limits)
    found: dict[str, list[str]] = {}
    for code, message in problems:
        for key, codes in TERM_CODES.items():
            if code in codes:
                found.setdefault(key, []).append(message)
    security = f"{c.get_security_form_display()} {c.security_amount:,.2f} 元"
    if c.price:
        security += f"（{c.security_amount / c.price:.2%}）"
    rows = [
        (
            "progress",
            "进度款支付比例",
            f"{c.progress_ratio:.2%}",
            f"≥ {limits.progress_ratio_min:.0%}",
        ),
        (
            "retention",
            "质量保证金",
            f"{c.get_retention_form_display()} {c.retention_ratio:.2%}",
            f"≤ {limits.retention_ratio_max:.0%}",
        ),
        ("security", "履约担保", security, f"≤ {limits.security_ratio_max:.0%}"),
        (
            "labour",
            "人工费用拨付周期",
            f"{c.labour_payment_cycle_months} 个月",
            f"≤ {limits.labour_cycle_max_months} 个月",
        ),
    ]
    return [
        {
            "key": key,
            "label": label,
            "value": value,
            "limit": limit,
            "article": rules[key].reference if key in rules else "",
            "ok": key not in found,
            "messages": found.get(key, []),
        }
        for key, label, value, limit in rows
    ]


def _money(c: Contract) -> dict[str, Decimal]:
    f = register.figures([c.pk])[c.pk]
    return {**f, "variations": c.current_value - c.price}


def _refusal(c: Contract) -> dict | None:
    entry = (
        LedgerEntry.objects.filter(
            object_app="contracts",
            object_model="contract",
            object_id=str(c.pk),
            type="contracts.subcontract_refused",
        )
        .order_by("-index")
        .first()
    )
    if entry is None:
        return None
    return json.loads(bytes(entry.leaf_input))


def _render_detail(request, c: Contract, *, error: str = "", status: int = 200) -> HttpResponse:
    actor = request.actor
    side = None
    if actor.organisation_id == c.employer_id:
        side = "employer"
    elif actor.organisation_id == c.contractor_id:
        side = "contractor"
    signable = c.status in (workflow.DRAFT, workflow.SIGNING)
    can_sign = (
        signable
        and side is not None
        and actor.can("contracts.sign")
        and getattr(c, f"{side}_signed_at") is None
    )
    parent_owner = c.parent.employer_id if c.parent_id else None
    ctx = {
        "c": c,
        "tab": "detail",
        "error": error,
        "panel": terms_panel(c),
        "problems": services.signing_problems(c) if signable else [],
        "money": _money(c),
        "claims": PaymentClaim.objects.filter(contract=c).order_by("sequence"),
        "subcontracts": c.subcontracts.select_related("contractor").order_by("number"),
        "boq_count": c.boq_items.count(),
        "can_sign": can_sign,
        "can_edit": signable
        and c.status == workflow.DRAFT
        and not (c.employer_signed_at or c.contractor_signed_at)
        and actor.organisation_id == c.employer_id
        and actor.can("contracts.manage"),
        "can_approve": c.kind == "subcontract"
        and c.approved_at is None
        and c.status == workflow.DRAFT
        and actor.organisation_id == parent_owner
        and actor.can("contracts.approve_subcontract"),
        "can_subcontract": c.kind == "main"
        and c.status in workflow.IN_FORCE
        and actor.organisation_id == c.contractor_id
        and actor.can("contracts.manage"),
        "refusal": _refusal(c) if c.kind == "subcontract" else None,
        "approve_form": ApproveForm(),
    }
    return render(request, "contracts/detail.html", ctx, status=status)


@require_GET
@permission_required("contracts.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _get(request, pk))


@require_http_methods(["GET", "POST"])
@permission_required("contracts.manage")
def terms(request: HttpRequest, pk: int) -> HttpResponse:
    c = _get(request, pk)
    sub = c.kind == "subcontract"
    error, status = "", 200
    if request.method == "POST":
        form = TermsForm(request.POST, subcontract=sub)
        if not form.is_valid():
            error, status = _first_error(form), 400
        else:
            try:
                services.contract_update_terms(actor=request.actor, contract=c, **form.cleaned_data)
            except DomainError as exc:
                error, status = exc.message, exc.status
            else:
                messages.success(request, "已保存合同条款")
                return redirect("contracts:detail", pk=c.pk)
    else:
        form = TermsForm(initial=TermsForm.initial_for(c), subcontract=sub)
    editable = (
        c.status == workflow.DRAFT
        and not (c.employer_signed_at or c.contractor_signed_at)
        and request.actor.organisation_id == c.employer_id
    )
    ctx = {
        "c": c,
        "tab": "detail",
        "form": form,
        "error": error,
        "panel": terms_panel(c),
        "editable": editable,
    }
    return render(request, "contracts/terms.html", ctx, status=status)


@require_POST
@permission_required("contracts.sign")
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    c = _get(request, pk)
    try:
        c = services.contract_sign(actor=request.actor, contract=c)
    except DomainError as exc:
        return _render_detail(request, _get(request, pk), error=exc.message, status=exc.status)
    done = "合同已由双方签署生效" if c.status == workflow.SIGNED else "已签署，等待对方签署"
    messages.success(request, done)
    return redirect("contracts:detail", pk=c.pk)


@require_POST
@permission_required("contracts.approve_subcontract")
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    c = _get(request, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, c, error=_first_error(form), status=400)
    try:
        c = services.subcontract_approve(
            actor=request.actor,
            contract=c,
            approve=form.cleaned_data["decision"] == "approve",
            opinion=form.cleaned_data["opinion"],
        )
    except DomainError as exc:
        return _render_detail(request, _get(request, pk), error=exc.message, status=exc.status)
    messages.success(request, "已批准分包" if c.approved_at else "已不予批准分包")
    return redirect("contracts:detail", pk=c.pk)


@require_http_methods(["GET", "POST"])
@permission_required("contracts.manage")
def subcontract_new(request: HttpRequest, pk: int) -> HttpResponse:
    from jianguan.registry.models import AccessStandard

    parent = _get(request, pk)
    if request.actor.organisation_id != parent.contractor_id:
        raise PermissionDenied("只有总承包单位可以分包", code="not_contractor")
    contractors = Organisation.objects.filter(
        kind__in=("specialist_subcontractor", "labour_subcontractor")
    ).order_by("name")
    standards = AccessStandard.objects.order_by("name")
    kw = {"contractors": contractors, "standards": standards}
    error, status, reasons = "", 200, []
    if request.method == "POST":
        form = SubcontractForm(request.POST, **kw)
        if not form.is_valid():
            error, status = _first_error(form), 400
        else:
            d = form.cleaned_data
            try:
                made = services.subcontract_create(
                    actor=request.actor,
                    parent=parent,
                    contractor=contractors.get(pk=d["contractor"]),
                    subcontract_type=d["subcontract_type"],
                    title=d["title"],
                    scope=d["scope"],
                    price=d["price"],
                    duration_days=d["duration_days"],
                    covers_main_structure=d["covers_main_structure"],
                    access_standard=standards.filter(pk=d["access_standard"]).first()
                    if d["access_standard"]
                    else None,
                )
            except DomainError as exc:
                error, status = exc.message, exc.status
                if isinstance(exc.details, dict):
                    reasons = exc.details.get("reasons") or []
            else:
                messages.success(request, f"已起草分包合同 {made.number}，待建设单位批准")
                return redirect("contracts:detail", pk=made.pk)
    else:
        form = SubcontractForm(**kw)
    ctx = {"c": parent, "tab": "detail", "form": form, "error": error, "reasons": reasons}
    return render(request, "contracts/subcontract_new.html", ctx, status=status)


# --- ledger ----------------------------------------------------------------------------------


@require_GET
@permission_required("contracts.view")
def ledger(request: HttpRequest, pk: int) -> HttpResponse:
    c = _get(request, pk)
    head = visibility.latest_head()
    items = visibility.with_proofs(
        visibility.contract_entries(actor=request.actor, contract=c), head
    )
    ctx = {
        "c": c,
        "tab": "ledger",
        "head": head,
        "items": items,
        "verified": sum(1 for i in items if i["verified"]),
    }
    return render(request, "contracts/ledger.html", ctx)


@require_GET
@permission_required("contracts.view")
def ledger_export(request: HttpRequest, pk: int) -> HttpResponse:
    c = _get(request, pk)
    data = visibility.contract_ledger_export(actor=request.actor, contract=c)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1, cls=DjangoJSONEncoder),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{c.number}-ledger.json"'
    return response
