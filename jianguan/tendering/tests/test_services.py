"""The tendering journey through the services: publish, clarify, sealed bids, opening, 流标;
and the bad input each step refuses without changing anything."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now
from jianguan.ledger.models import LedgerEntry
from jianguan.ledger.selectors import entry_document
from jianguan.projects.tests.test_services import create, member, pdf, world  # noqa: F401
from jianguan.tendering import sealer, services
from jianguan.tendering.bids import services as bid_services
from jianguan.tendering.models import Bid, Tender
from jianguan.tendering.services.clock import tenders_advance

MARKER = "明文标记-PLAINTEXT-7Q2"


@pytest.fixture
def market(world):  # noqa: F811
    owner = world["actors"]["owner"]
    project = create(world)
    bidders = []
    for i in range(5):
        org = OrganisationFactory(kind="general_contractor")
        bidders.append(member(org, f"bidder{i}", ["admin", "bidder"]))
    return {"owner": owner, "project": project, "bidders": bidders, **world}


def _tender(m, **over):
    args = dict(
        actor=m["owner"],
        project=m["project"],
        title="大兴区第一小学扩建工程施工",
        procedure="open_post",
        estimate="30000000",
        lots=[{"title": "施工总承包", "price_ceiling": "29800000", "bond_amount": "500000"}],
    )
    args.update(over)
    return services.tender_create(**args)


def _publish(m, tender, days=21):
    start = now() + dt.timedelta(minutes=1)
    return services.tender_publish(
        actor=m["owner"],
        tender=tender,
        documents_from=start,
        sale_end=start + dt.timedelta(days=5),
        bid_deadline=start + dt.timedelta(days=days),
        documents=pdf("招标文件.pdf"),
    )


def _seal(tmp_path, public_pem, price, name="tech.pdf"):
    src = tmp_path / price / name  # the name is in the plaintext manifest: keep prices out
    src.parent.mkdir(exist_ok=True)
    src.write_bytes(b"%PDF-1.4 " + MARKER.encode() + b" " + price.encode() + b" " * 3000)
    out = tmp_path / f"{price}.zip"
    # each bidder seals on its own machine (the screens compare these fingerprints)
    machine = hashlib.sha256(public_pem).hexdigest()
    sealer.seal(
        files=[src],
        summary={"price": price, "duration_days": 540, "quality": "合格"},
        recipient_public_pem=public_pem,
        out=out,
        fingerprint={
            "kind": "python",
            "hostname_sm3": machine,
            "mac_sm3": machine[::-1],
            "mac_random": False,
            "user_sm3": machine[:32] * 2,
            "platform": "Windows-10",
            "sealer_version": "1",
        },
    )
    return out


def _submit(actor, tender, package: Path, *, sm3=None, bond="500000.00"):
    data = package.read_bytes()
    upload = services.upload_start(
        actor=actor,
        tender=tender,
        lot=tender.lots.get(),
        size=len(data),
        sm3=sm3 or sealer.package_sm3(package),
        bond_amount=bond,
        bond_account=f"02000045092{actor.organisation_id:08d}",
    )
    size = upload.chunk_size
    for n in range(0, -(-len(data) // size)):
        services.upload_chunk(
            actor=actor, upload_id=upload.pk, number=n, data=data[n * size : (n + 1) * size]
        )
    ip = f"10.1.{actor.organisation_id % 250}.{actor.user_id % 250}"
    return services.upload_complete(actor=actor, upload_id=upload.pk, ip=ip)


def _keys(actor, tender):
    private, public = sealer.generate_keypair()
    services.bidder_key_register(actor=actor, tender=tender, public_pem=public.decode())
    return private, public


def _all_text() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out, exclude=["contenttypes", "auth.permission", "sessions"])
    return out.getvalue()


def _files_contain(needle: bytes) -> list[str]:
    return [
        str(p)
        for p in Path(settings.MEDIA_ROOT).rglob("*")
        if p.is_file() and needle in p.read_bytes()
    ]


def test_journey_sealed_bids_opening_and_one_failed_unseal(market, tmp_path, monkeypatch):
    monkeypatch.setattr(bid_services, "CHUNK_SIZE", 1024)  # several chunks per package
    tender = _publish(market, _tender(market))
    assert tender.status == "published" and tender.next_check_at == tender.sale_end
    # a clarification less than 15 days before the deadline pushes the deadline
    Tender.objects.filter(pk=tender.pk).update(bid_deadline=now() + dt.timedelta(days=10))
    item = services.clarification_issue(
        actor=market["owner"], tender=tender, text="工期调整为540日历天"
    )
    assert item.new_deadline - item.issued_at >= dt.timedelta(days=15)
    tender.refresh_from_db()
    assert tender.bid_deadline == item.new_deadline
    keys = {}
    for i, actor in enumerate(market["bidders"]):
        private, public = _keys(actor, tender)
        bid = _submit(actor, tender, _seal(tmp_path, public, f"2950000{i}.00"))
        keys[actor.organisation_id] = (private, bid)
        assert bid.status == "submitted" and bid.receipt_number.startswith("HZ")
        assert bid.package_sm3 == sealer.package_sm3(Path(bid.package.path))
    # nothing readable before opening: neither the database nor the file store
    text = _all_text()
    for needle in (MARKER, "29500000"):
        at = text.find(needle)
        assert at < 0, text[max(0, at - 300) : at + 100]
    assert _files_contain(MARKER.encode()) == []
    # the deadline passes: the clock opens the tender
    Tender.objects.filter(pk=tender.pk).update(
        bid_deadline=now() - dt.timedelta(seconds=1), next_check_at=now() - dt.timedelta(seconds=1)
    )
    assert tenders_advance() == 1
    tender.refresh_from_db()
    assert tender.status == "opening" and tender.unseal_until > now()
    late = market["bidders"][0]
    with pytest.raises(ValidationFailed) as exc:
        services.upload_start(
            actor=late,
            tender=tender,
            lot=tender.lots.get(),
            size=10,
            sm3="0" * 64,
            bond_amount="500000",
            bond_account="0200004509200123456",
        )
    assert exc.value.code == "after_deadline" and "第二十七条" in exc.value.details["article"]
    from jianguan.tendering.opening.services import bid_unseal, opening_close

    actors = market["bidders"]
    for actor in actors[:4]:
        private, bid = keys[actor.organisation_id]
        key = sealer.unwrap_data_key(package=bid.package.path, private_pem=private)
        opened = bid_unseal(actor=actor, bid=bid, data_key_hex=key.hex())
        assert opened.status == "opened" and opened.price == Decimal(opened.summary["price"])
    # the fifth hands over a key that is not its package's: its own fault → revoked (办法 31)
    wrong = sealer.unwrap_data_key(
        package=keys[actors[0].organisation_id][1].package.path,
        private_pem=keys[actors[0].organisation_id][0],
    )
    failed = bid_unseal(
        actor=actors[4], bid=keys[actors[4].organisation_id][1], data_key_hex=wrong.hex()
    )
    assert failed.status == "revoked" and "投标人原因" in failed.failure_reason
    tender = opening_close(tender=tender)
    assert tender.status == "evaluation"
    entry = LedgerEntry.objects.filter(type="tendering.opening_recorded").get()
    rows = entry_document(entry)["payload"]["bids"]
    assert len(rows) == 5 and {r["status"] for r in rows} == {"opened", "revoked"}


def test_too_few_bids_fail_the_tender(market, tmp_path):
    tender = _publish(market, _tender(market))
    for actor in market["bidders"][:2]:
        _, public = _keys(actor, tender)
        _submit(actor, tender, _seal(tmp_path, public, f"2800000{actor.organisation_id}.00"))
    Tender.objects.filter(pk=tender.pk).update(
        bid_deadline=now() - dt.timedelta(seconds=1), next_check_at=now() - dt.timedelta(seconds=1)
    )
    tenders_advance()
    tender.refresh_from_db()
    assert tender.status == "failed" and "少于3个" in tender.failed_reason


def test_bad_input_is_refused_and_changes_nothing(market, tmp_path, monkeypatch):
    monkeypatch.setattr(bid_services, "CHUNK_SIZE", 1024)
    owner, (a, b, *_) = market["owner"], market["bidders"]
    with pytest.raises(ValidationFailed) as exc:
        _tender(market, lots=[{"title": "x", "price_ceiling": "100", "bond_amount": "700000"}])
    assert exc.value.code == "bond_too_high" and "2%" in exc.value.message
    tender = _tender(market)
    with pytest.raises(ValidationFailed) as exc:
        _publish(market, tender, days=10)
    assert exc.value.code == "deadline_too_short" and "第二十四条" in exc.value.message
    assert Tender.objects.get(pk=tender.pk).status == "draft"
    tender = _publish(market, tender)
    other = _publish(market, _tender(market, title="另一个项目"))
    with pytest.raises(PermissionDenied):
        services.bidder_key_register(actor=owner, tender=tender, public_pem="x")
    _, pub_a = _keys(a, tender)
    _, pub_other = _keys(a, other)
    before = Bid.objects.count(), LedgerEntry.objects.count()
    for package, sm3, code in (
        (
            _seal(tmp_path, pub_other, "100.00"),
            None,
            "wrong_tender_key",
        ),  # sealed for another tender
        (_seal(tmp_path, pub_a, "200.00"), "0" * 64, "sm3_mismatch"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            _submit(a, tender, package, sm3=sm3)
        assert exc.value.code == code
    with pytest.raises(ValidationFailed) as exc:
        _submit(a, tender, _seal(tmp_path, pub_a, "300.00"), bond="900000")
    assert exc.value.code == "bad_bond_amount"
    assert (Bid.objects.count(), LedgerEntry.objects.count()) == before
    # a duplicate chunk is refused; a truncated package cannot complete
    package = _seal(tmp_path, pub_a, "400.00")
    data = package.read_bytes()
    upload = services.upload_start(
        actor=a,
        tender=tender,
        lot=tender.lots.get(),
        size=len(data),
        sm3=sealer.package_sm3(package),
        bond_amount="500000",
        bond_account="0200004509200123456",
    )
    services.upload_chunk(actor=a, upload_id=upload.pk, number=0, data=data[: upload.chunk_size])
    with pytest.raises(Conflict) as exc:
        services.upload_chunk(
            actor=a, upload_id=upload.pk, number=0, data=data[: upload.chunk_size]
        )
    assert exc.value.code == "chunk_duplicate"
    with pytest.raises((Conflict, ValidationFailed)):
        services.upload_complete(actor=a, upload_id=upload.pk)
    with pytest.raises(Exception) as exc:
        services.upload_chunk(actor=b, upload_id=upload.pk, number=0, data=b"x")
    assert getattr(exc.value, "code", "") == "upload_not_found"  # not another bidder's upload
    assert Bid.objects.count() == before[0]


def test_eligibility_at_submission_and_withdrawal(market, tmp_path):
    from jianguan.compliance import services as compliance
    from jianguan.registry import services as registry

    standard = registry.access_standard_define(
        actor=market["actors"]["regulator"],
        name="无不良记录且有安全生产许可证",
        criteria={"no_sanctions": True, "safety_licence": True},
    )
    tender = _publish(market, _tender(market, access_standard=standard))
    a, b = market["bidders"][:2]
    compliance.blacklist_issue(
        actor=market["actors"]["regulator"],
        organisation=a.organisation,
        trigger="illegal_subletting",
        reason="转包",
        evidence=["京兴建罚〔2026〕1号"],
    )
    _, public = _keys(a, tender)
    with pytest.raises(PermissionDenied) as exc:
        _submit(a, tender, _seal(tmp_path, public, "100.00"))
    assert exc.value.code == "not_eligible"
    assert "黑名单" in exc.value.message and "安全生产许可证" in exc.value.message  # every reason
    assert len(exc.value.details["reasons"]) == 2
    standard_free = _publish(market, _tender(market, title="无准入标准"))
    _, public = _keys(b, standard_free)
    bid = _submit(b, standard_free, _seal(tmp_path, public, "200.00"))
    services.bid_withdraw(actor=b, bid=bid)
    bid.refresh_from_db()
    assert bid.status == "withdrawn"
    with pytest.raises(Conflict):
        services.bid_withdraw(actor=b, bid=bid)
