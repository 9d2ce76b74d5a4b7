"""Policy pages for members: the library with the organisation's to-confirm marks, a policy
(opening it records the organisation's first read; one click confirms it), and the regulator's
drafting, attachments, publishing, repeal and tracking (targeted / read / acknowledged per
organisation, percentages, who has not)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jianguan.accounts.models import OrganisationKind
from jianguan.collab.policies import selectors, services, workflow
from jianguan.collab.policies.forms import PolicyForm
from jianguan.collab.policies.models import Policy, PolicyReceipt
from jianguan.core.errors import DomainError, NotFound, PermissionDenied
from jianguan.core.permissions import permission_required

KIND_LABELS = dict(OrganisationKind.choices)


def list_filters(request: HttpRequest) -> dict:
    q = (request.GET.get("q") or "").strip()[:100]
    tag = (request.GET.get("tag") or "").strip()[:20]
    raw = request.GET.get("year") or ""
    year = int(raw) if raw.isascii() and raw.isdigit() and 1949 <= int(raw) <= 2100 else None
    return {"q": q, "tag": tag, "year": year}


@require_GET
@permission_required("policies.view")
def policy_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    f = list_filters(request)
    policies = list(selectors.filtered(selectors.visible_to(actor), **f)[:200])
    receipts = {}
    if actor.organisation_id:
        receipts = {
            r.policy_id: r
            for r in PolicyReceipt.objects.filter(
                organisation_id=actor.organisation_id, policy__in=[p.pk for p in policies]
            )
        }
    rows = [{"policy": p, "receipt": receipts.get(p.pk)} for p in policies]
    ctx = {
        "rows": rows,
        **f,
        "tags": selectors.tags(),
        "years": selectors.years(),
        "can_manage": actor.can("policies.manage"),
        "status": workflow.STATUS,
    }
    return render(request, "policies/list.html", ctx)


def _form_page(request, form, policy=None, error=None, status=200):
    ctx = {"form": form, "policy": policy, "error": error}
    return render(request, "policies/form.html", ctx, status=status)


@permission_required("policies.manage")
def policy_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, PolicyForm())
    form = PolicyForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    try:
        policy = services.policy_create(actor=request.actor, **form.fields_for_service())
    except DomainError as exc:
        return _form_page(request, form, error=exc, status=exc.status)
    return redirect(reverse("collab_policies:detail", args=[policy.pk]))


@permission_required("policies.manage")
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(actor=request.actor, pk=pk)
    if request.method != "POST":
        initial = {
            **{f: getattr(policy, f) for f in services.FIELDS},
            "full_text": policy.full_text,
            "tags": "，".join(policy.tags),
            "target_kinds": policy.target_kinds,
            "target_towns": list(policy.target_towns.all()),
        }
        return _form_page(request, PolicyForm(initial=initial), policy)
    form = PolicyForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, policy, status=400)
    try:
        services.policy_update(actor=request.actor, policy=policy, **form.fields_for_service())
    except DomainError as exc:
        return _form_page(request, form, policy, error=exc, status=exc.status)
    return redirect(reverse("collab_policies:detail", args=[policy.pk]))


def _detail_ctx(request: HttpRequest, policy: Policy, error=None) -> dict:
    actor = request.actor
    receipt = selectors.receipt_of(actor, policy)
    return {
        "policy": policy,
        "status_label": workflow.STATUS[policy.status],
        "attachments": list(policy.attachments.all()),
        "receipt": receipt,
        "can_manage": actor.can("policies.manage"),
        "may_acknowledge": bool(
            receipt
            and not receipt.acknowledged_at
            and policy.status == workflow.PUBLISHED
            and actor.can("policies.acknowledge")
        ),
        "target_kinds": [KIND_LABELS.get(k, k) for k in policy.target_kinds],
        "target_towns": list(policy.target_towns.values_list("name", flat=True)),
        "error": error,
    }


@require_GET
@permission_required("policies.view")
def policy_page(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(actor=request.actor, pk=pk)
    services.policy_read(actor=request.actor, policy=policy)
    return render(request, "policies/detail.html", _detail_ctx(request, policy))


def _act(request: HttpRequest, pk: int, call) -> HttpResponse:
    policy = selectors.policy_get(actor=request.actor, pk=pk)
    try:
        call(policy)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        policy.refresh_from_db()
        ctx = _detail_ctx(request, policy, exc)
        return render(request, "policies/detail.html", ctx, status=exc.status)
    return redirect(reverse("collab_policies:detail", args=[pk]))


@require_POST
@permission_required("policies.manage")
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda p: services.policy_attachment_add(
            actor=request.actor,
            policy=p,
            file=request.FILES.get("file"),
            name=request.POST.get("name", ""),
        ),
    )


@require_POST
@permission_required("policies.manage")
def policy_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda p: services.policy_publish(actor=request.actor, policy=p))


@require_POST
@permission_required("policies.manage")
def policy_repeal(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(
        request, pk, lambda p: services.policy_repeal(actor=request.actor, policy=p, reason=reason)
    )


@require_POST
@permission_required("policies.acknowledge")
def policy_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda p: services.policy_acknowledge(actor=request.actor, policy=p))


@require_GET
@permission_required("policies.view")
def attachment_file(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    policy = selectors.policy_get(actor=request.actor, pk=pk)
    return serve_attachment(selectors.attachment_get(policy, aid))


def serve_attachment(item) -> HttpResponse:
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise NotFound("附件文件不存在", code="attachment_missing") from None
    return FileResponse(handle, content_type="application/pdf", filename=f"{item.name}.pdf")


@require_GET
@permission_required("policies.manage")
def policy_tracking(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(actor=request.actor, pk=pk)
    t = selectors.tracking(actor=request.actor, policy=policy)
    ctx = {"policy": policy, "t": t, "kind_labels": KIND_LABELS}
    return render(request, "policies/tracking.html", ctx)
