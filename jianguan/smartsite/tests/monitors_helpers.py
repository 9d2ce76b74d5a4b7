"""A project with two registered monitors for the monitor and ingest tests."""

from __future__ import annotations

import time
from decimal import Decimal

from django.db import OperationalError

from jianguan.core.actor import SYSTEM
from jianguan.smartsite import hj212

MN1 = "0A1B2C3D4E5F60718293A4B5"
MN2 = "SITE-TEST-0002"


def build_monitors() -> dict:
    from jianguan.accounts.tests.factories import OrganisationFactory, TownFactory
    from jianguan.projects.services import project_create
    from jianguan.rules.services import rules_sync_from_data
    from jianguan.smartsite.monitors.services import device_register

    rules_sync_from_data()
    owner = OrganisationFactory(kind="owner", name="大兴区教育委员会")
    project = project_create(
        actor=SYSTEM,
        code="DX-MON-1",
        name="大兴区第一中学改扩建工程",
        type="building",
        funding="government",
        budget=Decimal("10000000"),
        town=TownFactory(name="黄村镇"),
        longitude="116.34",
        latitude="39.73",
        owner=owner,
    )
    d1, key1 = device_register(
        actor=SYSTEM, project=project, mn=MN1, name="东侧场界", password="123456"
    )
    d2, key2 = device_register(
        actor=SYSTEM,
        project=project,
        mn=MN2,
        name="西侧场界",
        pm_unit="mg_m3",
        crc_variants=("hj212", "modbus"),
    )
    return {"project": project, "owner": owner, "d1": d1, "d2": d2, "key1": key1, "key2": key2}


def upload(
    mn: str = MN1,
    *,
    time: str = "20261123093000",
    flag: int = 5,
    pw: str = "123456",
    cn: str = "2011",
    qn: str = "20261123093000123",
    **values,
) -> str:
    values = values or {"a34002-Rtd": Decimal("68.4"), "LA-Rtd": Decimal("63.8")}
    return hj212.build_frame(
        qn=qn, st="39", cn=cn, pw=pw, mn=mn, flag=flag, cp={"DataTime": time, **values}
    )


def wait_for(check, timeout: float = 10.0) -> bool:
    """Polls `check` while a listener thread writes. On SQLite's shared in-memory test database
    a read that meets the writer's table lock fails at once ("table is locked") instead of
    waiting, so such a read counts as "not yet" rather than as a failure."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if check():
                return True
        except OperationalError:
            pass
        time.sleep(0.05)
    return False
