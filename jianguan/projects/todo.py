"""What the project register asks of people (待办): the next key node of a project under
construction to inspect jointly (the chief supervisor of the project's supervisor and a
regulator inspector both sign, 京质量条例; nodes pass in order), when its planned date is near
or past and the actor's side has not signed the open round."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo
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
    # The columns the title needs, not whole nodes and projects (a regulator has hundreds of
    # nodes on the list, bench/workbench.py); the first open node of each project is next.
    nodes = (
        KeyNode.objects.filter(project__in=projects.values("pk"))
        .exclude(status="passed")
        .order_by("project_id", "sequence")
        .values_list("pk", "project_id", "name", "status", "planned_date", "project__name")
    )
    first: dict[int, tuple] = {}
    for node in nodes:
        first.setdefault(node[1], node)
    signed = set(
        JointInspection.objects.filter(key_node__in=[n[0] for n in first.values()], closed=False)
        .exclude(**{f"{side}_result": ""})
        .values_list("key_node_id", flat=True)
    )
    url = pk_url("projects:detail", "#nodes")
    for pk, project_id, name, status, due, project in first.values():
        if pk in signed or (due is not None and due > today + NODE_LOOKAHEAD):
            continue
        again = "（上次未通过，复检）" if status == "failed" else ""
        yield TodoItem(
            kind="projects.node_inspect",
            title=f"关键节点联合检查：{project} · {name}{again}",
            url=url(project_id),
            due=due,
            overdue=due is not None and due < today,
            module="projects",
        )


def register_all() -> None:
    register_todo("projects.node_inspect", "节点待检查", nodes_to_inspect)
