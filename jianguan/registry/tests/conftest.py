from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.core.actor import SYSTEM
from jianguan.core.timeutil import today_local


@pytest.fixture
def rules_loaded(db):
    from jianguan.rules.services import rules_sync_from_data

    rules_sync_from_data()


@pytest.fixture
def today():
    return today_local()


@pytest.fixture
def make_project(db):
    from jianguan.accounts.tests.factories import OrganisationFactory, TownFactory
    from jianguan.projects.services import project_create

    owner = OrganisationFactory(kind="owner")
    town = TownFactory(name="黄村镇")
    counter = iter(range(1, 10_000))

    def make(**kwargs):
        n = next(counter)
        return project_create(
            actor=SYSTEM,
            code=f"DX-2026-{n:04d}",
            name=f"测试项目{n}",
            type="building",
            funding="government",
            budget=Decimal("10000000"),
            town=town,
            longitude="116.34",
            latitude="39.73",
            owner=owner,
            **kwargs,
        )

    return make


def constructor(org, cert="京JZ0001", grade="一级", valid_to=None, **over):
    from jianguan.registry import services

    fields = dict(
        name="王建华",
        id_number_masked="110115********1234",
        kind="constructor",
        specialty="建筑工程",
        grade=grade,
        certificate_number=cert,
        valid_to=valid_to or today_local() + dt.timedelta(days=800),
    )
    fields.update(over)
    return services.person_register(actor=SYSTEM, employer=org, **fields)
