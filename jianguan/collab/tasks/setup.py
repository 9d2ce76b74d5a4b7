"""What tasks and meetings register with the platform (called from the app's ready()): grants,
ledger words and visibility, the to-do items, notification events, the overdue sweep, the
overdue-task project warning, navigation, the project page's links, the kinds of object a task
may link to, and the demo seeder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo

OVERDUE = "warning.task_overdue_days"


def _todo(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    """Open tasks assigned to the actor, or to its organisation with nobody named."""
    from jianguan.collab.tasks import selectors, workflow

    if actor.user_id is None or not actor.can("collab_tasks.view"):
        return
    url = pk_url("collab_tasks:task")
    rows = selectors.my_open_tasks(actor=actor).values_list(
        "pk", "title", "due_on", "status", "project__name"
    )[:200]
    for pk, title, due_on, status, project in rows:
        yield TodoItem(
            kind="collab_tasks.task_assigned",
            title=f"办理任务：{project}，{title}（{workflow.STATUS[status]}）",
            url=url(pk),
            due=due_on,
            overdue=workflow.is_overdue(status, due_on, today),
            module="collab_tasks",
        )


def _facts(projects: list, today: dt.date | None = None) -> dict[int, dict[str, Any]]:
    from jianguan.collab.tasks import workflow
    from jianguan.collab.tasks.models import Task
    from jianguan.core.timeutil import today_local

    today = today or today_local()
    out: dict[int, dict[str, Any]] = {p.pk: {"overdue_tasks": []} for p in projects}
    rows = Task.objects.filter(
        project_id__in=list(out), status__in=workflow.OPEN_STATUSES, due_on__lt=today
    ).values_list("project_id", "title", "due_on")
    for project_id, title, due_on in rows:
        out[project_id]["overdue_tasks"].append({"title": title, "due_on": due_on})
    return out


def check_overdue_tasks(facts, today, thresholds):
    from jianguan.projects import warnings as warning_rules

    items = facts.get("overdue_tasks") or ()
    if not items:
        return None
    worst = min(items, key=lambda i: i["due_on"])
    days = (today - worst["due_on"]).days
    level = warning_rules.level_reached(days, thresholds[OVERDUE])
    if not level:
        return None
    more = f"；共 {len(items)} 项任务逾期" if len(items) > 1 else ""
    return level, f"任务“{worst['title'][:60]}”已逾期 {days} 天未完成{more}"


def _sweep() -> object:
    from jianguan.collab.tasks.services import overdue_sweep

    return overdue_sweep()


def _sees(actor: Actor, project_id: int | None) -> bool:
    from jianguan.collab.tasks import selectors

    if project_id is None:
        return False
    return actor.is_kind("regulator") or selectors.is_party(actor, project_id)


def _ledger_rule(model):
    def rule(actor: Actor, object_id: str) -> bool:
        if not object_id.isdigit():
            return False
        pid = model.objects.filter(pk=int(object_id)).values_list("project_id", flat=True).first()
        return _sees(actor, pid)

    return rule


def _may_use(actor: Actor, project) -> bool:
    return actor.can("collab_tasks.view")


def register_all() -> None:
    from jianguan.collab.tasks import permissions  # noqa: F401  (registers grants)
    from jianguan.collab.tasks.models import Meeting, Task
    from jianguan.core import periodic
    from jianguan.core.demo import register_seeder
    from jianguan.ledger import labels, visibility
    from jianguan.projects import facts as project_facts
    from jianguan.projects import warnings as warning_rules
    from jianguan.projects.links import ProjectLink, register_project_link
    from jianguan.web.nav import NavItem, register
    from jianguan.workbench.notifications.events import register_event

    register_todo("collab_tasks.task_assigned", "任务待办理", _todo)
    register_event("collab_tasks.task_assigned", "任务指派")
    register_event("collab_tasks.mentioned", "任务意见中提到我")
    register_event("collab_tasks.task_status_changed", "任务状态变化")
    register_event("collab_tasks.task_overdue", "任务逾期")
    register_event("collab_tasks.minutes_issued", "会议纪要签发")
    periodic.register("collab_tasks.overdue_sweep", 3600, _sweep)
    labels.register(
        {
            "collab_tasks.task_created": "创建项目任务",
            "collab_tasks.task_assigned": "改派项目任务",
            "collab_tasks.task_status_changed": "变更项目任务状态",
            "collab_tasks.attachment_added": "上传项目任务附件",
            "collab_tasks.meeting_created": "召集项目会议",
            "collab_tasks.minutes_issued": "签发会议纪要",
        }
    )
    visibility.register("collab_tasks", "task", _ledger_rule(Task))
    visibility.register("collab_tasks", "meeting", _ledger_rule(Meeting))
    project_facts.register_provider(lambda p: _facts([p])[p.pk], batch=_facts, dated=True)
    warning_rules.register_rule(
        warning_rules.WarningRule(
            "collab_tasks_overdue",
            "项目任务逾期",
            check_overdue_tasks,
            (OVERDUE,),
            "大兴区工程建设项目预警管理（区级政策）",
        )
    )
    register(
        NavItem(
            "collab_tasks", "我的任务", "collab_tasks:mine", "ti-checklist", "collab_tasks.view", 24
        )
    )
    register_project_link(
        ProjectLink(
            "collab_tasks", "任务看板", "collab_tasks:board", "ti-layout-kanban", _may_use, 40
        )
    )
    register_project_link(
        ProjectLink(
            "collab_meetings", "会议", "collab_tasks:meetings", "ti-users-group", _may_use, 41
        )
    )
    _register_link_kinds()
    register_seeder("collab_tasks", "jianguan.collab.tasks.demo:seed", order=90)


def _register_link_kinds() -> None:
    """The objects a task may be about (read-only use of the other apps' visible reads)."""
    from django.urls import reverse

    from jianguan.collab.tasks.links import LinkKind, register_link_kind

    def finding(actor, pk):
        from jianguan.compliance.selectors import order_get_visible_to

        return order_get_visible_to(actor=actor, pk=pk)

    def variation(actor, pk):
        from jianguan.contracts.selectors import variation_get_visible

        return variation_get_visible(actor=actor, pk=pk)

    def claim(actor, pk):
        from jianguan.contracts.claims.selectors import claim_get_visible

        return claim_get_visible(actor=actor, pk=pk)

    def clash(actor, pk):
        from jianguan.bim.selectors import clash_get

        return clash_get(actor=actor, pk=pk)

    def key_node(actor, pk):
        from jianguan.core.errors import NotFound
        from jianguan.ledger.visibility import ordinary_rule_allows
        from jianguan.projects.models import KeyNode

        node = KeyNode.objects.select_related("project").filter(pk=pk).first()
        if node is None or not ordinary_rule_allows(
            actor, "projects", "project", str(node.project_id)
        ):
            raise NotFound("关键节点不存在", code="key_node_not_found")
        return node

    register_link_kind(
        LinkKind(
            "compliance.finding",
            "检查问题",
            finding,
            lambda o: f"{o.number} {o.finding.description[:60]}",
            lambda o: reverse("compliance:order", args=[o.pk]),
            lambda o: o.project_id,
        )
    )
    register_link_kind(
        LinkKind(
            "contracts.variation",
            "工程变更",
            variation,
            lambda o: f"{o.number} {o.title}",
            lambda o: reverse("contracts:variation", args=[o.pk]),
            lambda o: o.contract.project_id,
        )
    )
    register_link_kind(
        LinkKind(
            "contracts.payment_claim",
            "进度款申请",
            claim,
            lambda o: f"进度款申请 {o.number}",
            lambda o: reverse("contracts:claim", args=[o.pk]),
            lambda o: o.contract.project_id,
        )
    )
    register_link_kind(
        LinkKind(
            "bim.clash",
            "模型碰撞",
            clash,
            lambda o: f"{o.a_class} × {o.b_class}（{o.get_type_display()}）",
            lambda o: reverse("bim:clash", args=[o.pk]),
            lambda o: o.project_id,
        )
    )
    _offer_new_task(
        ("compliance.finding", "contracts.variation", "contracts.payment_claim", "bim.clash")
    )
    register_link_kind(
        LinkKind(
            "projects.key_node",
            "关键节点",
            key_node,
            lambda o: o.name,
            lambda o: reverse("projects:detail", args=[o.project_id]),
            lambda o: o.project_id,
        )
    )


def _offer_new_task(codes) -> None:
    """ "新建任务" on the page of each object a task may be about: the new task's form opens with
    the link filled in (the form checks party and grant again)."""
    from django.urls import reverse

    from jianguan.collab.tasks import links, selectors
    from jianguan.core.object_actions import ObjectAction, register_object_action

    def offer(code: str) -> None:
        def project_id(obj) -> int:
            return links.kind_of(code).project_id(obj)

        def url(obj) -> str:
            return reverse("collab_tasks:new", args=[project_id(obj)]) + f"?link={code}:{obj.pk}"

        def allowed(actor, obj) -> bool:
            return actor.can("collab_tasks.work") and selectors.is_party(actor, project_id(obj))

        register_object_action(
            code, ObjectAction("collab_tasks.new", "新建任务", "ti-checklist", url, allowed)
        )

    for code in codes:
        offer(code)
