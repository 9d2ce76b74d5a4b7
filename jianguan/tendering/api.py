"""Tendering API under /api/v1/tendering: tenders, clarifications, objections, sealed bids.

The sealed-bid upload is a small resumable protocol that bidders' tools can script:

1. ``POST /tenders/{id}/keys`` ``{public_pem}`` once per tender (ECDH P-256 SPKI PEM);
2. ``POST /tenders/{id}/lots/{number}/uploads`` ``{size, sm3, bond_amount, bond_account}``
   → ``{upload_id, chunk_size, chunks, received, missing}``;
3. ``PUT /uploads/{upload_id}/chunks/{n}`` with the raw bytes of chunk *n*
   (``application/octet-stream``, exactly ``chunk_size`` bytes except the last); a chunk
   already received answers 409 ``chunk_duplicate``; ``GET /uploads/{upload_id}`` tells
   which are missing after a dropped connection;
4. ``POST /uploads/{upload_id}/complete`` → the receipt (回执): number, server time, SM3.
"""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import quote

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from jianguan.accounts.models import Organisation
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.errors import NotFound, ValidationFailed
from jianguan.core.timeutil import client_instant
from jianguan.projects.models import Project
from jianguan.registry.models import AccessStandard
from jianguan.tendering import access, selectors, services, workflow
from jianguan.tendering.award import pdf
from jianguan.tendering.bids import services as bid_services
from jianguan.tendering.models import Award, Bid, Objection, Tender, Upload
from jianguan.tendering.opening.services import bid_unseal
from jianguan.tendering.schemas import (
    AnswerIn,
    BidRead,
    ClarificationRead,
    KeyIn,
    KeyRead,
    ObjectionIn,
    ObjectionRead,
    ReasonIn,
    ReceiptRead,
    TenderIn,
    TenderRead,
    UnsealIn,
    UploadIn,
    UploadRead,
)

router = Router(tags=["电子招标投标"])


def _tender(request: HttpRequest, raw: str) -> Tender:
    return selectors.tender_get_visible_to(actor=request.actor, pk=path_id(raw, "招标项目"))


def _tender_out(t: Tender) -> dict:
    return {
        "id": t.pk,
        "code": t.code,
        "title": t.title,
        "status": t.status,
        "status_label": workflow.LABELS[workflow.Status(t.status)],
        "procedure": t.procedure,
        "project_code": t.project.code,
        "estimate": t.estimate,
        "documents_from": t.documents_from,
        "sale_end": t.sale_end,
        "bid_deadline": t.bid_deadline,
        "unseal_until": t.unseal_until,
        "paused": t.paused_at is not None,
        "failed_reason": t.failed_reason,
        "lots": [
            {
                "id": lot.pk,
                "number": lot.number,
                "title": lot.title,
                "price_ceiling": lot.price_ceiling,
                "bond_amount": lot.bond_amount,
            }
            for lot in t.lots.all()
        ],
    }


def _get(model, pk: int | None, what: str):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"{what}不存在", code="not_found")
    return obj


@router.post("/tenders", response={201: TenderRead, **ERR}, summary="创建招标项目（草稿）")
def tender_create(request: HttpRequest, data: TenderIn):
    tender = services.tender_create(
        actor=request.actor,
        project=_get(Project, data.project_id, "项目"),
        title=data.title,
        procedure=data.procedure,
        estimate=data.estimate,
        lots=[lot.dict() for lot in data.lots],
        description=data.description,
        agency=_get(Organisation, data.agency_id, "招标代理机构"),
        access_standard=_get(AccessStandard, data.access_standard_id, "准入标准"),
        invitees=[_get(Organisation, pk, "受邀单位") for pk in data.invitee_ids],
    )
    return Status(201, _tender_out(tender))


@router.get("/tenders", response={200: list[TenderRead], **ERR}, summary="招标项目列表")
def tender_list(request: HttpRequest):
    return [_tender_out(t) for t in selectors.tenders_visible_to(actor=request.actor)[:200]]


@router.get("/tenders/{tender_id}", response={200: TenderRead, **ERR}, summary="招标项目")
def tender_get(request: HttpRequest, tender_id: str):
    return _tender_out(_tender(request, tender_id))


@router.post(
    "/tenders/{tender_id}/publish", response={200: TenderRead, **ERR}, summary="发布招标公告"
)
def tender_publish(
    request: HttpRequest,
    tender_id: str,
    documents_from: Form[dt.datetime],
    sale_end: Form[dt.datetime],
    bid_deadline: Form[dt.datetime],
    documents: File[UploadedFile],
    prequal_deadline: Form[dt.datetime | None] = None,
):
    tender = _tender(request, tender_id)
    # Who may publish before what was sent: a non-manager gets its 403, not a 400 on a date.
    access.require_manage(request.actor, tender=tender)
    tender = services.tender_publish(
        actor=request.actor,
        tender=tender,
        documents_from=client_instant(documents_from, "招标文件发出时间"),
        sale_end=client_instant(sale_end, "发售截止时间"),
        bid_deadline=client_instant(bid_deadline, "投标截止时间"),
        prequal_deadline=(
            client_instant(prequal_deadline, "资格预审申请截止时间") if prequal_deadline else None
        ),
        documents=documents,
    )
    return _tender_out(tender)


