"""Shared data for the register page tests: three projects at known places in Daxing."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from jianguan.accounts.tests.factories import OrganisationFactory, TownFactory
from jianguan.core.actor import SYSTEM
from jianguan.projects import services

REGISTER = "/projects/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Three projects at known places in Daxing (CGCS2000 lon/lat).
HUANGCUN = (Decimal("116.338000"), Decimal("39.728000"))  # 黄村
JIUGONG = (Decimal("116.450000"), Decimal("39.800000"))  # 旧宫, ~12.5 km NE of 黄村
LIXIAN = (Decimal("116.500000"), Decimal("39.570000"))  # 礼贤, ~22 km SE of 黄村


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    owner_a = OrganisationFactory(kind="owner", name="北京大兴投资建设有限公司")
    owner_b = OrganisationFactory(kind="owner", name="大兴区教育委员会")
    huangcun = TownFactory(name="黄村镇")
    jiugong = TownFactory(name="旧宫镇")
    lixian = TownFactory(name="礼贤镇")

    def make(name, town, where, owner, type_="building", funding="government", budget="1234567.89"):
        return services.project_create(
            actor=SYSTEM,
            name=name,
            type=type_,
            funding=funding,
            budget=budget,
            town=town,
            longitude=where[0],
            latitude=where[1],
            owner=owner,
        )

    a = make("黄村镇老旧小区综合改造", huangcun, HUANGCUN, owner_a)
    b = make("旧宫中学新建工程", jiugong, JIUGONG, owner_b, type_="building", funding="state_owned")
    c = make("礼贤镇南部道路工程", lixian, LIXIAN, owner_a, type_="road", budget="98765432.10")
    return {
        "a": a,
        "b": b,
        "c": c,
        "owner_a": owner_a,
        "owner_b": owner_b,
        "huangcun": huangcun,
        "jiugong": jiugong,
        "lixian": lixian,
    }


def _codes(html: str) -> set[str]:
    return set(re.findall(r'<tr data-project="([^"]+)"', html))


def _join_project(actor, project, role="general_contractor"):
    services.participant_add(
        actor=SYSTEM, project=project, organisation=actor.organisation, role=role
    )
