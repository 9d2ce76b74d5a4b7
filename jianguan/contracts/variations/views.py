"""Pages: a contract's variations and site instructions (list with a kind filter and the
approved total), raising one (header, lines table, evidence), one variation (lines, evidence
downloads, the approval steps, more evidence, and the decision form for whoever's step it is).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.contrib import messages
from django.db.models import Sum
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from jianguan.compliance.models import Finding
from jianguan.contracts import selectors, workflow
from jianguan.contracts.models import BoqItem, Contract, Evidence, Variation
from jianguan.contracts.services.common import is_party
from jianguan.contracts.variations import services
from jianguan.contracts.variations.api import NEXT_STEP
from jianguan.core.api_params import path_id
from jianguan.core.errors import DomainError, NotFound
from jianguan.core.permissions import permission_required
from jianguan.ledger.selectors import history_verified
from jianguan.ledger.services import latest_head
from jianguan.tendering.boq_xlsx import UNITS

NEW_ROWS = 3
EXISTING_ROWS = 5


def _get(request: HttpRequest, pk: int) -> Contract:
    return selectors.contract_get_visible(actor=request.actor, pk=path_id(str(pk), "合同"))


def _variation(request: HttpRequest, vid: int) -> Variation:
    return selectors.variation_get_visible(actor=request.actor, pk=path_id(str(vid), "变更"))


def _may_raise(actor, c: Contract) -> bool:
    return (
        actor.can("contracts.variation_raise")
        and is_party(actor, c, "contractor", "employer")
        and c.status in workflow.IN_FORCE
    )


@require_http_methods(["GET"])
@permission_required("contracts.view")
def variations(request: HttpRequest, pk: int) -> HttpResponse:
    c = _get(request, pk)
    kind = str(request.GET.get("kind", ""))[:20]
    qs = c.variations.order_by("-created_at", "-pk")
    if kind in workflow.VARIATION_KINDS:
        qs = qs.filter(kind=kind)
    else:
        kind = ""
    approved = c.variations.filter(status=workflow.V_APPROVED)
    ctx = {
        "c": c,
        "tab": "variations",
        "rows": qs[:500],
        "kind": kind,
        "kinds": workflow.VARIATION_KINDS,
        "approved_total": approved.aggregate(s=Sum("amount"))["s"] or Decimal("0.00"),
        "approved_count": approved.count(),
        "pending_count": c.variations.filter(status__in=list(NEXT_STEP)).count(),
        "may_raise": _may_raise(request.actor, c),
    }
    return render(request, "contracts/variations.html", ctx)


def _lines_from_post(post) -> list[dict]:
    lines = []
    for item, delta in zip(post.getlist("item_id"), post.getlist("item_delta"), strict=False):
        if str(item).strip() or str(delta).strip():
            lines.append({"boq_item": str(item).strip(), "quantity_delta": str(delta).strip()})
    keys = ("code", "name", "feature", "unit", "unit_rate", "quantity")
    columns = [post.getlist(f"new_{k}") for k in keys]
    for values in zip(*columns, strict=False):
        row = dict(zip(keys, (str(v).strip() for v in values), strict=True))
        if any(row.values()):
            lines.append(row)
    return lines


def _render_new(request, c: Contract, *, error: str = "", status: int = 200) -> HttpResponse:
    post = request.POST if request.method == "POST" else None
    existing = []
    new = []
    if post:
        existing = [
            {"item": i, "delta": d}
            for i, d in zip(post.getlist("item_id"), post.getlist("item_delta"), strict=False)
        ]
        keys = ("code", "name", "feature", "unit", "unit_rate", "quantity")
        new = [
            dict(zip(keys, values, strict=True))
            for values in zip(*[post.getlist(f"new_{k}") for k in keys], strict=False)
        ]
    existing += [{"item": "", "delta": ""}] * max(0, EXISTING_ROWS - len(existing))
    new += [dict.fromkeys(("code", "name", "feature", "unit", "unit_rate", "quantity"), "")] * max(
        0, NEW_ROWS - len(new)
    )
    ctx = {
        "c": c,
        "tab": "variations",
        "error": error,
        "v": post or {},
        "kinds": workflow.VARIATION_KINDS,
        "causes": workflow.VARIATION_CAUSES,
        "findings": Finding.objects.filter(project_id=c.project_id)
        .select_related("order")
        .order_by("-pk")[:200],
        "items": BoqItem.objects.filter(contract=c).order_by("sequence"),
        "existing": existing,
        "new": new,
        "units": sorted(UNITS),
    }
    return render(request, "contracts/variation_new.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("contracts.variation_raise")
def variation_new(request: HttpRequest, pk: int) -> HttpResponse:
    c = _get(request, pk)
    if request.method == "GET":
        return _render_new(request, c)
    post = request.POST
    try:
        v = services.variation_raise(
            actor=request.actor,
            contract=c,
            kind=str(post.get("kind", "")),
            title=str(post.get("title", "")),
            reason=str(post.get("reason", "")),
            cause=str(post.get("cause", "")),
            cause_reference=str(post.get("cause_reference", "")),
            finding_id=str(post.get("finding_id", "")).strip() or None,
            lines=_lines_from_post(post),
            files=request.FILES.getlist("files"),
        )
    except DomainError as exc:
        return _render_new(request, _get(request, pk), error=exc.message, status=exc.status)
    messages.success(request, f"已提交{v.get_kind_display()} {v.number}，等待监理审核")
    return redirect("contracts:variation", vid=v.pk)


def _evidence_download(v: Variation, raw: str) -> HttpResponse:
    item = (
        Evidence.objects.filter(
            pk=int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else 0
        )
        .filter(variation=v)
        .first()
    )
    if item is None or not item.file:
        raise NotFound("文件不存在", code="file_not_found")
    name = f"{v.number}-{item.pk}{Path(item.file.name).suffix.lower()}"
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=name)
    response["X-Content-SM3"] = item.sm3
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _render_variation(request, v: Variation, *, error: str = "", status: int = 200):
    actor = request.actor
    c = v.contract
    step = services.decider_step(actor, v)
    due = NEXT_STEP.get(v.status)
    ctx = {
        "c": c,
        "tab": "variations",
        "v": v,
        "lines": v.lines.select_related("boq_item"),
        "steps": v.steps.select_related("organisation"),
        "evidence": v.evidence.all(),
        "finding": Finding.objects.filter(pk=v.finding_id).select_related("order").first()
        if v.finding_id
        else None,
        "chain": [
            (key, label)
            for key, label in workflow.VARIATION_STEPS.items()
            if key != "regulator" or v.needs_regulator
        ],
        "due_step": due,
        "due_label": workflow.VARIATION_STEPS.get(due or "", ""),
        "may_decide": due is not None and step == due,
        "may_add_evidence": due is not None
        and actor.can("contracts.variation_raise")
        and is_party(actor, c, "contractor", "employer"),
        "error": error,
        "history": history_verified(v, latest_head(), actor=actor),
        "head": latest_head(),
    }
    return render(request, "contracts/variation.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("contracts.view")
def variation(request: HttpRequest, vid: int) -> HttpResponse:
    """GET: the variation (or `?evidence=<id>`: download one file). POST: add evidence."""
    v = _variation(request, vid)
    if request.method == "GET":
        raw = str(request.GET.get("evidence", ""))
        if raw:
            return _evidence_download(v, raw)
        return _render_variation(request, v)
    try:
        refs = services.variation_evidence_add(
            actor=request.actor, variation=v, files=request.FILES.getlist("files")
        )
    except DomainError as exc:
        return _render_variation(request, v, error=exc.message, status=exc.status)
    messages.success(request, f"已补充 {len(refs)} 份证明材料")
    return redirect("contracts:variation", vid=v.pk)


@require_POST
@permission_required("contracts.variation_decide")
def variation_decide(request: HttpRequest, vid: int) -> HttpResponse:
    v = _variation(request, vid)
    try:
        v = services.variation_decide(
            actor=request.actor,
            variation=v,
            decision=str(request.POST.get("decision", "")),
            opinion=str(request.POST.get("opinion", "")),
        )
    except DomainError as exc:
        return _render_variation(
            request, _variation(request, vid), error=exc.message, status=exc.status
        )
    if v.status == workflow.V_APPROVED:
        messages.success(request, f"{v.number} 已批准，合同价与工程量已按变更调整")
    else:
        messages.success(request, f"已登记审批意见：{workflow.VARIATION_STATUSES[v.status]}")
    return redirect("contracts:variation", vid=v.pk)
