"""政策推送 over the API (/api/v1/collab/policies/...): the public library (no login), the
members' library with their organisation's receipt (opening a policy records the first read),
acknowledgement, and the regulator's drafting, attachments, publishing, repeal and tracking.
Writes check the grant first: 403 before a malformed body is answered 400."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from jianguan.accounts.models import OrganisationKind
from jianguan.collab.policies import selectors, services, workflow
from jianguan.collab.policies.models import Policy
from jianguan.collab.policies.schemas import (
    PolicyAttachmentRead,
    PolicyDetail,
    PolicyIn,
    PolicyPage,
    PolicyQuery,
    PolicyUpdateIn,
    RepealIn,
    TrackingRead,
)
from jianguan.core.api_auth import permitted
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR, ErrorOut, text
from jianguan.core.errors import NotFound

router = Router(tags=["政策推送"])
KIND_LABELS = dict(OrganisationKind.choices)


def _attachment(policy: Policy, a, public: bool) -> dict:
    name = "api:policy_public_attachment" if public else "api:policy_attachment"
    url = reverse(name, args=[policy.pk, a.pk])
    return {"id": a.pk, "name": a.name, "size": a.size, "sm3": a.sm3, "url": url}


def policy_read(p: Policy, *, public: bool = False) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "issuer": p.issuer,
        "number": p.number,
        "issued_on": p.issued_on,
        "effective_on": p.effective_on,
        "expires_on": p.expires_on,
        "summary": p.summary,
        "tags": p.tags,
        "status": p.status,
        "status_label": workflow.STATUS[p.status],
        "published_at": p.published_at,
        "attachments": [_attachment(p, a, public) for a in p.attachments.all()],
    }


def policy_detail(p: Policy, *, actor=None, public: bool = False) -> dict:
    out = {
        **policy_read(p, public=public),
        "full_text": p.full_text,
        "repeal_reason": p.repeal_reason,
    }
    if actor is not None and actor.can("policies.manage"):
        out["targets"] = {
            "kinds": p.target_kinds,
            "kind_labels": [KIND_LABELS.get(k, k) for k in p.target_kinds],
            "towns": list(p.target_towns.values_list("name", flat=True)),
        }
    if actor is not None:
        receipt = selectors.receipt_of(actor, p)
        out["targeted"] = receipt is not None
        out["acknowledged_at"] = receipt.acknowledged_at if receipt else None
    return out


def _page(qs, f: PolicyQuery, *, public: bool) -> dict:
    qs = selectors.filtered(qs, q=f.q, tag=f.tag, year=f.year).prefetch_related("attachments")
    rows = qs[f.offset : f.offset + f.limit]
    return {"count": qs.count(), "items": [policy_read(p, public=public) for p in rows]}


def _file(a):
    try:
        handle = a.file.open("rb")
    except FileNotFoundError:
        raise NotFound("附件文件不存在", code="attachment_missing") from None
    return FileResponse(handle, content_type="application/pdf", filename=f"{a.name}.pdf")


# --- public (no login); declared before /policies/{policy_id} ---------------------------------


@router.get(
    "/policies/public",
    response={200: PolicyPage, 400: ErrorOut},
    auth=None,
    summary="公开的政策库（无需登录）",
)
def public_list(request: HttpRequest, f: Query[PolicyQuery]):
    return _page(selectors.public(), f, public=True)


@router.get(
    "/policies/public/{policy_id}",
    response={200: PolicyDetail, 400: ErrorOut, 404: ErrorOut},
    auth=None,
    summary="公开的政策全文（无需登录）",
)
def public_get(request: HttpRequest, policy_id: str):
    return policy_detail(selectors.public_get(path_id(policy_id, "政策")), public=True)


@router.get(
    "/policies/public/{policy_id}/attachments/{attachment_id}",
    response={200: None, 400: ErrorOut, 404: ErrorOut},
    auth=None,
    url_name="policy_public_attachment",
    summary="公开政策的附件（PDF）",
)
def public_attachment(request: HttpRequest, policy_id: str, attachment_id: str):
    policy = selectors.public_get(path_id(policy_id, "政策"))
    return _file(selectors.attachment_get(policy, path_id(attachment_id, "附件")))


# --- members -----------------------------------------------------------------------------------


@router.get("/policies", response={200: PolicyPage, **ERR}, summary="政策库")
def policy_list(request: HttpRequest, f: Query[PolicyQuery]):
    from jianguan.core.permissions import require

    require(request.actor, "policies.view")
    return _page(selectors.visible_to(request.actor), f, public=False)


@router.post(
    "/policies",
    response={201: PolicyDetail, **ERR},
    auth=permitted("policies.manage"),
    summary="起草政策",
)
def policy_create(request: HttpRequest, data: PolicyIn):
    fields = data.dict(exclude={"target_town_ids"})
    policy = services.policy_create(actor=request.actor, town_ids=data.target_town_ids, **fields)
    return Status(201, policy_detail(policy, actor=request.actor))


def _policy(request: HttpRequest, policy_id: str) -> Policy:
    return selectors.policy_get(actor=request.actor, pk=path_id(policy_id, "政策"))


@router.get(
    "/policies/{policy_id}",
    response={200: PolicyDetail, **ERR},
    summary="政策全文（本单位首次打开即记为已读）",
)
def policy_get(request: HttpRequest, policy_id: str):
    policy = _policy(request, policy_id)
    services.policy_read(actor=request.actor, policy=policy)
    return policy_detail(policy, actor=request.actor)


@router.put(
    "/policies/{policy_id}",
    response={200: PolicyDetail, **ERR},
    auth=permitted("policies.manage"),
    summary="修改政策草稿",
)
def policy_update(request: HttpRequest, policy_id: str, data: PolicyUpdateIn):
    policy = _policy(request, policy_id)
    fields = {k: v for k, v in data.dict(exclude={"target_town_ids"}).items() if v is not None}
    policy = services.policy_update(
        actor=request.actor, policy=policy, town_ids=data.target_town_ids, **fields
    )
    return policy_detail(policy, actor=request.actor)


@router.post(
    "/policies/{policy_id}/attachments",
    response={201: PolicyAttachmentRead, **ERR},
    auth=permitted("policies.manage"),
    summary="上传政策附件（PDF）",
)
def policy_attachment_add(
    request: HttpRequest,
    policy_id: str,
    file: UploadedFile = File(...),  # noqa: B008
    name: text(120) = Form(""),  # noqa: B008
):
    policy = _policy(request, policy_id)
    item = services.policy_attachment_add(actor=request.actor, policy=policy, file=file, name=name)
    return Status(201, _attachment(policy, item, False))


@router.get(
    "/policies/{policy_id}/attachments/{attachment_id}",
    response={200: None, **ERR},
    url_name="policy_attachment",
    summary="政策附件（PDF）",
)
def policy_attachment(request: HttpRequest, policy_id: str, attachment_id: str):
    policy = _policy(request, policy_id)
    return _file(selectors.attachment_get(policy, path_id(attachment_id, "附件")))


@router.post(
    "/policies/{policy_id}/publish",
    response={200: PolicyDetail, **ERR},
    auth=permitted("policies.manage"),
    summary="发布政策并推送给目标单位",
)
def policy_publish(request: HttpRequest, policy_id: str):
    policy = services.policy_publish(actor=request.actor, policy=_policy(request, policy_id))
    return policy_detail(policy, actor=request.actor)


@router.post(
    "/policies/{policy_id}/repeal",
    response={200: PolicyDetail, **ERR},
    auth=permitted("policies.manage"),
    summary="废止政策",
)
def policy_repeal(request: HttpRequest, policy_id: str, data: RepealIn):
    policy = _policy(request, policy_id)
    policy = services.policy_repeal(actor=request.actor, policy=policy, reason=data.reason)
    return policy_detail(policy, actor=request.actor)


@router.post(
    "/policies/{policy_id}/acknowledge",
    response={200: PolicyDetail, **ERR},
    auth=permitted("policies.acknowledge"),
    summary="确认已阅（本单位）",
)
def policy_acknowledge(request: HttpRequest, policy_id: str):
    policy = _policy(request, policy_id)
    services.policy_acknowledge(actor=request.actor, policy=policy)
    return policy_detail(policy, actor=request.actor)


def receipt_read(r) -> dict:
    org = r.organisation
    return {
        "organisation_id": org.pk,
        "organisation_name": org.name,
        "organisation_kind_label": KIND_LABELS.get(org.kind, org.kind),
        "town": org.town.name if org.town else "",
        "first_read_at": r.first_read_at,
        "first_read_by": r.first_read_by.display_name if r.first_read_by else "",
        "acknowledged_at": r.acknowledged_at,
        "acknowledged_by": r.acknowledged_by.display_name if r.acknowledged_by else "",
    }


@router.get(
    "/policies/{policy_id}/tracking",
    response={200: TrackingRead, **ERR},
    auth=permitted("policies.manage"),
    summary="送达与确认情况（按单位）",
)
def policy_tracking(request: HttpRequest, policy_id: str):
    policy = _policy(request, policy_id)
    t = selectors.tracking(actor=request.actor, policy=policy)
    return {
        "policy_id": policy.pk,
        **{k: t[k] for k in ("targeted", "read", "acknowledged", "read_percent")},
        "acknowledged_percent": t["acknowledged_percent"],
        "receipts": [receipt_read(r) for r in t["receipts"]],
    }
