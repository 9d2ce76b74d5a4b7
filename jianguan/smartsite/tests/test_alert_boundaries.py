"""Boundaries of the environmental alert rules (issue 14's "prove the law" for issue 17): each
limit at the limit and one unit each side, through the pure check and through the ingest that
applies it. GB 12523-2011 第4章 (boundary noise 70/55 dB(A), night maximum +15), 噪声污染防治法
第八十八条 (night 22:00–06:00), the district's PM10 rules and alert counts (rule data)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.core.actor import SYSTEM
from jianguan.core.timeutil import now, to_local
from jianguan.smartsite import hj212
from jianguan.smartsite.alerts import settings as alert_settings
from jianguan.smartsite.alerts.models import EnvAlert
from jianguan.smartsite.alerts.services import alerts_from_readings
from jianguan.smartsite.limits import Limits, exceedances, is_night
from jianguan.smartsite.monitors.services import Incoming, readings_ingest
from jianguan.smartsite.tests.monitors_helpers import MN1, build_monitors

L = Limits(70.0, 55.0, 15.0, dt.time(22), dt.time(6), pm10=80.0)
DAY = dt.datetime(2026, 11, 30, 10, 0)
NIGHT = dt.datetime(2026, 11, 30, 23, 0)


@pytest.fixture
def site(db):
    alert_settings.forget()
    return build_monitors()


_seq = [0]


def ingest_at(local: dt.datetime, **values: str) -> dict:
    """One HJ 212 frame at this Beijing time, through the ingest and the alert hook."""
    _seq[0] += 1
    cp = {"DataTime": f"{local:%Y%m%d%H%M%S}"}
    names = {"leq": "Leq-Rtd", "la": "LA-Rtd", "pm10": "a34002-Rtd"}
    cp.update({names[k]: Decimal(v) for k, v in values.items()})
    text = hj212.build_frame(
        qn=f"{local:%Y%m%d%H%M%S}{_seq[0] % 1000:03d}",
        st="39",
        cn="2011",
        pw="123456",
        mn=MN1,
        flag=5,
        cp=cp,
    )
    result = readings_ingest(
        actor=SYSTEM, items=[Incoming(source="hj212", text=text, mn=MN1, parsed=hj212.parse(text))]
    )
    return alerts_from_readings(result.readings)


def recent(hour: int, minute: int = 0, days_back: int = 1) -> dt.datetime:
    base = to_local(now()).replace(tzinfo=None) - dt.timedelta(days=days_back)
    return base.replace(hour=hour, minute=minute, second=0, microsecond=0)


def metrics(**values) -> list[str]:
    when = values.pop("when", DAY)
    return [e.metric for e in exceedances(values, when, L)]


@pytest.mark.rule("noise.day_limit")
def test_day_limit_70(site):
    assert metrics(noise_leq=69.9) == [] and metrics(noise_leq=70.0) == []
    assert metrics(noise_leq=70.1) == ["noise_day"]
    assert ingest_at(recent(10, 0), leq="70.0")["opened"] == 0
    assert ingest_at(recent(10, 1), leq="70.1")["opened"] == 1


@pytest.mark.rule("noise.night_limit")
def test_night_limit_55(site):
    assert metrics(noise_leq=55.0, when=NIGHT) == []
    assert metrics(noise_leq=55.1, when=NIGHT) == ["noise_night"]
    assert ingest_at(recent(23, 0), leq="55.0")["opened"] == 0
    assert ingest_at(recent(23, 1), leq="55.1")["opened"] == 1


@pytest.mark.rule("noise.night_max_excess")
def test_night_maximum_15_above(site):
    assert metrics(noise_leq=50.0, noise_la=70.0, when=NIGHT) == []
    assert metrics(noise_leq=50.0, noise_la=70.1, when=NIGHT) == ["noise_night_max"]
    assert ingest_at(recent(23, 0), leq="50.0", la="70.0")["opened"] == 0
    assert ingest_at(recent(23, 1), leq="50.0", la="70.1")["opened"] == 1
    assert EnvAlert.objects.get().metric == "noise_night_max"


@pytest.mark.rule("noise.night_period")
def test_night_from_22_to_6(site):
    start, end = dt.time(22), dt.time(6)
    assert not is_night(dt.time(21, 59), start, end) and is_night(dt.time(22, 0), start, end)
    assert is_night(dt.time(5, 59), start, end) and not is_night(dt.time(6, 0), start, end)
    # 60 dB(A): within the day limit, over the night one
    assert ingest_at(recent(21, 59), leq="60.0")["opened"] == 0
    assert ingest_at(recent(22, 0), leq="60.0")["opened"] == 1
    assert (
        ingest_at(
            recent(6, 0, days_back=0) if to_local(now()).hour >= 7 else recent(6, 0, 2), leq="60.0"
        )["opened"]
        == 0
    )


@pytest.mark.rule("dust.pm10_site_limit")
def test_pm10_limit_80(site):
    assert metrics(pm10=80.0) == [] and metrics(pm10=80.1) == ["pm10"]
    assert ingest_at(recent(10, 0), pm10="80.0")["opened"] == 0
    assert ingest_at(recent(10, 1), pm10="80.1")["opened"] == 1


@pytest.mark.rule("dust.pm10_exceedances_per_day")
def test_pm10_sustained_after_two_exceedances(site):
    """Two exceedances a day are allowed; the third makes the alert sustained."""
    for minute in range(2):
        ingest_at(recent(14, minute), pm10="120")
    assert not EnvAlert.objects.get().sustained
    assert ingest_at(recent(14, 2), pm10="120")["sustained"] == 1


@pytest.mark.rule("smartsite.noise_sustained_count")
def test_noise_sustained_at_three(site):
    ingest_at(recent(23, 0), leq="60")
    ingest_at(recent(23, 1), leq="60")
    assert not EnvAlert.objects.get().sustained
    assert ingest_at(recent(23, 2), leq="60")["sustained"] == 1


@pytest.mark.rule("smartsite.alert_quiet_minutes")
def test_quiet_30_minutes_ends_an_alert(site):
    ingest_at(recent(23, 0), leq="60")
    ingest_at(recent(23, 30), leq="60")  # 30 minutes later: the same alert
    assert EnvAlert.objects.count() == 1 and EnvAlert.objects.get().count == 2
    ingest_at(recent(23, 29) + dt.timedelta(minutes=32), leq="60")  # 31 minutes: a new one
    assert EnvAlert.objects.count() == 2
