"""Fixtures of the schedule tests: a project with its owner, general contractor and supervisor,
a key node on the register, and an outsider organisation that is no party of the project."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jianguan.accounts.models import User
from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.projects import services as project_services
from jianguan.projects.models import KeyNode
from jianguan.projects.tests.test_services import create, member, world  # noqa: F401

FOUNDATION = (Path(__file__).parent / "data" / "foundation.xml").read_bytes()


@pytest.fixture
def site(world):  # noqa: F811
    project = create(world)
    owner = world["actors"]["owner"]
    for role in ("general_contractor", "supervisor", "designer"):
        project_services.participant_add(
            actor=owner, project=project, organisation=world["orgs"][role], role=role
        )
    KeyNode.objects.create(
        project=project,
        code="foundation",
        name="基础验收",
        sequence=1,
        planned_date=dt.date(2026, 3, 12),
    )
    outsider_org = OrganisationFactory(kind="general_contractor", name="外单位建设集团")
    actors = dict(world["actors"])
    actors["designer"] = member(world["orgs"]["designer"], "des1", ["admin", "staff"])
    actors["outsider"] = member(outsider_org, "outsider1", ["admin", "staff"])
    names = {
        "owner": "刘建设",
        "contractor": "陈总包",
        "supervisor": "王监理",
        "regulator": "赵监督",
        "designer": "张设计",
        "outsider": "周外人",
    }
    for key, name in names.items():  # pages name people, never logins
        User.objects.filter(pk=actors[key].user_id).update(display_name=name)
    return {**world, "project": project, "actors": actors}
