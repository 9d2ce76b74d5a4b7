"""The full journey to the award: opening → evaluation (lowest evaluated price) → publicity
with an objection that pauses it → award of the first candidate → a valid OCDS record."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now, to_local
from jianguan.rules.lookup import add_working_days
from jianguan.tendering import sealer, services
from jianguan.tendering.models import Bid, Candidate, Tender
from jianguan.tendering.ocds import releases as ocds
from jianguan.tendering.opening.services import bid_unseal, opening_close
from jianguan.tendering.services.clock import tenders_advance
from jianguan.tendering.tests.shared_data import OCDS_SCHEMA
from jianguan.tendering.tests.test_services import _keys, _publish, _seal, _submit, _tender
from tests.needs import available

SCHEMA = OCDS_SCHEMA


def _opened(market, tmp_path, prices, *, clarify=False, fail_last=False):
    tender = _publish(market, _tender(market))
    if clarify:  # less than 15 days before the deadline: the deadline moves (实施条例 21)
        Tender.objects.filter(pk=tender.pk).update(bid_deadline=now() + dt.timedelta(days=9))
        item = services.clarification_issue(
            actor=market["owner"], tender=tender, text="补充工程量清单第3章说明"
        )
        assert item.new_deadline > item.old_deadline
    sealed = []
    for actor, price in zip(market["bidders"], prices, strict=False):
        private, public = _keys(actor, tender)
        sealed.append((actor, private, _submit(actor, tender, _seal(tmp_path, public, price))))
    past = now() - dt.timedelta(seconds=1)
    Tender.objects.filter(pk=tender.pk).update(bid_deadline=past, next_check_at=past)
    tenders_advance()
    for i, (actor, private, bid) in enumerate(sealed):
        if fail_last and i == len(sealed) - 1:
            bid_unseal(actor=actor, bid=bid, data_key_hex="00" * 32)  # the wrong key: 撤销
            continue
        key = sealer.unwrap_data_key(package=bid.package.path, private_pem=private)
        bid_unseal(actor=actor, bid=bid, data_key_hex=key.hex())
    return opening_close(tender=Tender.objects.get(pk=tender.pk))


def test_evaluation_publicity_objection_and_award(client, market, tmp_path):
    owner = market["owner"]
    prices = ["29100000.00", "28700000.00", "29900000.00", "28700000.00", "28950000.00"]
    tender = _opened(market, tmp_path, prices, clarify=True, fail_last=True)
    assert tender.status == "evaluation"
    assert Bid.objects.get(tender=tender, price__isnull=True).status == "revoked"
    candidates = services.evaluation_conclude(actor=owner, tender=tender)
    # the fifth was revoked at opening; 29,900,000 is above the 29,800,000 ceiling; ties go
    # to the earlier submission
    assert [str(c.price) for c in candidates] == ["28700000.00", "28700000.00", "29100000.00"]
    first = candidates[0]
    assert first.bid.bidder_id == market["bidders"][1].organisation_id
    tender.refresh_from_db()
    assert tender.status == "publicity" and tender.publicity_until > now() + dt.timedelta(days=2)
    page = client.get(f"/public/tenders/{tender.code}/").content.decode()
    assert 'id="candidates-table"' in page and first.bid.bidder.name in page
    with pytest.raises(Conflict) as exc:
        services.award_decide(actor=owner, tender=tender, candidate=first)
    assert exc.value.code == "publicity_running"
    loser = market["bidders"][0]
    objection = services.publicity_objection_file(actor=loser, tender=tender, text="第一名业绩不实")
    with pytest.raises(PermissionDenied) as denied:
        services.publicity_objection_file(actor=owner, tender=tender, text="x")
    assert denied.value.code == "not_bidder"
    Tender.objects.filter(pk=tender.pk).update(publicity_until=now() - dt.timedelta(seconds=1))
    with pytest.raises(Conflict) as exc:
        services.award_decide(actor=owner, tender=tender, candidate=first)
    assert exc.value.code == "tender_paused"
    services.objection_answer(actor=owner, objection=objection, answer="经核查业绩真实")
    tender.refresh_from_db()
    assert tender.paused_at is None
    Tender.objects.filter(pk=tender.pk).update(publicity_until=now() - dt.timedelta(seconds=1))
    second = Candidate.objects.get(tender=tender, rank=2)
    with pytest.raises(ValidationFailed) as exc:  # a government-funded project: the first wins
        services.award_decide(actor=owner, tender=tender, candidate=second)
    assert (
        exc.value.code == "first_candidate_required"
        and "第五十五条" in exc.value.details["article"]
    )
    award = services.award_decide(actor=owner, tender=tender, candidate=first)
    tender.refresh_from_db()
    assert tender.status == "awarded" and award.value == first.price
    page = client.get(f"/public/tenders/{tender.code}/").content.decode()
    assert 'id="awards-table"' in page and "28,700,000.00" in page
    assert (award.contract_due - to_local(award.decided_at).date()).days == 30
    assert Bid.objects.filter(tender=tender, status="opened").count() == 4
    if available((SCHEMA / "release-schema.json").is_file(), f"OCDS schema not found at {SCHEMA}"):
        r = client.get(f"/api/v1/ocds/records/{tender.ocds_releases.first().ocid}")
        package = r.json()
        assert ocds.validate(package, schema_dir=SCHEMA, kind="record_package") == []
        compiled = package["records"][0]["compiledRelease"]
        assert compiled["tender"]["status"] == "complete"
        assert compiled["awards"][0]["value"]["amount"] == 28700000.0
        tags = [rel["tag"] for rel in package["records"][0]["releases"]]
        assert tags == [
            ["tender"],
            ["tenderAmendment"],
            ["tenderUpdate"],
            ["tenderUpdate"],
            ["award"],
        ]


def test_notices_bonds_and_report(client, market, tmp_path, bearer):
    import subprocess

    from django.core.files.uploadedfile import SimpleUploadedFile

    from jianguan.projects.tests.test_services import PDF

    owner = market["owner"]
    tender = _opened(market, tmp_path, ["28000000.00", "28100000.00", "28200000.00"])
    first = services.evaluation_conclude(actor=owner, tender=tender)[0]
    Tender.objects.filter(pk=tender.pk).update(publicity_until=now() - dt.timedelta(seconds=1))
    award = services.award_decide(actor=owner, tender=tender, candidate=first)
    losers = Bid.objects.filter(tender=tender).exclude(pk=first.bid_id)
    # 京条例 38: 5 working days after the contract (at the latest contract date until signed)
    refund = add_working_days(award.contract_due, 5, provisional=True)
    assert all(b.bond_refund_due == refund for b in losers)
    assert Bid.objects.get(pk=first.bid_id).bond_refund_due is None  # after its contract
    winner, loser = market["bidders"][0], market["bidders"][1]
    r = client.get(f"/api/v1/tendering/awards/{award.pk}/notice.pdf", headers=bearer(winner))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=r.content, capture_output=True).stdout
    assert "中标通知书" in text.decode() and "28,000,000.00" in text.decode()
    assert (
        client.get(
            f"/api/v1/tendering/awards/{award.pk}/notice.pdf", headers=bearer(loser)
        ).status_code
        == 404
    )
    lost = losers.get(bidder_id=loser.organisation_id)
    r = client.get(f"/api/v1/tendering/bids/{lost.pk}/result.pdf", headers=bearer(loser))
    assert (
        r.status_code == 200
        and "中标结果通知书"
        in subprocess.run(
            ["pdftotext", "-", "-"], input=r.content, capture_output=True
        ).stdout.decode()
    )
    refunded = services.bond_refund_record(actor=owner, bid=lost)
    assert refunded.bond_refunded_at is not None
    with pytest.raises(Conflict):
        services.bond_refund_record(actor=owner, bid=lost)
    with pytest.raises(Conflict) as exc:
        services.bond_refund_record(actor=owner, bid=Bid.objects.get(pk=first.bid_id))
    assert exc.value.code == "bond_not_due"
    report = SimpleUploadedFile("书面报告.pdf", PDF, content_type="application/pdf")
    award = services.award_report_file(actor=owner, award=award, document=report)
    assert award.report_filed_at is not None and award.report_document.sm3


def test_overdue_award_clocks_raise_project_warnings(market, tmp_path):
    from jianguan.projects.models import ProjectWarning
    from jianguan.projects.services.warnings import warnings_recompute
    from jianguan.tendering.models import Award

    owner = market["owner"]
    tender = _opened(market, tmp_path, ["28000000.00", "28100000.00", "28200000.00"])
    first = services.evaluation_conclude(actor=owner, tender=tender)[0]
    Tender.objects.filter(pk=tender.pk).update(publicity_until=now() - dt.timedelta(seconds=1))
    award = services.award_decide(actor=owner, tender=tender, candidate=first)
    warnings_recompute()
    active = ProjectWarning.objects.filter(project=tender.project, cleared_at__isnull=True)
    assert not active.filter(rule_code__startswith="award_").exists()
    Award.objects.filter(pk=award.pk).update(
        contract_due=award.contract_due - dt.timedelta(days=40),
        report_due=award.report_due - dt.timedelta(days=40),
    )
    warnings_recompute()
    rules = set(active.filter(rule_code__startswith="award_").values_list("rule_code", flat=True))
    assert rules == {"award_contract_overdue", "award_report_overdue"}
