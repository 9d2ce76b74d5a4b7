"""Daily log pages: the calendar, the form prefilled from attendance (来自考勤), writing,
photos, signing, and refusals (another firm, edit after signing)."""

from __future__ import annotations

from jianguan.collab.dailylogs.models import DailyLog
from jianguan.collab.dailylogs.tests.conftest import DAY, photo


def test_pages_journey(site, attendance, login_as):
    client = login_as(site["actors"]["contractor"])
    pid = site["project"].pk
    r = client.get(f"/collab/dailylogs/projects/{pid}/")
    assert r.status_code == 200 and "写今天的施工日志" in r.content.decode()
    r = client.get(f"/collab/dailylogs/projects/{pid}/new/?date={DAY}")
    page = r.content.decode()
    assert r.status_code == 200 and "来自考勤" in page and 'value="2"' in page
    r = client.post(
        f"/collab/dailylogs/projects/{pid}/new/",
        {
            "date": str(DAY),
            "weather_am": "sunny",
            "mp_rebar_worker": "2",
            "att_rebar_worker": "2",
            "mp_electrician": "3",
            "att_electrician": "1",
            "equipment_text": "塔吊 2\n泵车 1",
            "work_done": "钢筋绑扎",
        },
    )
    assert r.status_code == 302
    log = DailyLog.objects.get()
    assert {(m["trade"], m["count"], m["from_attendance"]) for m in log.manpower} == {
        ("rebar_worker", 2, True),
        ("electrician", 3, False),
    }
    assert log.equipment == [{"name": "塔吊", "count": 2}, {"name": "泵车", "count": 1}]
    r = client.post(f"/collab/dailylogs/logs/{log.pk}/photos/", {"photo": photo()})
    assert r.status_code == 302 and log.photos.count() == 1
    r = client.post(f"/collab/dailylogs/logs/{log.pk}/photos/", {"photo": photo(b"%PDF-1.4")})
    assert r.status_code == 400 and "JPEG" in r.content.decode()
    page = client.get(f"/collab/dailylogs/logs/{log.pk}/").content.decode()
    assert "签署" in page and "钢筋工" in page and "晴" in page
    r = client.post(f"/collab/dailylogs/logs/{log.pk}/sign/")
    assert r.status_code == 302
    page = client.get(f"/collab/dailylogs/logs/{log.pk}/").content.decode()
    assert "已签署" in page and "写补充记录" in page
    assert client.get(f"/collab/dailylogs/logs/{log.pk}/edit/").status_code == 409
    r = client.post(f"/collab/dailylogs/projects/{pid}/new/", {"date": str(DAY)})
    assert r.status_code == 409 and "已存在" in r.content.decode()


def test_other_firm_gets_404(site, login_as, make_persona):
    client = login_as(site["actors"]["other_owner"])
    assert client.get(f"/collab/dailylogs/projects/{site['project'].pk}/").status_code == 404


def test_supervisor_page_raises_finding(site, login_as):
    from jianguan.collab.dailylogs import services

    sup = site["actors"]["supervisor"]
    log = services.log_create(actor=sup, project=site["project"], kind="supervision", log_date=DAY)
    client = login_as(sup)
    assert "提出检查问题" in client.get(f"/collab/dailylogs/logs/{log.pk}/").content.decode()
    r = client.post(
        f"/collab/dailylogs/logs/{log.pk}/finding/",
        {
            "type": "safety",
            "severity": "general",
            "description": "未设临边防护",
            "responsible": site["orgs"]["general_contractor"].pk,
        },
    )
    assert r.status_code == 302
    log.refresh_from_db()
    assert log.finding_order_id
