"""Credit pages and API: the explained score, the chart data, public scores, manual records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from jianguan.compliance import services
from jianguan.compliance.models import CreditRecord
from jianguan.compliance.tests.test_credit import TODAY, _history, _shift
from jianguan.compliance.tests.test_services import _raise

API = "/api/v1/compliance/credit"


def _published(site):
    gc = site["orgs"]["general_contractor"]
    _history(gc, days=40)
    _raise(site, severity="major")
    _shift(CreditRecord.objects.all(), 10)
    services.credit_history_backfill(start=TODAY - dt.timedelta(days=5), end=TODAY)
    return gc


def test_subject_page_explains_every_point(client, site):
    gc = _published(site)
    client.force_login(site["actors"]["contractor"].user)
    r = client.get(reverse("compliance:credit_organisation", args=[gc.pk]))
    page = r.content.decode()
    assert r.status_code == 200
    assert 'id="verified"' in page and "与当日发布值一致" in page
    assert "监督检查发现较大问题" in page and "credit-chart-data" in page
    assert page.count("data-record=") == 1
    # a date before the organisation existed: a clear message, not a 500
    r = client.get(
        reverse("compliance:credit_organisation", args=[gc.pk]),
        {"on": (TODAY - dt.timedelta(days=100)).isoformat()},
    )
    assert r.status_code == 400 and "尚未纳入" in r.content.decode()
    r = client.get(reverse("compliance:credit_organisation", args=[gc.pk]), {"on": "2026-13-45"})
    assert r.status_code == 400 and "YYYY-MM-DD" in r.content.decode()


def test_index_lists_published_scores_and_regulator_records_by_form(client, site):
    gc = _published(site)
    client.force_login(site["actors"]["regulator"].user)
    r = client.get(reverse("compliance:credit"))
    page = r.content.decode()
    assert r.status_code == 200 and gc.name in page and 'id="form-credit-record"' in page
    r = client.post(
        reverse("compliance:credit_record_add"),
        {
            "organisation": gc.pk,
            "kind": "award_municipal",
            "occurred_on": TODAY.isoformat(),
            "description": "市级文明工地",
        },
    )
    assert r.status_code == 302
    assert CreditRecord.objects.filter(organisation=gc, kind="award_municipal").exists()
    count = CreditRecord.objects.count()
    r = client.post(
        reverse("compliance:credit_record_add"),
        {"organisation": gc.pk, "kind": "red_card", "occurred_on": "x", "description": "x"},
        follow=True,
    )
    assert CreditRecord.objects.count() == count and "日期格式" in r.content.decode()
    client.force_login(site["actors"]["contractor"].user)
    assert (
        'id="form-credit-record"' not in client.get(reverse("compliance:credit")).content.decode()
    )


def test_public_scores_without_login(client, site):
    gc = _published(site)
    r = client.get(reverse("public_sanctions:scores"), {"q": gc.credit_code})
    page = r.content.decode()
    assert r.status_code == 200 and gc.name in page and "信用分" in page
    r = client.get(f"{API}/public/scores", {"q": gc.name})
    body = r.json()
    assert r.status_code == 200 and body["on"] == TODAY.isoformat()
    assert body["items"][0]["credit_code"] == gc.credit_code
    assert Decimal(body["items"][0]["score"]) < Decimal("800")
    assert client.get(f"{API}/public/scores", {"kind": "owner"}).status_code == 400


def test_api_score_history_and_bad_input(client, site, bearer):
    gc = _published(site)
    headers = bearer(site["actors"]["owner"])
    r = client.get(f"{API}/organisations/{gc.pk}/score", headers=headers)
    body = r.json()
    assert r.status_code == 200 and body["verified"] is True
    total = Decimal(body["base"]) + sum(Decimal(x["contribution"]) for x in body["lines"])
    assert total + Decimal(body["clamp"]) == Decimal(body["score"]) == Decimal(body["published"])
    assert body["lines"][0]["record"]["kind"] == "finding_major"
    r = client.get(f"{API}/organisations/{gc.pk}/history", headers=headers)
    assert r.status_code == 200 and len(r.json()["items"]) == 6
    cases = [
        (f"{API}/organisations/{gc.pk}/score?on=1999-01-01", 400, "before_existence"),
        (f"{API}/organisations/{gc.pk}/score?on=2999-01-01", 400, "future_date"),
        (f"{API}/organisations/999999/score", 404, "organisation_not_found"),
        (f"{API}/organisations/abc/score", 404, "not_found"),
        (f"{API}/persons/999999/score", 404, "person_not_found"),
        (f"{API}/organisations/{gc.pk}/history?start=2026-02-01&end=2026-01-01", 400, "bad_range"),
    ]
    for url, status, code in cases:
        r = client.get(url, headers=headers)
        assert (r.status_code, r.json()["code"]) == (status, code), url
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["message"])
    assert client.get(f"{API}/organisations/{gc.pk}/score").status_code == 401
    r = client.get(f"{API}/organisations/{gc.pk}/score?on=not-a-date", headers=headers)
    assert r.status_code in (400, 422)


def test_api_manual_record_permissions(client, site, bearer):
    gc = site["orgs"]["general_contractor"]
    _history(gc)
    data = {
        "kind": "wage_arrears",
        "organisation_id": gc.pk,
        "occurred_on": TODAY.isoformat(),
        "description": "拖欠农民工工资经人社部门查实",
    }
    r = client.post(
        f"{API}/records",
        data,
        content_type="application/json",
        headers=bearer(site["actors"]["contractor"]),
    )
    assert r.status_code == 403 and not CreditRecord.objects.exists()
    reg = bearer(site["actors"]["regulator"])
    r = client.post(f"{API}/records", data, content_type="application/json", headers=reg)
    assert r.status_code == 201 and r.json()["points"] == "-100.00"
    rec_id = r.json()["id"]
    for bad, code in (
        ({"kind": "blacklist"}, "credit_kind_automatic"),
        ({"person_id": 5}, "bad_subject"),
        ({"organisation_id": 999999}, "organisation_not_found"),
        ({"occurred_on": "2999-01-01"}, "future_date"),
    ):
        r = client.post(
            f"{API}/records", {**data, **bad}, content_type="application/json", headers=reg
        )
        assert r.json()["code"] == code, bad
    assert CreditRecord.objects.count() == 1
    r = client.post(
        f"{API}/records/{rec_id}/end",
        {"reason": "重复录入"},
        content_type="application/json",
        headers=reg,
    )
    assert r.status_code == 200 and r.json()["ends_on"]
    r = client.post(
        f"{API}/records/{rec_id}/end",
        {"reason": "again"},
        content_type="application/json",
        headers=reg,
    )
    assert r.status_code == 409 and r.json()["code"] == "record_ended"
