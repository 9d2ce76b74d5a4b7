"""Fixtures of the task and meeting tests: a project with its owner, general contractor,
supervisor and a specialist subcontractor (with its organisation administrator), plus an
outsider organisation that is no party of the project."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.accounts.models import User
from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.projects import services as project_services
from jianguan.projects.tests.test_services import create, member, world  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def site(world):  # noqa: F811
    project = create(world)
    owner = world["actors"]["owner"]
    sub = OrganisationFactory(kind="specialist_subcontractor", name="北京兴安机电安装有限公司")
    for org, role in (
        (world["orgs"]["general_contractor"], "general_contractor"),
        (world["orgs"]["supervisor"], "supervisor"),
        (sub, "specialist_subcontractor"),
    ):
        project_services.participant_add(actor=owner, project=project, organisation=org, role=role)
    outsider_org = OrganisationFactory(kind="general_contractor", name="外单位建设集团")
    actors = dict(world["actors"])
    actors["sub_admin"] = member(sub, "subadmin", ["org_admin", "admin"])
    actors["sub_staff"] = member(sub, "subworker", ["staff"])
    actors["outsider"] = member(outsider_org, "outsider1", ["admin", "staff"])
    names = {
        "owner": "刘建设",
        "contractor": "陈总包",
        "supervisor": "王监理",
        "regulator": "赵监督",
        "sub_admin": "孙分包",
        "sub_staff": "李工人",
        "outsider": "周外人",
    }
    for key, name in names.items():  # pages name people, never logins
        User.objects.filter(pk=actors[key].user_id).update(display_name=name)
    return {
        **world,
        "project": project,
        "actors": actors,
        "orgs": {**world["orgs"], "sub": sub, "outsider": outsider_org},
    }
