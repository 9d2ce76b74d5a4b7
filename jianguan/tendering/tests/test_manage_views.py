"""The tenderer's pages: create, publish with the law's periods, clarify, answer, conclude,
award, report, refund — each action a form on the tender page."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jianguan.core.timeutil import SHANGHAI, now
from jianguan.projects.tests.test_services import PDF
from jianguan.tendering.models import Tender
from jianguan.tendering.tests.test_award import _opened


def _local(value: dt.datetime) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def test_create_and_publish_from_the_pages(client, market):
    owner = market["owner"]
    client.force_login(owner.user)
    assert 'id="btn-new"' in client.get(reverse("tendering:index")).content.decode()
    form = {
        "project": market["project"].pk,
        "title": "大兴区第一小学扩建工程施工",
        "procedure": "open_post",
        "estimate": "30000000",
        "lot_title": "施工总承包",
        "price_ceiling": "29800000",
        "bond_amount": "900000",
    }
    r = client.post(reverse("tendering:new"), form)
    assert r.status_code == 400 and "2%" in r.content.decode()  # bond above the cap
    assert not Tender.objects.exists()
    r = client.post(reverse("tendering:new"), {**form, "bond_amount": "500000"})
    tender = Tender.objects.get()
    assert r.status_code == 302 and r.url == reverse("tendering:tender", args=[tender.pk])
    page = client.get(r.url).content.decode()
    assert 'id="form-publish"' in page
    start = now() + dt.timedelta(minutes=5)
    publish = {
        "action": "publish",
        "documents_from": _local(start),
        "sale_end": _local(start + dt.timedelta(days=5)),
        "bid_deadline": _local(start + dt.timedelta(days=10)),
        "documents": SimpleUploadedFile("招标文件.pdf", PDF, content_type="application/pdf"),
    }
    r = client.post(reverse("tendering:act", args=[tender.pk]), publish, follow=True)
    assert "不得少于20日" in r.content.decode()
    assert Tender.objects.get().status == "draft"
    publish["bid_deadline"] = _local(start + dt.timedelta(days=21))
    publish["documents"] = SimpleUploadedFile("招标文件.pdf", PDF, content_type="application/pdf")
    r = client.post(reverse("tendering:act", args=[tender.pk]), publish, follow=True)
    assert "已发布招标公告" in r.content.decode() and Tender.objects.get().status == "published"
    r = client.post(
        reverse("tendering:act", args=[tender.pk]),
        {"action": "clarify", "text": "补充说明", "affects_bids": "on"},
        follow=True,
    )
    assert "已发出澄清或修改" in r.content.decode()
    # a bidder cannot act for the tenderer
    client.force_login(market["bidders"][0].user)
    r = client.post(reverse("tendering:act", args=[tender.pk]), {"action": "cancel", "reason": "x"})
    assert r.status_code == 403 and Tender.objects.get().status == "published"


def test_conclude_award_report_and_refund_from_the_page(client, market, tmp_path):
    owner = market["owner"]
    tender = _opened(market, tmp_path, ["28000000.00", "28100000.00", "28200000.00"])
    client.force_login(owner.user)
    url = reverse("tendering:act", args=[tender.pk])
    assert (
        'id="form-conclude"'
        in client.get(reverse("tendering:tender", args=[tender.pk])).content.decode()
    )
    r = client.post(url, {"action": "conclude"}, follow=True)
    assert "中标候选人并开始公示" in r.content.decode()
    Tender.objects.filter(pk=tender.pk).update(publicity_until=now() - dt.timedelta(seconds=1))
    first = tender.candidates.get(rank=1)
    r = client.post(url, {"action": "award", "candidate": first.pk}, follow=True)
    assert (
        "已确定中标人" in r.content.decode()
        and Tender.objects.get(pk=tender.pk).status == "awarded"
    )
    report = SimpleUploadedFile("书面报告.pdf", PDF, content_type="application/pdf")
    award = tender.awards.get()
    r = client.post(url, {"action": "report", "award": award.pk, "document": report}, follow=True)
    assert "已提交书面报告" in r.content.decode()
    loser = tender.bids.exclude(pk=first.bid_id).first()
    r = client.post(url, {"action": "refund", "bid": loser.pk}, follow=True)
    assert "已登记退还投标保证金" in r.content.decode()
    r = client.post(url, {"action": "award", "candidate": "abc"}, follow=True)
    assert "对象不存在" in r.content.decode()
    r = client.post(url, {"action": "bogus"}, follow=True)
    assert "未知的操作" in r.content.decode()
