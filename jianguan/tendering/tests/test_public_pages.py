"""The public tendering pages as an anonymous visitor: notices, detail, downloads without
registration, print; and nothing about bids before the opening (招标投标法 22)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.urls import reverse

from jianguan.core.timeutil import now
from jianguan.projects.tests.test_services import PDF, world  # noqa: F401
from jianguan.tendering import sealer, services
from jianguan.tendering.models import Bid, Tender
from jianguan.tendering.opening.services import bid_unseal, opening_close
from jianguan.tendering.services.clock import tenders_advance
from jianguan.tendering.tests.test_prequal import _publish_prequal
from jianguan.tendering.tests.test_services import (  # noqa: F401
    _keys,
    _publish,
    _seal,
    _submit,
    _tender,
    market,
)

LIST = "/public/tenders/"


@pytest.fixture
def m(market):  # noqa: F811
    """The tendering journey's market: an owner with a project and five bidders."""
    return market


def _url(tender, rest=""):
    return f"{LIST}{tender.code}/{rest}"


def _html(response) -> str:
    return response.content.decode()


def _stable(html: str) -> str:
    """The page without what changes on every request: the CSRF token and the countdown."""
    html = re.sub(r"hx-headers='[^']*'", "", html)
    return re.sub(r'id="countdown">.*?</span>', "", html)


def _bid(tender, tmp_path, actors, prices):
    out = []
    for actor, price in zip(actors, prices, strict=True):
        private, public = _keys(actor, tender)
        out.append((actor, private, _submit(actor, tender, _seal(tmp_path, public, price))))
    return out


def _reach_opening(tender):
    Tender.objects.filter(pk=tender.pk).update(
        bid_deadline=now() - dt.timedelta(seconds=1), next_check_at=now() - dt.timedelta(seconds=1)
    )
    assert tenders_advance() == 1
    tender.refresh_from_db()
    assert tender.status == "opening"
    return tender


def test_list_shows_published_hides_drafts_search_and_filters(client, m):
    published = _publish(m, _tender(m, title="大兴区第一小学扩建工程施工"))
    other = _publish_prequal(m, _tender(m, title="黄村镇道路改造工程", procedure="open_prequal"))
    draft = _tender(m, title="尚未发布的草稿项目")
    html = _html(client.get(LIST))
    assert published.code in html and other.code in html and "黄村镇道路改造工程" in html
    assert draft.code not in html and "尚未发布的草稿项目" not in html
    assert "距投标截止还有" in html and "项目公开" in html and "信用信息" in html
    assert reverse("public_tenders:list") == LIST
    # search by title, code, project name
    html = _html(client.get(LIST, {"q": "道路改造"}))
    assert other.code in html and published.code not in html
    html = _html(client.get(LIST, {"q": published.code}))
    assert published.code in html and other.code not in html
    html = _html(client.get(LIST, {"q": m["project"].name}))
    assert published.code in html and other.code in html
    html = _html(client.get(LIST, {"q": draft.title}))
    assert draft.code not in html and "没有符合条件的招标公告" in html
    # filters
    html = _html(client.get(LIST, {"procedure": "open_prequal"}))
    assert other.code in html and published.code not in html
    html = _html(client.get(LIST, {"status": "draft"}))  # not a public status: ignored
    assert draft.code not in html and published.code in html
    Tender.objects.filter(pk=other.pk).update(status="cancelled", failed_reason="项目调整")
    html = _html(client.get(LIST, {"status": "cancelled"}))
    assert other.code in html and published.code not in html
    # newest notice first
    Tender.objects.filter(pk=other.pk).update(published_at=now() + dt.timedelta(hours=1))
    html = _html(client.get(LIST))
    assert html.index(other.code) < html.index(published.code)


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "999999"},
        {"page": "-1"},
        {"status": "bogus"},
        {"procedure": "<script>"},
        {"q": "x" * 5000},
        {"q": "%' OR 1=1 --"},
    ],
)
def test_bad_query_params_do_not_fail(client, m, params):
    tender = _publish(m, _tender(m))
    response = client.get(LIST, params)
    assert response.status_code == 200
    if set(params) & {"status", "procedure", "page"}:
        assert tender.code in _html(response)