@router.post(
    "/tenders/{tender_id}/clarifications",
    response={201: ClarificationRead, **ERR},
    summary="发出澄清或修改（距投标截止不足15日时顺延截止时间）",
)
def clarification_issue(
    request: HttpRequest,
    tender_id: str,
    text: Form[str],
    affects_bids: Form[bool] = True,
    document: File[UploadedFile] | None = None,
):
    tender = _tender(request, tender_id)
    access.require_manage(request.actor, tender=tender)
    item = services.clarification_issue(
        actor=request.actor,
        tender=tender,
        text=text,
        document=document,
        affects_bids=affects_bids,
    )
    return Status(201, item)


@router.post(
    "/tenders/{tender_id}/objections", response={201: ObjectionRead, **ERR}, summary="提出异议"
)
def objection_file(request: HttpRequest, tender_id: str, data: ObjectionIn):
    item = services.objection_file(
        actor=request.actor, tender=_tender(request, tender_id), text=data.text
    )
    return Status(201, item)


@router.post(
    "/objections/{objection_id}/answer", response={200: ObjectionRead, **ERR}, summary="答复异议"
)
def objection_answer(request: HttpRequest, objection_id: str, data: AnswerIn):
    item = Objection.objects.filter(pk=path_id(objection_id, "异议")).first()
    if item is None:
        raise NotFound("异议不存在", code="not_found")
    selectors.tender_get_visible_to(actor=request.actor, pk=item.tender_id)
    return services.objection_answer(actor=request.actor, objection=item, answer=data.answer)


@router.post("/tenders/{tender_id}/cancel", response={200: TenderRead, **ERR}, summary="终止招标")
def tender_cancel(request: HttpRequest, tender_id: str, data: ReasonIn):
    tender = services.tender_cancel(
        actor=request.actor, tender=_tender(request, tender_id), reason=data.reason
    )
    return _tender_out(tender)


@router.post(
    "/tenders/{tender_id}/keys", response={201: KeyRead, **ERR}, summary="登记本项目加密公钥"
)
def key_register(request: HttpRequest, tender_id: str, data: KeyIn):
    key = services.bidder_key_register(
        actor=request.actor, tender=_tender(request, tender_id), public_pem=data.public_pem
    )
    return Status(201, {"fingerprint": key.fingerprint, "registered_at": key.created_at})


def _upload_out(upload: Upload) -> dict:
    chunks = bid_services.chunk_count(upload)
    received = sorted(upload.received)
    return {
        "upload_id": str(upload.pk),
        "size": upload.size,
        "chunk_size": upload.chunk_size,
        "chunks": chunks,
        "received": received,
        "missing": sorted(set(range(chunks)) - set(received)),
    }


def _upload_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise NotFound("上传任务不存在", code="upload_not_found") from None


@router.post(
    "/tenders/{tender_id}/lots/{lot_number}/uploads",
    response={201: UploadRead, **ERR},
    summary="开始上传密封投标文件",
)
def upload_start(request: HttpRequest, tender_id: str, lot_number: str, data: UploadIn):
    tender = _tender(request, tender_id)
    lot = tender.lots.filter(number=path_id(lot_number, "标段")).first()
    if lot is None:
        raise NotFound("标段不存在", code="lot_not_found")
    upload = services.upload_start(
        actor=request.actor,
        tender=tender,
        lot=lot,
        size=data.size,
        sm3=data.sm3,
        bond_amount=data.bond_amount,
        bond_account=data.bond_account,
    )
    return Status(201, _upload_out(upload))


@router.get("/uploads/{upload_id}", response={200: UploadRead, **ERR}, summary="上传进度（续传）")
def upload_get(request: HttpRequest, upload_id: str):
    return _upload_out(selectors.upload_get(actor=request.actor, pk=_upload_id(upload_id)))


@router.put(
    "/uploads/{upload_id}/chunks/{number}",
    response={200: UploadRead, **ERR},
    summary="上传一个分片（请求体为原始字节）",
)
def upload_chunk(request: HttpRequest, upload_id: str, number: str):
    upload = selectors.upload_get(actor=request.actor, pk=_upload_id(upload_id))
    if not number.isdigit() or len(number) > 6:
        raise ValidationFailed("分片序号须为非负整数", code="bad_chunk_number")
    # Read the stream directly: request.body would refuse bodies above Django's form limit.
    data = request.read(upload.chunk_size + 1)
    upload = services.upload_chunk(
        actor=request.actor, upload_id=upload.pk, number=int(number), data=data
    )
    return _upload_out(upload)


