"""What policy push registers with the platform (called from the app's ready()): grants, ledger
words and visibility, the targeted organisations' to-do item ("确认已阅政策：…"), the
notification event, navigation, the global search source and the demo seeder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo


def _todo(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    from jianguan.collab.policies import selectors

    if not actor.can("policies.acknowledge"):
        return
    url = pk_url("collab_policies:detail")
    rows = selectors.pending_for(actor).values_list(
        "policy_id", "policy__title", "policy__effective_on"
    )[:100]
    for pk, title, effective in rows:
        yield TodoItem(
            kind="policies.acknowledge",
            title=f"确认已阅政策：{title}",
            url=url(pk),
            due=effective,
            module="policies",
        )


def _policy_rule(actor: Actor, object_id: str) -> bool:
    from jianguan.collab.policies import selectors, workflow
    from jianguan.collab.policies.models import Policy

    if not object_id.isdigit():
        return False
    status = Policy.objects.filter(pk=int(object_id)).values_list("status", flat=True).first()
    if status is None:
        return False
    return (
        status != workflow.DRAFT or selectors.visible_to(actor).filter(pk=int(object_id)).exists()
    )


def _receipt_rule(actor: Actor, object_id: str) -> bool:
    from jianguan.collab.policies.models import PolicyReceipt

    if not object_id.isdigit():
        return False
    org = (
        PolicyReceipt.objects.filter(pk=int(object_id))
        .values_list("organisation_id", flat=True)
        .first()
    )
    return org is not None and (actor.can("policies.manage") or org == actor.organisation_id)


def _row(policy):
    from django.urls import reverse

    from jianguan.workbench.search.registry import IndexRow

    return IndexRow(
        title=policy.title,
        text=f"{policy.issuer} {policy.number} {' '.join(policy.tags)} {policy.summary} {policy.full_text[:4000]}",
        url=reverse("collab_policies:detail", args=[policy.pk]),
    )


def _visible(actor: Actor):
    from jianguan.collab.policies import selectors

    return selectors.visible_to(actor)


def register_all() -> None:
    from jianguan.collab.policies import permissions  # noqa: F401  (registers grants)
    from jianguan.collab.policies.models import Policy
    from jianguan.core.demo import register_seeder
    from jianguan.ledger import labels, visibility
    from jianguan.web.nav import NavItem, register
    from jianguan.workbench.notifications.events import register_event
    from jianguan.workbench.search.registry import register_search_source

    register_todo("policies.acknowledge", "确认已阅政策", _todo)
    register_event("policies.published", "政策推送")
    labels.register(
        {
            "policies.policy_drafted": "起草政策",
            "policies.policy_updated": "修改政策草稿",
            "policies.attachment_added": "上传政策附件",
            "policies.policy_published": "发布并推送政策",
            "policies.policy_repealed": "废止政策",
            "policies.policy_acknowledged": "单位确认已阅政策",
        }
    )
    visibility.register("collab_policies", "policy", _policy_rule)
    visibility.register("collab_policies", "policyreceipt", _receipt_rule)
    register(
        NavItem(
            "policies", "政策推送", "collab_policies:list", "ti-speakerphone", "policies.view", 85
        )
    )
    register_search_source("policies", "政策", model=Policy, row=_row, visible=_visible, order=90)
    register_seeder("collab_policies", "jianguan.collab.policies.demo:seed", order=94)
