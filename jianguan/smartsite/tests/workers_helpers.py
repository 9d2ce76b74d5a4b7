"""A small site for the workers and attendance tests: a project with its general contractor,
a labour subcontractor and its labour officers, another contractor's site, and identity
numbers built with the real check character."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.core.actor import SYSTEM
from jianguan.smartsite.workers import idcard


def id_number(born: dt.date, seq: int = 123, region: str = "110115") -> str:
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + idcard.check_char(first17)


def member(org, username, roles):
    from jianguan.accounts import services
    from jianguan.accounts.actors import actor_for

    user = services.user_create(
        actor=SYSTEM, username=username, password="Persona-pass-2026", display_name=username
    )
    services.membership_grant(actor=SYSTEM, user=user, organisation=org, roles=roles)
    return actor_for(user, org.pk)


def build_site() -> dict:
    from jianguan.accounts.tests.factories import OrganisationFactory, TownFactory
    from jianguan.projects.services import participant_add, project_create
    from jianguan.rules.services import rules_sync_from_data

    rules_sync_from_data()
    town = TownFactory(name="黄村镇")
    orgs = {
        "owner": OrganisationFactory(kind="owner", name="大兴区教育委员会"),
        "gc": OrganisationFactory(kind="general_contractor", name="北京建工集团"),
        "labour": OrganisationFactory(kind="labour_subcontractor", name="北京兴业劳务公司"),
        "other_gc": OrganisationFactory(kind="general_contractor", name="北京城建集团"),
        "other_labour": OrganisationFactory(kind="labour_subcontractor", name="河北诚信劳务公司"),
        "regulator": OrganisationFactory(kind="regulator", name="大兴区工程建设管理中心"),
    }

    def project(code, gc, labour):
        p = project_create(
            actor=SYSTEM,
            code=code,
            name=f"测试项目{code}",
            type="building",
            funding="government",
            budget=Decimal("10000000"),
            town=town,
            longitude="116.34",
            latitude="39.73",
            owner=orgs["owner"],
        )
        participant_add(actor=SYSTEM, project=p, organisation=gc, role="general_contractor")
        participant_add(actor=SYSTEM, project=p, organisation=labour, role="labour_subcontractor")
        return p

    site = project("DX-2026-0901", orgs["gc"], orgs["labour"])
    other = project("DX-2026-0902", orgs["other_gc"], orgs["other_labour"])
    actors = {
        "gc": member(orgs["gc"], "gc_officer", ["admin", "staff"]),
        "gc_signer": member(orgs["gc"], "gc_signer", ["signer"]),
        "labour": member(orgs["labour"], "labour_officer", ["admin", "staff"]),
        "other_gc": member(orgs["other_gc"], "other_gc", ["admin", "staff"]),
        "other_labour": member(orgs["other_labour"], "other_labour", ["admin", "staff"]),
        "regulator": member(orgs["regulator"], "reg_officer", ["staff", "inspector"]),
        "owner": member(orgs["owner"], "owner_staff", ["admin", "staff"]),
    }
    return {"orgs": orgs, "actors": actors, "project": site, "other_project": other}


@pytest.fixture
def site(db):
    return build_site()
