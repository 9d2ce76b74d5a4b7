"""Who may act comes before what state the tender is in or what was sent: a caller who is not
the tenderer, its entrusted agency, or (for objections to the result) a bidder of the tender is
refused with a 403 and learns nothing about the tender's procedure, stage or the form's faults."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.core.timeutil import now
from jianguan.projects.tests.test_services import PDF
from jianguan.tendering.tests.test_services import _publish, _tender

API = "/api/v1/tendering"
REFUSALS = {"permission_denied", "not_tenderer"}  # no manage grant, or not this project's


def _published(market):
    return _publish(market, _tender(market))


def test_a_bidder_publishing_another_owners_tender_gets_403_not_a_400_on_its_form(
    client, market, bearer
):
    tender = _published(market)
    start = now().replace(tzinfo=None)  # naive: would be a 400 naive_datetime if parsed first
    form = {
        "documents_from": start.isoformat(),
        "sale_end": (start + dt.timedelta(days=5)).isoformat(),
        "bid_deadline": (start + dt.timedelta(days=21)).isoformat(),
        "documents": SimpleUploadedFile("招标文件.pdf", PDF, content_type="application/pdf"),
    }
    r = client.post(
        f"{API}/tenders/{tender.pk}/publish", form, headers=bearer(market["bidders"][0])
    )
    assert r.status_code == 403, r.content
    assert r.json()["code"] in REFUSALS


def test_a_contractor_closing_prequalification_gets_403_not_409_about_the_procedure(
    client, market, bearer
):
    tender = _published(market)  # open_post: no prequalification (a 409 for the owner)
    r = client.post(
        f"{API}/tenders/{tender.pk}/prequalification/close",
        headers=bearer(market["actors"]["contractor"]),
    )
    assert r.status_code == 403, r.content
    assert r.json()["code"] in REFUSALS
    r = client.post(
        f"{API}/tenders/{tender.pk}/prequalification/close", headers=bearer(market["owner"])
    )
    assert r.status_code == 409 and r.json()["code"] == "no_prequalification"


def test_a_non_bidder_objecting_to_the_result_gets_403_before_the_stage_is_told(
    client, market, bearer
):
    tender = _published(market)  # not in publicity: a bidder would hear 409 not_in_publicity
    for actor in (market["owner"], market["actors"]["supervisor"], market["bidders"][0]):
        r = client.post(
            f"{API}/tenders/{tender.pk}/publicity/objections",
            {"text": "第一名业绩不实"},
            content_type="application/json",
            headers=bearer(actor),
        )
        assert r.status_code == 403, r.content
        assert r.json()["code"] == "not_bidder"
