"""Sealed bids: the bidder's key, resumable chunked uploads, receipts, withdrawal.

The platform only ever stores the sealed package: it cannot read a bid before the bidder
hands over the data key at opening (《电子招标投标办法》). A package becomes a bid atomically
when its last chunk is in, its SM3 matches what the bidder declared, its structure is valid
and it was sealed for this bidder's key for this tender; until then nothing is visible.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import now
from jianguan.ledger.services import record
from jianguan.registry.selectors import eligibility
from jianguan.rules.lookup import rule_value
from jianguan.tendering import sealer, workflow
from jianguan.tendering.models import (
    Bid,
    BidderKey,
    Invitation,
    Lot,
    PrequalApplication,
    Tender,
    Upload,
)
from jianguan.tendering.services.common import local_date, wf

CHUNK_SIZE = 8 * 1024 * 1024
MAX_PACKAGE = 2 * 1024 * 1024 * 1024
ACCOUNT = re.compile(r"[0-9]{8,32}")


def _accepting(tender: Tender, at: dt.datetime, *, respect_pause: bool = False) -> None:
    """Bids are still taken (办法 27); a pause (an objection, a complaint) stops new uploads and
    completions, while a bidder may still register a key, send chunks or withdraw."""
    paused = respect_pause and tender.paused_at is not None
    wf(
        workflow.check_bid_accepted,
        tender.status,
        deadline=tender.bid_deadline,
        now=at,
        paused=paused,
    )


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "tendering" / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _part(upload: Upload) -> Path:
    return upload_dir() / f"{upload.pk}.part"


def _may_bid(actor: Actor, tender: Tender) -> None:
    require(actor, "tendering.bid")
    if actor.organisation_id in (tender.tenderer_id, tender.agency_id):
        raise PermissionDenied("招标人及其代理机构不得投标", code="tenderer_cannot_bid")
    if tender.procedure_class.prequalification:
        qualified = PrequalApplication.objects.filter(
            tender=tender, applicant_id=actor.organisation_id, qualified=True
        ).exists()
        if tender.status != workflow.Status.BIDDING or not qualified:
            raise PermissionDenied(
                "资格预审项目仅通过资格预审的申请人可以投标", code="not_qualified"
            )
    if (
        tender.procedure_class.invited
        and not Invitation.objects.filter(
            tender=tender, organisation_id=actor.organisation_id
        ).exists()
    ):
        raise PermissionDenied("邀请招标仅受邀单位可以投标", code="not_invited")


def _eligible(actor: Actor, tender: Tender) -> None:
    """准入标准 at submission: every failed criterion is told; bans bar at once."""
    if tender.access_standard is None:
        return
    result = eligibility(actor.organisation, tender.access_standard, on=local_date(now()))
    if not result["passed"]:
        failed = [r["message_zh"] for r in result["reasons"] if not r["passed"]]
        raise PermissionDenied(
            "不符合本项目准入标准：" + "；".join(failed),
            code="not_eligible",
            details={"reasons": result["reasons"]},
        )


@transaction.atomic
def bidder_key_register(*, actor: Actor, tender: Tender, public_pem: str) -> BidderKey:
    """The bidder's ECDH P-256 public key for this tender (its private key never comes here)."""
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    _may_bid(actor, tender)
    _accepting(tender, now())
    try:
        fingerprint = sealer.key_fingerprint(public_pem.encode())
    except sealer.SealError as exc:
        raise ValidationFailed(exc.message, code="bad_public_key") from None
    except (ValueError, AttributeError):
        raise ValidationFailed("公钥须为 P-256 SPKI PEM", code="bad_public_key") from None
    if BidderKey.objects.filter(tender=tender, organisation_id=actor.organisation_id).exists():
        raise Conflict("本单位已登记本项目的加密公钥", code="key_registered")
    if BidderKey.objects.filter(fingerprint=fingerprint).exists():
        raise Conflict("该公钥已在其他项目中使用，请为本项目生成新的密钥对", code="key_reused")
    key = BidderKey.objects.create(
        tender=tender,
        organisation_id=actor.organisation_id,
        public_pem=public_pem.strip(),
        fingerprint=fingerprint,
        registered_by=actor.username,
    )
    record(
        actor=actor,
        type="tendering.bidder_key_registered",
        obj=tender,
        payload={"code": tender.code, "bidder": actor.organisation.credit_code, "key": fingerprint},
    )
    return key


