"""The only writes of policy push. The regulator's staff write a draft, attach PDFs and publish:
publishing finds the targeted organisations (kinds and/or towns), gives each a receipt, puts
the policy in their to-do lists and notifies their staff, and writes the ledger entry (with the
SM3 of the full text and of each attachment). A member opening the policy records its
organisation's first read (not a ledger entry: reads are many and decide nothing); one of its
staff acknowledging it is an entry. Repealing ends it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from jianguan.accounts.models import Membership, Organisation, OrganisationKind, Town
from jianguan.collab.policies import selectors, workflow
from jianguan.collab.policies.models import Policy, PolicyAttachment, PolicyReceipt
from jianguan.core import uploads
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import now
from jianguan.ledger.services import record
from jianguan.workbench.search.index import index_on_commit

TEXT_MAX = 200_000
FIELDS = ("title", "issuer", "number", "issued_on", "effective_on", "expires_on", "summary")


def _wf(call, *args):
    try:
        return call(*args)
    except workflow.Invalid as exc:
        cls = Conflict if exc.code in ("bad_transition", "not_draft") else ValidationFailed
        raise cls(str(exc), code=exc.code) from None


def _manager(actor: Actor) -> None:
    require(actor, "policies.manage")


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    for key in ("title", "issuer", "number", "summary", "full_text"):
        if key in out:
            out[key] = (out[key] or "").strip()
    if "title" in out and not out["title"]:
        raise ValidationFailed("请填写政策标题", code="title_missing")
    if "issuer" in out and not out["issuer"]:
        raise ValidationFailed("请填写发文机关", code="issuer_missing")
    if "full_text" in out:
        if not out["full_text"]:
            raise ValidationFailed("请填写政策全文", code="text_missing")
        if len(out["full_text"]) > TEXT_MAX:
            raise ValidationFailed("政策全文过长", code="text_too_long")
    if "tags" in out:
        out["tags"] = _wf(workflow.clean_tags, out["tags"] or [])
    if "target_kinds" in out:
        out["target_kinds"] = _wf(
            workflow.check_kinds, out["target_kinds"] or [], OrganisationKind.values
        )
    return out


def _towns(ids: Iterable[int] | None) -> list[Town] | None:
    if ids is None:
        return None
    ids = sorted(set(ids))
    towns = list(Town.objects.filter(pk__in=ids))
    if len(towns) != len(ids):
        raise ValidationFailed("推送的乡镇街道不存在", code="unknown_town")
    return towns


@transaction.atomic
def policy_create(*, actor: Actor, town_ids: Iterable[int] = (), **fields: Any) -> Policy:
    _manager(actor)
    fields = _clean(fields)
    _wf(
        workflow.check_dates,
        fields["issued_on"],
        fields.get("effective_on"),
        fields.get("expires_on"),
    )
    towns = _towns(town_ids)
    policy = Policy.objects.create(created_by_id=actor.user_id, **fields)
    policy.target_towns.set(towns or [])
    record(
        actor=actor,
        type="policies.policy_drafted",
        obj=policy,
        payload={"title": policy.title, "number": policy.number},
    )
    index_on_commit(kind="policies", ids=[policy.pk])
    return policy


@transaction.atomic
def policy_update(
    *, actor: Actor, policy: Policy, town_ids: Iterable[int] | None = None, **fields: Any
) -> Policy:
    _manager(actor)
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _wf(workflow.check_editable, policy.status)
    fields = _clean({k: v for k, v in fields.items() if v is not None})
    for key, value in fields.items():
        setattr(policy, key, value)
    _wf(workflow.check_dates, policy.issued_on, policy.effective_on, policy.expires_on)
    policy.save()
    towns = _towns(town_ids)
    if towns is not None:
        policy.target_towns.set(towns)
    record(actor=actor, type="policies.policy_updated", obj=policy, payload={"title": policy.title})
    index_on_commit(kind="policies", ids=[policy.pk])
    return policy


@transaction.atomic
def policy_attachment_add(
    *, actor: Actor, policy: Policy, file, name: str = ""
) -> PolicyAttachment:
    _manager(actor)
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _wf(workflow.check_editable, policy.status)
    if policy.attachments.count() >= uploads.MAX_FILES:
        raise ValidationFailed(f"附件最多 {uploads.MAX_FILES} 个", code="too_many_files")
    ext = uploads.check(file, "附件", uploads.PLAN_TYPES, uploads.MAX_DOC_BYTES)
    digest = uploads.sm3(file)
    display = (name or "").strip()[:120] or (getattr(file, "name", "") or "附件")[:120]
    size = file.size
    file.name = f"policy-{policy.pk}-{digest[:12]}{ext}"  # the client's name is not trusted
    item = PolicyAttachment.objects.create(
        policy=policy, name=display, file=file, sm3=digest, size=size
    )
    record(
        actor=actor,
        type="policies.attachment_added",
        obj=policy,
        payload={"attachment": item.pk, "name": display},
        files=[{"name": display, "sm3": digest}],
    )
    return item


def targets(policy: Policy) -> list[Organisation]:
    towns = set(policy.target_towns.values_list("pk", flat=True))
    kinds = set(policy.target_kinds)
    qs = Organisation.objects.filter(is_active=True).exclude(kind="regulator")
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if towns:
        qs = qs.filter(town_id__in=towns)
    return [o for o in qs if workflow.targeted(o.kind, o.town_id, kinds, towns)]


@transaction.atomic
def policy_publish(*, actor: Actor, policy: Policy) -> Policy:
    _manager(actor)
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _wf(workflow.check_transition, policy.status, workflow.PUBLISHED)
    orgs = targets(policy)
    policy.status, policy.published_at, policy.published_by_id = (
        workflow.PUBLISHED,
        now(),
        actor.user_id,
    )
    policy.save()
    PolicyReceipt.objects.bulk_create(
        [PolicyReceipt(policy=policy, organisation=o) for o in orgs], ignore_conflicts=True
    )
    text_sm3 = hashlib.new("sm3", policy.full_text.encode("utf-8")).hexdigest()
    record(
        actor=actor,
        type="policies.policy_published",
        obj=policy,
        payload={
            "title": policy.title,
            "number": policy.number,
            "issuer": policy.issuer,
            "issued_on": policy.issued_on,
            "effective_on": policy.effective_on,
            "full_text_sm3": text_sm3,
            "target_kinds": policy.target_kinds,
            "target_towns": sorted(policy.target_towns.values_list("name", flat=True)),
            "targeted": len(orgs),
        },
        files=[{"name": a.name, "sm3": a.sm3} for a in policy.attachments.all()],
    )
    ids = [o.pk for o in orgs]
    transaction.on_commit(lambda: _notify(policy, ids))
    index_on_commit(kind="policies", ids=[policy.pk])
    return policy


def _notify(policy: Policy, org_ids: list[int]) -> None:
    from django.urls import reverse

    from jianguan.workbench.notifications.services import notify

    users = Membership.objects.filter(organisation_id__in=org_ids, is_active=True).values_list(
        "user_id", flat=True
    )
    notify(
        recipients=list(set(users)),
        kind="policies.published",
        title=f"新政策推送：{policy.title}",
        url=reverse("collab_policies:detail", args=[policy.pk]),
        body=f"{policy.issuer} {policy.number}。请阅读并确认已阅。",
    )


@transaction.atomic
def policy_repeal(*, actor: Actor, policy: Policy, reason: str) -> Policy:
    _manager(actor)
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _wf(workflow.check_transition, policy.status, workflow.REPEALED)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写废止原因", code="reason_missing")
    policy.status, policy.repealed_at, policy.repeal_reason = workflow.REPEALED, now(), reason[:300]
    policy.save()
    record(
        actor=actor, type="policies.policy_repealed", obj=policy, payload={"reason": reason[:300]}
    )
    return policy


def policy_read(*, actor: Actor, policy: Policy) -> PolicyReceipt | None:
    """The first read of the actor's organisation, if the policy was pushed to it."""
    if actor.organisation_id is None or policy.status != workflow.PUBLISHED:
        return None
    PolicyReceipt.objects.filter(
        policy=policy, organisation_id=actor.organisation_id, first_read_at__isnull=True
    ).update(first_read_at=now(), first_read_by_id=actor.user_id, updated_at=now())
    return selectors.receipt_of(actor, policy)


@transaction.atomic
def policy_acknowledge(*, actor: Actor, policy: Policy) -> PolicyReceipt:
    require(actor, "policies.acknowledge")
    receipt = (
        PolicyReceipt.objects.select_for_update()
        .filter(policy=policy, organisation_id=actor.organisation_id or 0)
        .first()
    )
    if receipt is None:
        raise PermissionDenied("该政策未推送给本单位，无需确认", code="not_targeted")
    if policy.status != workflow.PUBLISHED:
        raise Conflict("政策已废止，无需确认", code="not_published")
    if receipt.acknowledged_at:
        raise Conflict("本单位已确认已阅该政策", code="already_acknowledged")
    moment = now()
    receipt.acknowledged_at, receipt.acknowledged_by_id = moment, actor.user_id
    if receipt.first_read_at is None:
        receipt.first_read_at, receipt.first_read_by_id = moment, actor.user_id
    receipt.save()
    record(
        actor=actor,
        type="policies.policy_acknowledged",
        obj=receipt,
        payload={"policy": policy.pk, "title": policy.title},
    )
    return receipt
