"""The alert path: readings over the limit → an alert in the same batch → sustained → the
project's warning and the regulator's to-do → a rectification order only when a person says so."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.compliance.models import RectificationOrder
from jianguan.core.actor import SYSTEM
from jianguan.core.errors import Conflict, PermissionDenied
from jianguan.core.timeutil import now, to_local, today_local
from jianguan.core.todo import todo_for
from jianguan.ledger.models import LedgerEntry
from jianguan.projects.models import Project
from jianguan.smartsite import hj212
from jianguan.smartsite.alerts import services, workflow
from jianguan.smartsite.alerts import settings as alert_settings
from jianguan.smartsite.alerts.models import EnvAlert
from jianguan.smartsite.monitors.models import Reading
from jianguan.smartsite.monitors.services import Incoming, readings_ingest
from jianguan.smartsite.tests.monitors_helpers import MN1, build_monitors


@pytest.fixture
def site(db, make_persona):
    from jianguan.accounts.tests.factories import OrganisationFactory
    from jianguan.projects.services import participant_add

    alert_settings.forget()
    world = build_monitors()
    gc_org = OrganisationFactory(kind="general_contractor", name="北京建工集团")
    participant_add(
        actor=SYSTEM, project=world["project"], organisation=gc_org, role="general_contractor"
    )
    world["gc"] = make_persona("gc_officer", roles=("admin", "staff"), organisation=gc_org)
    world["other_gc"] = make_persona("gc_other", "general_contractor", ("admin", "staff"))
    world["regulator"] = make_persona("reg_env", "regulator", ("staff", "inspector"))
    return world


def night(minutes_ago: int) -> dt.datetime:
    """A recent moment at night (Beijing), so the night limit applies."""
    local = to_local(now()).replace(hour=2, minute=0, second=0, microsecond=0)
    if local > to_local(now()):
        local -= dt.timedelta(days=1)
    return local - dt.timedelta(minutes=minutes_ago)


def frame(when: dt.datetime, leq: str, pm10: str = "40") -> Incoming:
    text = hj212.build_frame(
        qn=when.strftime("%Y%m%d%H%M%S") + "000",
        st="39",
        cn="2011",
        pw="123456",
        mn=MN1,
        flag=5,
        cp={
            "DataTime": when.strftime("%Y%m%d%H%M%S"),
            "Leq-Rtd": Decimal(leq),
            "a34002-Rtd": Decimal(pm10),
        },
    )
    return Incoming(source="hj212", text=text, mn=MN1, parsed=hj212.parse(text))


def ingest(items, capture):
    with capture(execute=True):
        return readings_ingest(actor=SYSTEM, items=items)


def test_a_reading_over_the_night_limit_opens_one_alert_in_its_batch(
    site, django_capture_on_commit_callbacks
):
    ingest([frame(night(10), "58.2")], django_capture_on_commit_callbacks)
    alert = EnvAlert.objects.get()
    assert (alert.metric, alert.status, alert.count) == ("noise_night", workflow.OPEN, 1)
    assert alert.peak == pytest.approx(58.2) and alert.limit == 55.0
    assert LedgerEntry.objects.filter(type="smartsite.env_alert_opened").count() == 1
    # the next exceedances join the same alert; a quiet reading changes nothing
    ingest([frame(night(9), "57.0"), frame(night(8), "50.0")], django_capture_on_commit_callbacks)
    alert.refresh_from_db()
    assert EnvAlert.objects.count() == 1 and alert.count == 2 and not alert.sustained
    # the same readings seen again (a retried hook) count nothing twice
    services.alerts_from_readings(list(Reading.objects.select_related("device")))
    alert.refresh_from_db()
    assert alert.count == 2


def test_sustained_raises_the_warning_and_asks_the_regulator(
    site, django_capture_on_commit_callbacks
):
    items = [frame(night(10 - i), f"6{i}.0") for i in range(3)]
    ingest(items, django_capture_on_commit_callbacks)
    alert = EnvAlert.objects.get()
    assert alert.sustained and alert.count == 3 and alert.peak == pytest.approx(62.0)
    project = Project.objects.get(pk=site["project"].pk)
    assert project.warning_level >= 3  # orange
    todo = [
        i
        for i in todo_for(site["regulator"], today_local())
        if i.kind == "smartsite.env_alert_decide"
    ]
    assert len(todo) == 1 and site["project"].name in todo[0].title
    mine = [
        i for i in todo_for(site["gc"], today_local()) if i.kind == "smartsite.env_alert_answer"
    ]
    assert len(mine) == 1
    assert not [
        i for i in todo_for(site["other_gc"], today_local()) if i.kind.startswith("smartsite.env")
    ]
    # No order until a person decides.
    assert not RectificationOrder.objects.exists()


def test_people_decide_answer_then_escalate(site, django_capture_on_commit_callbacks):
    ingest([frame(night(10 - i), "65.0") for i in range(3)], django_capture_on_commit_callbacks)
    alert = EnvAlert.objects.get()
    with pytest.raises(PermissionDenied):
        services.alert_answer(actor=site["other_gc"], alert=alert, answer="与我无关")
    with pytest.raises(PermissionDenied):
        services.alert_escalate(actor=site["gc"], alert=alert)
    services.alert_answer(actor=site["gc"], alert=alert, answer="已停止夜间破碎作业")
    with pytest.raises(Conflict):
        services.alert_answer(actor=site["gc"], alert=alert, answer="再次反馈")
    alert = services.alert_escalate(
        actor=site["regulator"], alert=alert, severity="general", note="夜间施工扰民"
    )
    order = RectificationOrder.objects.get()
    assert alert.status == workflow.ESCALATED and alert.order == order
    assert order.responsible_organisation.name == "北京建工集团"
    assert "夜间噪声超标" in order.finding.description and "65.0" in order.finding.description
    with pytest.raises(Conflict):
        services.alert_dismiss(actor=site["regulator"], alert=alert, reason="重复处理")


def test_quiet_alerts_close_and_a_new_exceedance_opens_another(
    site, django_capture_on_commit_callbacks
):
    ingest([frame(night(200), "60.0")], django_capture_on_commit_callbacks)
    assert services.alerts_close_quiet() == 1
    assert EnvAlert.objects.get().status == workflow.CLOSED
    ingest([frame(night(5), "60.0")], django_capture_on_commit_callbacks)
    assert EnvAlert.objects.count() == 2


def test_alert_pages_for_who_may_see_and_act(site, client, django_capture_on_commit_callbacks):
    ingest([frame(night(10 - i), "66.0") for i in range(3)], django_capture_on_commit_callbacks)
    alert = EnvAlert.objects.get()
    url = f"/smartsite/environment/alerts/{alert.pk}/"
    client.force_login(site["other_gc"].user)
    assert client.get(url).status_code == 404
    client.force_login(site["gc"].user)
    html = client.get(url).content.decode()
    assert 'id="answer-form"' in html and 'id="escalate-form"' not in html
    r = client.post(url + "act/", {"action": "answer", "text": ""})
    assert r.status_code == 400 and "请填写" in r.content.decode()
    assert client.post(url + "act/", {"action": "dismiss", "text": "x"}).status_code == 403
    client.force_login(site["regulator"].user)
    html = client.get(url).content.decode()
    assert 'id="escalate-form"' in html and 'id="answer-form"' not in html
    project_page = client.get(f"/projects/{site['project'].pk}/").content.decode()
    assert f"/smartsite/environment/projects/{site['project'].pk}/" in project_page
    live = client.get("/smartsite/environment/").content.decode()
    assert site["project"].name in live and "夜间噪声超标" in live
    series = client.get(f"/smartsite/environment/projects/{site['project'].pk}/series.json").json()
    assert series["limits"]["noise_night"] == 55.0 and series["devices"][0]["noise"]
    r = client.post(url + "act/", {"action": "dismiss", "text": "设备故障，已安排校准"})
    assert r.status_code == 302
    assert EnvAlert.objects.get().status == workflow.DISMISSED


def test_the_api_lists_answers_and_decides(
    site, client, bearer, django_capture_on_commit_callbacks
):
    ingest([frame(night(10 - i), "64.0") for i in range(3)], django_capture_on_commit_callbacks)
    alert = EnvAlert.objects.get()
    gc, reg, other = bearer(site["gc"]), bearer(site["regulator"]), bearer(site["other_gc"])
    listed = client.get("/api/v1/smartsite/env-alerts?status=open", headers=reg).json()
    assert [a["id"] for a in listed] == [alert.pk] and listed[0]["metric_label"] == "夜间噪声超标"
    assert client.get("/api/v1/smartsite/env-alerts", headers=other).json() == []
    assert client.get(f"/api/v1/smartsite/env-alerts/{alert.pk}", headers=other).status_code == 404
    assert client.get("/api/v1/smartsite/env-alerts?limit=0", headers=reg).status_code in (400, 422)
    url = f"/api/v1/smartsite/env-alerts/{alert.pk}"
    r = client.post(url + "/answer", {"answer": ""}, content_type="application/json", headers=gc)
    assert r.status_code == 400 and r.json()["code"] == "missing_field"
    r = client.post(
        url + "/answer", {"answer": "已停工"}, content_type="application/json", headers=gc
    )
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    body = {"action": "dismiss", "text": "误报"}
    assert (
        client.post(
            url + "/decision", body, content_type="application/json", headers=gc
        ).status_code
        == 403
    )
    bad = {"action": "fine", "text": "x"}
    assert client.post(
        url + "/decision", bad, content_type="application/json", headers=reg
    ).status_code in (400, 422)
    r = client.post(
        url + "/decision",
        {"action": "escalate", "text": "夜间施工"},
        content_type="application/json",
        headers=reg,
    )
    assert r.status_code == 200 and r.json()["status"] == "escalated" and r.json()["order_number"]
    series = client.get(
        f"/api/v1/smartsite/projects/{site['project'].pk}/environment", headers=reg
    ).json()
    assert series["limits"]["noise_night"] == 55.0
