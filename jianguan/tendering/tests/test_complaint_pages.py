"""投诉 pages (issue 16: complaints had an API only): a bidder files from the tender page, the
supervising department accepts and decides from the complaint's page; bad forms answer 4xx in
the API's words; nobody else sees the complaint or its buttons."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.core.timeutil import today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.projects.tests.test_services import member
from jianguan.tendering.models import Complaint
from jianguan.tendering.tests.test_services import _publish, _tender
from jianguan.tendering.todo import complaints_to_handle

pytestmark = pytest.mark.django_db

FORMS = ('id="form-accept"', 'id="form-refuse"', 'id="form-decide"')


@pytest.fixture
def tender(market):
    return _publish(market, _tender(market))


def _as(client, actor):
    client.logout()
    client.force_login(actor.user)
    return client


def _file(client, tender, **over):
    data = {
        "subject": "other",
        "known_on": today_local().isoformat(),
        "text": "代理机构泄露潜在投标人名单",
    }
    data.update(over)
    return client.post(reverse("tendering:complaint_file", args=[tender.pk]), data)


def _counts():
    return Complaint.objects.count(), LedgerEntry.objects.count()


def test_bidder_files_regulator_accepts_and_decides(client, market, tender):
    bidder, reg = market["bidders"][0], market["actors"]["regulator"]
    page = _as(client, bidder).get(reverse("tendering:tender", args=[tender.pk])).content.decode()
    assert reverse("tendering:complaint_file", args=[tender.pk]) in page
    form = client.get(reverse("tendering:complaint_file", args=[tender.pk]))
    assert form.status_code == 200 and "评标结果" in form.content.decode()
    r = _file(client, tender)
    complaint = Complaint.objects.get()
    assert r.status_code == 302 and r.url == reverse("tendering:complaint", args=[complaint.pk])
    page = client.get(r.url).content.decode()
    assert "已提交，待受理" in page and "其他违法行为" in page and bidder.organisation.name in page
    assert "提出投诉" in page  # the 履历 panel, in words
    assert not any(f in page for f in FORMS)
    index = client.get(reverse("tendering:index")).content.decode()
    assert f'href="{reverse("tendering:complaints")}"' in index  # the bidder's way back to it
    mine = client.get(reverse("tendering:complaints")).content.decode()
    assert tender.title in mine and "本单位的投诉" in mine
    # the tender page now leads the complainant to its complaint
    page = client.get(reverse("tendering:tender", args=[tender.pk])).content.decode()
    assert 'id="btn-complaints"' in page

    # the regulator's to-do item opens the complaint itself
    (item,) = complaints_to_handle(reg, today_local())
    assert item.url == reverse("tendering:complaint", args=[complaint.pk])
    _as(client, reg)
    listing = client.get(reverse("tendering:complaints"), {"status": "submitted"})
    text = listing.content.decode()
    assert "投诉处理" in text and tender.title in text and bidder.organisation.name in text
    assert complaint.accept_due.isoformat() in text
    assert reverse("tendering:complaints") in client.get("/").content.decode()  # the menu
    page = client.get(item.url).content.decode()
    assert 'id="form-accept"' in page and 'id="form-refuse"' in page
    assert 'id="form-decide"' not in page
    act = reverse("tendering:complaint_act", args=[complaint.pk])
    r = client.post(act, {"action": "accept", "suspend": "on"}, follow=True)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.ACCEPTED and complaint.suspended
    page = r.content.decode()
    assert "已受理投诉" in page and complaint.decide_due.isoformat() in page
    assert 'id="form-decide"' in page and 'id="form-accept"' not in page
    r = client.post(act, {"action": "decide", "outcome": "upheld", "decision": "责令招标人改正"})
    assert r.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.UPHELD and complaint.decision == "责令招标人改正"
    page = client.get(r.url).content.decode()
    assert "投诉成立" in page and "受理投诉" in page and "作出投诉处理决定" in page
    assert not any(f in page for f in FORMS)
    assert not list(complaints_to_handle(reg, today_local()))
    # the complainant reads the decision
    page = _as(client, bidder).get(r.url).content.decode()
    assert "责令招标人改正" in page and "投诉成立" in page


def test_bad_forms_answer_4xx_in_the_apis_words_and_write_nothing(client, market, tender):
    bidder, reg = market["bidders"][0], market["actors"]["regulator"]
    _as(client, bidder)
    before = _counts()
    today = today_local()
    for data, status, words in (
        ({"subject": "", "known_on": "", "text": ""}, 400, "请选择投诉事项"),
        ({"text": "   "}, 400, "请填写投诉内容及事实依据"),
        ({"text": "长" * 10001}, 400, "10000"),
        ({"subject": "bogus"}, 400, "未知的投诉事项"),
        ({"known_on": "2026-13-45"}, 400, "日期格式"),
        ({"known_on": (today + dt.timedelta(days=1)).isoformat()}, 400, "future_date"),
        ({"known_on": (today - dt.timedelta(days=30)).isoformat()}, 400, "10日内"),
        ({"subject": "documents"}, 400, "objection_first"),
        ({"subject": "evaluation"}, 400, "应当先向招标人提出异议"),
    ):
        r = _file(client, tender, **data)
        assert r.status_code == status, (data, r.status_code)
        assert words in r.content.decode(), data
    assert _counts() == before

    _file(client, tender)
    complaint = Complaint.objects.get()
    act = reverse("tendering:complaint_act", args=[complaint.pk])
    _as(client, reg)
    before = _counts()
    for data, status, words in (
        ({}, 400, "未知的操作"),
        ({"action": "bogus"}, 400, "未知的操作"),
        ({"action": "refuse", "reason": ""}, 400, "请说明不予受理的理由"),
        ({"action": "refuse", "reason": "理" * 5001}, 400, "5000"),
        ({"action": "decide", "outcome": "upheld", "decision": "x"}, 409, "complaint_state"),
        ({"action": "decide", "outcome": "", "decision": ""}, 400, "请选择处理结果"),
    ):
        r = client.post(act, data)
        assert r.status_code == status, (data, r.status_code)
        assert words in r.content.decode(), data
    assert _counts() == before
    r = client.post(act, {"action": "refuse", "reason": "不属于本部门受理范围"})
    assert r.status_code == 302
    r = client.post(act, {"action": "accept"})  # refused already: the wrong state
    assert r.status_code == 409 and "不予受理" in r.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.REFUSED


def test_others_get_403_or_404_and_no_buttons(client, market, tender):
    bidder, third, owner = market["bidders"][0], market["bidders"][2], market["owner"]
    expert = member(OrganisationFactory(kind="designer"), "exp_c", ["expert"])
    _as(client, bidder)
    _file(client, tender)
    complaint = Complaint.objects.get()
    detail = reverse("tendering:complaint", args=[complaint.pk])
    act = reverse("tendering:complaint_act", args=[complaint.pk])
    before = _counts()
    # the complainant sees it, but may not decide it
    assert client.post(act, {"action": "accept"}).status_code == 403
    for actor in (third, owner):
        _as(client, actor)
        assert client.get(detail).status_code == 404
        assert client.post(act, {"action": "accept"}).status_code == 404
        listing = client.get(reverse("tendering:complaints")).content.decode()
        assert f'data-complaint="{complaint.pk}"' not in listing
        assert reverse("tendering:complaints") not in client.get("/").content.decode()
    # the owner is the tenderer: no button, and the form is refused
    page = _as(client, owner).get(reverse("tendering:tender", args=[tender.pk])).content.decode()
    assert 'id="btn-complain"' not in page and 'id="btn-complaints"' not in page
    index = client.get(reverse("tendering:index")).content.decode()
    assert 'id="btn-complaints"' not in index
    assert client.get(reverse("tendering:complaint_file", args=[tender.pk])).status_code == 403
    # a third bidder may complain itself, but sees none of the others' complaints
    page = _as(client, third).get(reverse("tendering:tender", args=[tender.pk])).content.decode()
    assert 'id="btn-complain"' in page and 'id="btn-complaints"' not in page
    _as(client, expert)
    for url in (detail, reverse("tendering:complaints")):
        assert client.get(url).status_code == 403
    assert client.post(act, {"action": "accept"}).status_code == 403
    assert client.get(reverse("tendering:complaint_file", args=[tender.pk])).status_code == 403
    client.logout()
    assert client.get(detail).status_code == 302  # to the login page
    assert _counts() == before
    assert Complaint.objects.get().status == Complaint.SUBMITTED


def test_overdue_filter_and_draft_tender(client, market, tender):
    bidder, reg = market["bidders"][0], market["actors"]["regulator"]
    _as(client, bidder)
    _file(client, tender)
    _file(client, tender, text="开标程序不合法", subject="opening")
    late, on_time = Complaint.objects.order_by("pk")
    Complaint.objects.filter(pk=late.pk).update(accept_due=today_local() - dt.timedelta(days=1))
    _as(client, reg)
    text = client.get(reverse("tendering:complaints"), {"overdue": "1"}).content.decode()
    assert f'data-complaint="{late.pk}"' in text and f'data-complaint="{on_time.pk}"' not in text
    assert "逾期" in text
    page = client.get(reverse("tendering:complaint", args=[late.pk])).content.decode()
    assert 'id="overdue"' in page
    text = client.get(reverse("tendering:complaints"), {"tender": str(tender.pk)}).content.decode()
    assert f'data-complaint="{on_time.pk}"' in text and "开标" in text
    # a draft tender: not public, so the bidder does not learn it exists
    draft = _tender(market, title="未发布的招标项目")
    _as(client, bidder)
    assert client.get(reverse("tendering:complaint_file", args=[draft.pk])).status_code == 404