def _receipt(bid: Bid) -> dict:
    return {
        "bid_id": bid.pk,
        "tender_code": bid.tender.code,
        "lot": bid.lot.number,
        "receipt_number": bid.receipt_number,
        "received_at": bid.received_at,
        "package_sm3": bid.package_sm3,
        "package_size": bid.package_size,
        "status": bid.status,
    }


@router.post(
    "/uploads/{upload_id}/complete",
    response={201: ReceiptRead, **ERR},
    summary="完成上传，取得回执",
)
def upload_complete(request: HttpRequest, upload_id: str):
    bid = services.upload_complete(
        actor=request.actor,
        upload_id=_upload_id(upload_id),
        ip=request.META.get("REMOTE_ADDR"),
    )
    return Status(201, _receipt(bid))


@router.get(
    "/tenders/{tender_id}/bids/mine",
    response={200: list[ReceiptRead], **ERR},
    summary="本单位的投标",
)
def own_bids(request: HttpRequest, tender_id: str):
    tender = _tender(request, tender_id)
    return [_receipt(b) for b in selectors.own_bids(actor=request.actor, tender=tender)]


def _bid(request: HttpRequest, raw: str) -> Bid:
    return selectors.bid_get_visible_to(actor=request.actor, pk=path_id(raw, "投标文件"))


@router.get(
    "/bids/{bid_id}", response={200: BidRead, **ERR}, summary="投标文件（开标前仅投标人本人）"
)
def bid_get(request: HttpRequest, bid_id: str):
    bid = _bid(request, bid_id)
    return {
        **_receipt(bid),
        "price": bid.price,
        "duration_days": bid.duration_days,
        "failure_reason": bid.failure_reason,
    }


@router.get(
    "/bids/{bid_id}/package",
    response={200: None, **ERR},
    summary="下载本单位的密封包（开标时在本机解出数据密钥用）",
)
def bid_package(request: HttpRequest, bid_id: str):
    bid = _bid(request, bid_id)
    if bid.bidder_id != request.actor.organisation_id:
        raise NotFound("投标文件不存在", code="bid_not_found")
    response = FileResponse(
        bid.package.open("rb"),
        as_attachment=True,
        filename=f"{bid.tender.code}-{bid.receipt_number}.zip",
    )
    response["X-Content-SM3"] = bid.package_sm3
    return response


@router.post("/bids/{bid_id}/withdraw", response={200: ReceiptRead, **ERR}, summary="撤回投标")
def bid_withdraw(request: HttpRequest, bid_id: str):
    return _receipt(services.bid_withdraw(actor=request.actor, bid=_bid(request, bid_id)))


@router.post(
    "/bids/{bid_id}/unseal", response={200: BidRead, **ERR}, summary="开标解密：提交数据密钥"
)
def bid_unseal_api(request: HttpRequest, bid_id: str, data: UnsealIn):
    bid = bid_unseal(actor=request.actor, bid=_bid(request, bid_id), data_key_hex=data.data_key)
    return {
        **_receipt(bid),
        "price": bid.price,
        "duration_days": bid.duration_days,
        "failure_reason": bid.failure_reason,
    }


@router.get("/awards/{award_id}/notice.pdf", response={200: None, **ERR}, summary="中标通知书")
def award_notice(request: HttpRequest, award_id: str):
    award = (
        Award.objects.select_related("tender", "lot", "supplier", "bid")
        .filter(pk=path_id(award_id, "中标结果"))
        .first()
    )
    actor = request.actor
    allowed = award is not None and (
        actor.organisation_id == award.supplier_id
        or access.involved(actor, award.tender)
        or actor.can("tendering.supervise")
    )
    if not allowed:
        raise NotFound("中标结果不存在", code="award_not_found")
    content = pdf.award_notice_document(actor=request.actor, award=award)
    return _pdf(content, f"{award.tender.code}-中标通知书.pdf")


@router.get(
    "/bids/{bid_id}/result.pdf", response={200: None, **ERR}, summary="中标结果通知书（投标人）"
)
def bid_result(request: HttpRequest, bid_id: str):
    bid = _bid(request, bid_id)
    award = Award.objects.filter(lot=bid.lot).select_related("tender", "lot", "supplier").first()
    if award is None or bid.bidder_id != request.actor.organisation_id:
        raise NotFound("尚未确定中标人", code="award_not_found")
    content = pdf.result_notice_document(actor=request.actor, award=award, bid=bid)
    return _pdf(content, f"{bid.tender.code}-中标结果通知书.pdf")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


router.add_router("", "jianguan.tendering.entrustment.api.router")
