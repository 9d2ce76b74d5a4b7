"""What investment control and tracking audit register with the platform (called from the
app's ready()): grants, ledger words and visibility, to-do items (the owner's opinions to
answer, with the rule's clock; the firm's answers to confirm), notification events, the
project-register facts behind the cost_overrun warning (the forecast final cost, or the settled
amount), navigation, the project page's link and the demo seeder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo


def _todo(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    from jianguan.cost.control import selectors

    url = pk_url("cost_control:opinion")
    if actor.can("cost_control.answer"):
        for o in selectors.owner_open(actor)[:200]:
            yield TodoItem(
                kind="cost_control.answer",
                title=f"答复跟踪审计意见：{o.number} {o.subject_label}（{o.project.name}）",
                url=url(o.pk),
                due=o.due_on,
                overdue=o.due_on < today,
                module="cost_control",
            )
    if actor.can("cost_control.opinion"):
        for o in selectors.auditor_answered(actor)[:200]:
            yield TodoItem(
                kind="cost_control.confirm",
                title=f"确认建设单位答复：{o.number} {o.subject_label}（{o.project.name}）",
                url=url(o.pk),
                module="cost_control",
            )


def _batch_facts(projects: list) -> dict[int, dict[str, Any]]:
    """The cost_overrun warning on real figures: where this app knows more than the signed
    price and approved variations (variations being approved, the owner's contingency, or the
    settled amount), the forecast replaces them; otherwise the contracts app's facts stand."""
    from jianguan.cost.control import figures, selectors

    out: dict[int, dict[str, Any]] = {}
    for pk, f in selectors.figures_for(list(projects)).items():
        if f.settled is None and not f.variations_pending and not f.contingency:
            continue
        if not f.contract_price and f.settled is None:
            continue  # nothing committed yet: the warning has no contract value to weigh
        out[pk] = figures.overrun_facts(f)
    return out


def _opinion_rule(actor: Actor, object_id: str) -> bool:
    from jianguan.cost.control import selectors

    return (
        object_id.isdigit()
        and selectors.opinions_visible_to(actor).filter(pk=int(object_id)).exists()
    )


def _engagement_rule(actor: Actor, object_id: str) -> bool:
    from jianguan.cost.control.models import Engagement
    from jianguan.cost.control.selectors import DISTRICT_KINDS

    if not object_id.isdigit():
        return False
    row = Engagement.objects.filter(pk=int(object_id)).values("project__owner_id", "firm_id")
    row = row.first()
    if row is None:
        return False
    return actor.is_kind(*DISTRICT_KINDS) or actor.organisation_id in (
        row["project__owner_id"],
        row["firm_id"],
    )


def _may_view(actor, project) -> bool:
    from jianguan.cost.control.selectors import DISTRICT_KINDS, is_engaged

    if not actor.can("cost_control.view"):
        return False
    if actor.is_kind(*DISTRICT_KINDS):
        return True
    if actor.is_kind("owner"):
        return project.owner_id == actor.organisation_id
    return is_engaged(actor, project.pk)


def register_all() -> None:
    from jianguan.core.demo import register_seeder
    from jianguan.cost.control import permissions  # noqa: F401  (registers grants)
    from jianguan.ledger import labels, visibility
    from jianguan.projects import facts as project_facts
    from jianguan.projects.links import ProjectLink, register_project_link
    from jianguan.web.nav import NavItem, register
    from jianguan.workbench.notifications.events import register_event

    register_todo("cost_control.answer", "跟踪审计意见待答复", _todo)
    register_todo("cost_control.confirm", "跟踪审计意见答复待确认")
    for kind, label in {
        "cost_control.engaged": "受托开展全过程跟踪审计",
        "cost_control.opinion_new": "收到跟踪审计意见",
        "cost_control.opinion_answered": "跟踪审计意见已答复",
    }.items():
        register_event(kind, label)
    labels.register(
        {
            "cost_control.plan_updated": "填报预算与预留费用",
            "cost_control.payment_plan_set": "填报资金支付计划",
            "cost_control.engaged": "委托全过程跟踪审计",
            "cost_control.engagement_ended": "结束全过程跟踪审计委托",
            "cost_control.opinion_raised": "出具跟踪审计意见",
            "cost_control.opinion_answered": "答复跟踪审计意见",
            "cost_control.opinion_closed": "确认跟踪审计意见答复",
        }
    )
    visibility.register("cost_control", "opinion", _opinion_rule)
    visibility.register("cost_control", "engagement", _engagement_rule)
    project_facts.register_provider(lambda p: _batch_facts([p]).get(p.pk, {}), batch=_batch_facts)
    register(
        NavItem(
            "cost_control",
            "投资控制",
            "cost_control:index",
            "ti-report-money",
            "cost_control.view",
            67,
        )
    )
    register_project_link(
        ProjectLink(
            "cost_control", "投资控制", "cost_control:project", "ti-report-money", _may_view, 74
        )
    )
    register_project_link(
        ProjectLink(
            "cost_control_tracking",
            "全过程跟踪审计",
            "cost_control:tracking",
            "ti-eye-check",
            _may_view,
            75,
        )
    )
    register_seeder("cost_control", "jianguan.cost.control.demo:seed", order=98)
