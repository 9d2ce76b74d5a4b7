"""The next key node of a project under construction comes to the two who inspect it jointly
(待办): the project's supervisor and the regulator's inspectors, from a week before its planned
date, overdue after it, until their side has signed; nodes come one at a time, in order."""

from __future__ import annotations

import datetime as dt

from jianguan.compliance.tests.helpers import in_construction
from jianguan.core.todo import todo_for
from jianguan.projects import services
from jianguan.projects.models import KeyNode
from jianguan.projects.tests.test_services import world  # noqa: F401  (fixture)
from jianguan.projects.todo import NODE_LOOKAHEAD

TODAY = dt.date(2026, 6, 1)


def _nodes(actor, today=TODAY):
    return [
        (i.title.split(" · ")[-1], i.overdue)
        for i in todo_for(actor, today)
        if i.kind == "projects.node_inspect"
    ]


def test_the_next_node_comes_to_both_sides_until_each_has_signed(world):  # noqa: F811
    project = in_construction(world)
    sup, reg = world["actors"]["supervisor"], world["actors"]["regulator"]
    nodes = list(KeyNode.objects.filter(project=project).order_by("sequence"))
    first, second = nodes[0], nodes[1]
    KeyNode.objects.filter(pk=first.pk).update(planned_date=TODAY + NODE_LOOKAHEAD)
    KeyNode.objects.filter(pk=second.pk).update(planned_date=TODAY)
    assert _nodes(sup) == [(first.name, False)]  # only the first: nodes pass in order
    assert _nodes(reg) == [(first.name, False)]
    assert _nodes(sup, TODAY - dt.timedelta(days=1)) == []  # more than a week ahead
    assert _nodes(sup, TODAY + NODE_LOOKAHEAD + dt.timedelta(days=1)) == [(first.name, True)]
    for outsider in ("other_supervisor", "owner", "contractor"):
        assert _nodes(world["actors"][outsider]) == []
    services.key_node_inspect(actor=sup, key_node=first, result="passed")
    assert _nodes(sup) == [] and _nodes(reg) == [(first.name, False)]
    services.key_node_inspect(actor=reg, key_node=first, result="passed")
    assert _nodes(sup) == [(second.name, False)] and _nodes(reg) == [(second.name, False)]
    (item,) = [i for i in todo_for(sup, TODAY) if i.kind == "projects.node_inspect"]
    assert item.url == f"/projects/{project.pk}/#nodes" and project.name in item.title