@transaction.atomic
def upload_start(
    *,
    actor: Actor,
    tender: Tender,
    lot: Lot,
    size: int,
    sm3: str,
    bond_amount: Any,
    bond_account: str,
) -> Upload:
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    _may_bid(actor, tender)
    _accepting(tender, now(), respect_pause=True)
    _eligible(actor, tender)
    if lot.tender_id != tender.pk:
        raise NotFound("标段不存在", code="lot_not_found")
    if not isinstance(size, int) or not 0 < size <= MAX_PACKAGE:
        raise ValidationFailed("投标文件大小须在 1 字节至 2 GB 之间", code="bad_size")
    sm3 = (sm3 or "").lower()
    if not re.fullmatch(r"[0-9a-f]{64}", sm3):
        raise ValidationFailed("请提供投标文件的 SM3（64位十六进制）", code="bad_sm3")
    if not BidderKey.objects.filter(tender=tender, organisation_id=actor.organisation_id).exists():
        raise Conflict("请先登记本项目的加密公钥", code="key_missing")
    if str(bond_amount or "") == "" or lot.bond_amount != _amount(bond_amount):
        raise ValidationFailed(
            f"投标保证金须为招标文件规定的 {lot.bond_amount} 元", code="bad_bond_amount"
        )
    if not ACCOUNT.fullmatch(str(bond_account or "")):
        raise ValidationFailed(
            "请填写汇出投标保证金的基本账户账号（8至32位数字）", code="bad_bond_account"
        )
    upload = Upload.objects.create(
        tender=tender,
        lot=lot,
        bidder_id=actor.organisation_id,
        size=size,
        sm3=sm3,
        chunk_size=CHUNK_SIZE,
        bond_amount=lot.bond_amount,
        bond_account=bond_account,
        started_by=actor.username,
    )
    with open(_part(upload), "wb") as fh:
        fh.truncate(size)
    return upload


def _amount(value: Any):
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def _own_upload(actor: Actor, upload_id, *, lock: bool = True) -> Upload:
    """The actor's own unfinished upload; ``lock`` inside a transaction, not for a read."""
    qs = Upload.objects.select_for_update() if lock else Upload.objects
    upload = qs.select_related("tender").filter(pk=upload_id).first()
    if upload is None or upload.bidder_id != actor.organisation_id:
        raise NotFound("上传任务不存在", code="upload_not_found")
    if upload.completed_at is not None:
        raise Conflict("该上传已完成", code="upload_completed")
    return upload