def test_detail_documents_and_clarification_without_login(client, m):
    tender = _publish(m, _tender(m, description="新建教学楼一栋"))
    Tender.objects.filter(pk=tender.pk).update(bid_deadline=now() + dt.timedelta(days=10))
    item = services.clarification_issue(actor=m["owner"], tender=tender, text="工期调整为540日历天")
    assert item.new_deadline != item.old_deadline
    response = client.get(_url(tender))
    assert response.status_code == 200
    html = _html(response)
    for text in (
        tender.title,
        tender.code,
        m["project"].name,
        tender.tenderer.name,
        "公开招标（资格后审）",
        "29,800,000.00",
        "500,000.00",
        "新建教学楼一栋",
        "工期调整为540日历天",
        "已因澄清顺延",
        "距投标截止还有",
        "开标记录在开标结束后公布",
    ):
        assert text in html, text
    local = item.new_deadline.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert local.strftime("%Y-%m-%d %H:%M") in html  # shown in Beijing time
    doc = tender.documents.get()
    assert doc.sm3 in html
    response = client.get(_url(tender, f"documents/{doc.pk}/"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == PDF
    assert response["X-Content-SM3"] == doc.sm3 == hashlib.new("sm3", PDF).hexdigest()
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and ".pdf" in disposition
    assert "sessionid" not in response.cookies  # nothing asked of the visitor
    # a document id of another tender is not served under this code
    other = _publish(m, _tender(m, title="另一个项目"))
    assert client.get(_url(tender, f"documents/{other.documents.get().pk}/")).status_code == 404
    assert client.get(_url(tender, "documents/999999/")).status_code == 404


def test_drafts_and_unknown_codes_are_404(client, m):
    draft = _tender(m)
    draft.documents.create(
        kind="tender_documents", title="草稿文件", file="x.pdf", sm3="0" * 64, published_at=now()
    )
    assert client.get(_url(draft)).status_code == 404
    assert client.get(_url(draft, "print/")).status_code == 404
    doc = draft.documents.get()
    assert client.get(_url(draft, f"documents/{doc.pk}/")).status_code == 404
    response = client.get(f"{LIST}ZB-1999-9999/")
    assert response.status_code == 404 and "页面不存在" in _html(response)


def test_print_page(client, m):
    tender = _publish(m, _tender(m, agency=None))
    html = _html(client.get(_url(tender, "print/")))
    for text in (
        "招标公告",
        tender.code,
        tender.tenderer.name,
        "公开招标（资格后审）",
        "29,800,000.00",
        "500,000.00",
        "投标截止时间",
        "无需登录、无需注册",
        "@media print",
    ):
        assert text in html, text
    assert "nav-tabs" not in html and "已因澄清顺延" not in html


def test_nothing_about_bids_before_opening(client, m, tmp_path):
    """招标投标法 22: no bidder name, credit code or number of bids before the opening."""
    tender = _publish(m, _tender(m))
    before = _stable(_html(client.get(_url(tender))))
    before_list = _stable(_html(client.get(LIST)))
    actors = m["bidders"][:3]
    _bid(tender, tmp_path, actors, ["29500001.00", "29500002.00", "29500003.00"])
    assert Bid.objects.filter(tender=tender).count() == 3
    pages = {"detail": _url(tender), "print": _url(tender, "print/"), "list": LIST}
    for name, url in pages.items():
        html = _html(client.get(url))
        for actor in actors:
            org = actor.organisation
            assert org.name not in html and org.credit_code not in html, name
        assert "份投标文件" not in html and "2950000" not in html, name
    # the pages are exactly what they were without bids
    assert _stable(_html(client.get(_url(tender)))) == before
    assert _stable(_html(client.get(LIST))) == before_list
    # still secret while the bidders unseal (status opening)
    tender = _reach_opening(tender)
    html = _html(client.get(_url(tender)))
    for actor in actors:
        assert actor.organisation.name not in html
        assert actor.organisation.credit_code not in html
    assert 'id="opening-table"' not in html and "份投标文件" not in html


def test_opening_record_after_opening(client, m, tmp_path):
    tender = _publish(m, _tender(m))
    actors = m["bidders"][:4]
    bids = _bid(
        tender,
        tmp_path,
        actors,
        ["29500001.00", "29500002.00", "29500003.00", "29500004.00"],
    )
    tender = _reach_opening(tender)
    for actor, private, bid in bids[:3]:
        key = sealer.unwrap_data_key(package=bid.package.path, private_pem=private)
        assert bid_unseal(actor=actor, bid=bid, data_key_hex=key.hex()).status == "opened"
    tender = opening_close(tender=tender)  # the fourth never unsealed: revoked
    assert tender.status == "evaluation"
    html = _html(client.get(_url(tender)))
    assert 'id="opening-table"' in html
    for actor, _, _ in bids:
        assert actor.organisation.name in html and actor.organisation.credit_code in html
    for price in ("29,500,001.00", "29,500,002.00", "29,500,003.00"):
        assert price in html
    assert "540" in html and "已解密" in html and "解密失败（撤销）" in html
    assert "未在解密时限内完成解密" in html and "共 4 份投标文件，成功解密 3 份" in html
    assert "29,500,004.00" not in html  # the revoked bid has no price


def test_failed_before_opening_shows_no_record(client, m, tmp_path):
    tender = _publish(m, _tender(m))
    _bid(tender, tmp_path, m["bidders"][:2], ["28000001.00", "28000002.00"])
    Tender.objects.filter(pk=tender.pk).update(
        bid_deadline=now() - dt.timedelta(seconds=1), next_check_at=now() - dt.timedelta(seconds=1)
    )
    tenders_advance()
    tender.refresh_from_db()
    assert tender.status == "failed"
    html = _html(client.get(_url(tender)))
    assert "流标" in html and 'id="opening-table"' not in html
    for actor in m["bidders"][:2]:
        assert actor.organisation.name not in html
