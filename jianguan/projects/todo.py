"""What the project register asks of people (待办): the next key node of a project under
construction to inspect jointly (the chief supervisor of the project's supervisor and a
regulator inspector both sign, 京质量条例; nodes pass in order), when its planned date is near
or past and the actor's side has not signed the open round."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, register_todo
from jianguan.projects.models import JointInspection, KeyNode, Participant
from jianguan.projects.selectors import project_list_visible_to

# A reminder, not a legal period: a node shows up a week before its planned date.
NODE_LOOKAHEAD = dt.timedelta(days=7)
STAGES = ("construction", "completion_acceptance")


def _side(actor: Actor) -> str | None:
    if actor.can("projects.inspect_as_regulator"):
        return "regulator"
    if actor.can("projects.inspect_as_supervisor"):
        return "supervisor"
    return None


def nodes_to_inspect(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    side = _side(actor)
    if side is None or not actor.organisation_id:
        return
    projects = project_list_visible_to(actor=actor).filter(stage__in=STAGES)
    if side == "supervisor":
        projects = projects.filter(
            pk__in=Participant.objects.filter(
                role="supervisor", organisation_id=actor.organisation_id, is_active=True
            ).values("project_id")
        )
    nodes = (
        KeyNode.objects.filter(project__in=projects.values("pk"))
        .exclude(status="passed")
        .select_related("project")
        .order_by("project_id", "sequence")
    )
    first: dict[int, KeyNode] = {}
    for node in nodes:
        first.setdefault(node.project_id, node)
    signed = set(
        JointInspection.objects.filter(key_node__in=[n.pk for n in first.values()], closed=False)
        .exclude(**{f"{side}_result": ""})
        .values_list("key_node_id", flat=True)
    )
    for node in first.values():
        due = node.planned_date
        if node.pk in signed or (due is not None and due > today + NODE_LOOKAHEAD):
            continue
        again = "（上次未通过，复检）" if node.status == "failed" else ""
        yield TodoItem(
            kind="projects.node_inspect",
            title=f"关键节点联合检查：{node.project.name} · {node.name}{again}",
            url=reverse("projects:detail", args=[node.project_id]) + "#nodes",
            due=due,
            overdue=due is not None and due < today,
            module="projects",
        )


def register_all() -> None:
    register_todo("projects.node_inspect", "节点待检查", nodes_to_inspect)