def chunk_count(upload: Upload) -> int:
    return -(-upload.size // upload.chunk_size)


def _check_chunk(upload: Upload, number: int, data: bytes, at: dt.datetime) -> None:
    _accepting(upload.tender, at)
    count = chunk_count(upload)
    if not isinstance(number, int) or not 0 <= number < count:
        raise ValidationFailed(f"分片序号须在 0 至 {count - 1} 之间", code="bad_chunk_number")
    expected = min(upload.chunk_size, upload.size - number * upload.chunk_size)
    if len(data) != expected:
        raise ValidationFailed(
            f"第 {number} 片应为 {expected} 字节，收到 {len(data)} 字节", code="bad_chunk_size"
        )
    if number in upload.received:
        raise Conflict(f"第 {number} 片已接收", code="chunk_duplicate")


def upload_chunk(*, actor: Actor, upload_id, number: int, data: bytes) -> Upload:
    """One chunk, written at its offset. A chunk already received is refused (409).

    The bytes go to disk before the short transaction that notes the chunk, so that no
    database lock is held while megabytes are written (SQLite has one writer).
    """
    at = now()
    upload = _own_upload(actor, upload_id, lock=False)
    _check_chunk(upload, number, data, at)
    with open(_part(upload), "r+b") as fh:
        fh.seek(number * upload.chunk_size)
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    with transaction.atomic():
        upload = _own_upload(actor, upload_id)
        if number in upload.received:  # a concurrent copy of the same chunk won the race
            raise Conflict(f"第 {number} 片已接收", code="chunk_duplicate")
        upload.received = sorted({*upload.received, number})
        upload.save(update_fields=["received", "updated_at"])
    return upload


def _sm3_file(path: Path) -> str:
    digest = hashlib.new("sm3")
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _receipt_number(at: dt.datetime) -> str:
    return f"HZ{at:%Y%m%d%H%M%S}{os.urandom(4).hex().upper()}"


def upload_complete(*, actor: Actor, upload_id, ip: str | None = None) -> Bid:
    """The package becomes the bidder's bid for the lot, with a receipt; an earlier bid of
    the same bidder for the same lot is replaced (办法: bidders may replace before the deadline).

    The package is hashed and checked before any lock is taken (a large package must not hold
    up the other bidders near the deadline); the receipt time is when this request arrived.
    """
    at = now()
    upload = _own_upload(actor, upload_id, lock=False)
    missing = sorted(set(range(chunk_count(upload))) - set(upload.received))
    if missing:
        raise Conflict(
            f"尚有 {len(missing)} 个分片未上传（如第 {missing[0]} 片）",
            code="chunks_missing",
            details={"missing": missing[:100]},
        )
    part = _part(upload)
    digest = _sm3_file(part)
    if digest != upload.sm3:
        raise ValidationFailed("投标文件的 SM3 与申报值不一致，请重新上传", code="sm3_mismatch")
    try:
        manifest = sealer.verify_package_structure(part)
    except sealer.SealError as exc:
        raise ValidationFailed(f"投标文件格式不正确：{exc.message}", code=exc.code) from None
    key = BidderKey.objects.filter(
        tender_id=upload.tender_id, organisation_id=upload.bidder_id
    ).first()
    if key is None or manifest.recipient_key_fingerprint != key.fingerprint:
        raise ValidationFailed(
            "投标文件不是用本单位为本项目登记的公钥加密的（可能是其他项目的投标文件）",
            code="wrong_tender_key",
        )
    with transaction.atomic():
        return _accept(actor, upload_id, at, digest, manifest, key, ip)


def _accept(actor, upload_id, at, digest, manifest, key, ip) -> Bid:
    upload = _own_upload(actor, upload_id)
    tender = Tender.objects.select_for_update().get(pk=upload.tender_id)
    part = _part(upload)
    _accepting(tender, at, respect_pause=True)
    previous = list(
        Bid.objects.select_for_update().filter(
            tender=tender, lot=upload.lot, bidder_id=upload.bidder_id, status=Bid.SUBMITTED
        )
    )
    receipt = _receipt_number(at)
    relative = f"tendering/bids/{at:%Y}/{tender.code}-{receipt}.zip"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    bid = Bid.objects.create(
        tender=tender,
        lot=upload.lot,
        bidder_id=upload.bidder_id,
        status=Bid.SUBMITTED,
        receipt_number=receipt,
        received_at=at,
        package=relative,
        package_sm3=digest,
        package_size=upload.size,
        manifest=manifest.to_dict(),
        key_fingerprint=key.fingerprint,
        upload_ip=ip,
        bond_amount=upload.bond_amount,
        bond_account=upload.bond_account,
        submitted_by=actor.username,
    )
    for old in previous:
        old.status = Bid.REPLACED
        old.save(update_fields=["status", "updated_at"])
    upload.completed_at = at
    upload.save(update_fields=["completed_at", "updated_at"])
    record(
        actor=actor,
        type="tendering.bid_received",
        obj=bid,
        payload={
            "tender": tender.code,
            "lot": upload.lot.number,
            "bidder": actor.organisation.credit_code,
            "receipt": receipt,
            "received_at": at,
            "package_sm3": digest,
            "size": upload.size,
            "key": key.fingerprint,
            "replaces": [b.receipt_number for b in previous],
        },
        files=[{"name": "sealed_package", "sm3": digest}],
    )
    # A hard link makes the package visible under its final name before commit; if the
    # transaction rolls back, no row points at it (an orphan file, never a half bid).
    if target.exists():
        target.unlink()
    os.link(part, target)
    transaction.on_commit(lambda: part.unlink(missing_ok=True))
    return bid


@transaction.atomic
def bid_withdraw(*, actor: Actor, bid: Bid) -> Bid:
    bid = Bid.objects.select_for_update().select_related("tender").get(pk=bid.pk)
    if bid.bidder_id != actor.organisation_id:
        raise NotFound("投标文件不存在", code="bid_not_found")
    require(actor, "tendering.bid")
    _accepting(bid.tender, now())
    if bid.status != Bid.SUBMITTED:
        raise Conflict("只有已递交的投标文件可以撤回", code="not_submitted")
    bid.status = Bid.WITHDRAWN
    on = local_date(now())
    # 实施条例 35: the bond comes back within N days of the written withdrawal.
    bid.bond_refund_due = on + dt.timedelta(
        days=int(rule_value("bid_bond.refund_after_withdrawal", on=on))
    )
    bid.save(update_fields=["status", "bond_refund_due", "updated_at"])
    record(
        actor=actor,
        type="tendering.bid_withdrawn",
        obj=bid,
        payload={
            "tender": bid.tender.code,
            "receipt": bid.receipt_number,
            "bond_refund_due": bid.bond_refund_due,
        },
    )
    return bid
