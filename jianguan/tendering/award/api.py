"""Tendering API beyond the bid itself: prequalification, re-tender, evaluation, publicity
objections, award, bonds, report, and complaints to the supervising department."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.tendering import access, selectors, services
from jianguan.tendering.api import _bid, _tender
from jianguan.tendering.award.sanctioned import sanctioned_candidates
from jianguan.tendering.models import (
    Award,
    Candidate,
    CollusionReport,
    Complaint,
    PrequalApplication,
)
from jianguan.tendering.schemas import Str20, Text

router = Router(tags=["电子招标投标：定标与投诉"])


class CandidateRead(Schema):
    id: int
    lot: int
    rank: int
    bidder: str
    credit_code: str
    price: str
    # 实施条例 55/56: a blacklist or bidding ban in force since the opening (empty if none)
    sanctions: list[str] = []


class AwardIn(Schema):
    candidate_id: int
    reason: Text = ""


class AwardRead(Schema):
    id: int
    lot: int
    supplier: str
    value: str
    contract_due: dt.date
    report_due: dt.date
    report_filed: bool


class ComplaintIn(Schema):
    subject: Str20
    text: Text
    known_on: dt.date


class ComplaintRead(Schema):
    id: int
    tender_code: str
    subject: str
    status: str
    filed_at: dt.datetime
    accept_due: dt.date
    decide_due: dt.date | None
    suspended: bool
    decision: str


class AcceptIn(Schema):
    suspend: bool = False


class DecideIn(Schema):
    upheld: bool
    decision: Text


class RefuseIn(Schema):
    reason: Text


class TextIn(Schema):
    text: Text


def _candidate_out(c: Candidate, warnings: dict | None = None) -> dict:
    return {
        "id": c.pk,
        "lot": c.lot.number,
        "rank": c.rank,
        "bidder": c.bid.bidder.name,
        "credit_code": c.bid.bidder.credit_code,
        "price": str(c.price),
        "sanctions": (warnings or {}).get(c.pk, []),
    }


def _award_out(a: Award) -> dict:
    return {
        "id": a.pk,
        "lot": a.lot.number,
        "supplier": a.supplier.name,
        "value": str(a.value),
        "contract_due": a.contract_due,
        "report_due": a.report_due,
        "report_filed": a.report_filed_at is not None,
    }


def _complaint_out(c: Complaint) -> dict:
    return {
        "id": c.pk,
        "tender_code": c.tender.code,
        "subject": c.subject,
        "status": c.status,
        "filed_at": c.filed_at,
        "accept_due": c.accept_due,
        "decide_due": c.decide_due,
        "suspended": c.suspended,
        "decision": c.decision,
    }


@router.post(
    "/tenders/{tender_id}/evaluation/conclude",
    response={200: list[CandidateRead], **ERR},
    summary="评标结束：按经评审的最低投标价排序并公示中标候选人",
)
def evaluation_conclude(request: HttpRequest, tender_id: str):
    made = services.evaluation_conclude(actor=request.actor, tender=_tender(request, tender_id))
    return [_candidate_out(c) for c in made]


@router.get(
    "/tenders/{tender_id}/candidates",
    response={200: list[CandidateRead], **ERR},
    summary="中标候选人",
)
def candidates(request: HttpRequest, tender_id: str):
    tender = _tender(request, tender_id)
    qs = list(Candidate.objects.filter(tender=tender).select_related("lot", "bid__bidder"))
    warnings: dict[int, list[str]] = {}
    for row in sanctioned_candidates(tender, candidates=qs):
        warnings.setdefault(row.candidate.pk, []).append(row.text)
    return [_candidate_out(c, warnings) for c in qs]


@router.post(
    "/tenders/{tender_id}/publicity/objections",
    response={201: dict, **ERR},
    summary="公示期内对评标结果提出异议",
)
def publicity_objection(request: HttpRequest, tender_id: str, data: TextIn):
    item = services.publicity_objection_file(
        actor=request.actor, tender=_tender(request, tender_id), text=data.text
    )
    return Status(201, {"id": item.pk, "answer_due": item.answer_due.isoformat()})


@router.post("/tenders/{tender_id}/award", response={201: AwardRead, **ERR}, summary="确定中标人")
def award(request: HttpRequest, tender_id: str, data: AwardIn):
    tender = _tender(request, tender_id)
    candidate = Candidate.objects.filter(pk=data.candidate_id, tender=tender).first()
    if candidate is None:
        raise NotFound("中标候选人不存在", code="candidate_not_found")
    made = services.award_decide(
        actor=request.actor, tender=tender, candidate=candidate, reason=data.reason
    )
    return Status(201, _award_out(made))


@router.post("/awards/{award_id}/report", response={200: AwardRead, **ERR}, summary="提交书面报告")
def award_report(request: HttpRequest, award_id: str, document: File[UploadedFile]):
    item = (
        Award.objects.select_related("tender", "lot", "supplier")
        .filter(pk=path_id(award_id, "中标结果"))
        .first()
    )
    if item is None:
        raise NotFound("中标结果不存在", code="award_not_found")
    selectors.tender_get_visible_to(actor=request.actor, pk=item.tender_id)
    return _award_out(
        services.award_report_file(actor=request.actor, award=item, document=document)
    )


@router.post(
    "/bids/{bid_id}/bond-refund", response={200: dict, **ERR}, summary="登记退还投标保证金"
)
def bond_refund(request: HttpRequest, bid_id: str):
    bid = _bid(request, bid_id)
    bid = services.bond_refund_record(actor=request.actor, bid=bid)
    return {"bid_id": bid.pk, "refunded_at": bid.bond_refunded_at.isoformat()}


@router.post(
    "/tenders/{tender_id}/complaints", response={201: ComplaintRead, **ERR}, summary="投诉"
)
def complaint_file(request: HttpRequest, tender_id: str, data: ComplaintIn):
    item = services.complaint_file(
        actor=request.actor,
        tender=_tender(request, tender_id),
        subject=data.subject,
        text=data.text,
        known_on=data.known_on,
    )
    return Status(201, _complaint_out(item))


def _complaint(request: HttpRequest, raw: str) -> Complaint:
    item = Complaint.objects.select_related("tender").filter(pk=path_id(raw, "投诉")).first()
    actor = request.actor
    if item is None or not (
        actor.can("tendering.supervise") or item.complainant_id == actor.organisation_id
    ):
        raise NotFound("投诉不存在", code="complaint_not_found")
    return item


@router.get("/complaints", response={200: list[ComplaintRead], **ERR}, summary="投诉列表")
def complaint_list(request: HttpRequest):
    actor = request.actor
    qs = Complaint.objects.select_related("tender")
    if not actor.can("tendering.supervise"):
        if not actor.is_authenticated:
            raise PermissionDenied("请先登录", code="unauthenticated")
        qs = qs.filter(complainant_id=actor.organisation_id)
    return [_complaint_out(c) for c in qs[:500]]


@router.post(
    "/complaints/{complaint_id}/accept", response={200: ComplaintRead, **ERR}, summary="受理投诉"
)
def complaint_accept(request: HttpRequest, complaint_id: str, data: AcceptIn):
    item = services.complaint_accept(
        actor=request.actor, complaint=_complaint(request, complaint_id), suspend=data.suspend
    )
    return _complaint_out(item)


@router.post(
    "/complaints/{complaint_id}/refuse", response={200: ComplaintRead, **ERR}, summary="不予受理"
)
def complaint_refuse(request: HttpRequest, complaint_id: str, data: RefuseIn):
    item = services.complaint_refuse(
        actor=request.actor, complaint=_complaint(request, complaint_id), reason=data.reason
    )
    return _complaint_out(item)


@router.post(
    "/complaints/{complaint_id}/decide",
    response={200: ComplaintRead, **ERR},
    summary="作出处理决定",
)
def complaint_decide(request: HttpRequest, complaint_id: str, data: DecideIn):
    item = services.complaint_decide(
        actor=request.actor,
        complaint=_complaint(request, complaint_id),
        upheld=data.upheld,
        decision=data.decision,
    )
    return _complaint_out(item)


class PrequalRead(Schema):
    id: int
    applicant: str
    eligible: bool
    qualified: bool | None
    reasons: list[dict]
    review_note: str


class ReviewIn(Schema):
    qualified: bool
    note: Text = ""


def _prequal_out(a) -> dict:
    return {
        "id": a.pk,
        "applicant": a.applicant.name,
        "eligible": a.eligible,
        "qualified": a.qualified,
        "reasons": a.reasons,
        "review_note": a.review_note,
    }


@router.post(
    "/tenders/{tender_id}/prequalification",
    response={201: PrequalRead, **ERR},
    summary="申请资格预审",
)
def prequal_apply(request: HttpRequest, tender_id: str):
    item = services.prequal_apply(actor=request.actor, tender=_tender(request, tender_id))
    return Status(201, _prequal_out(item))


@router.get(
    "/tenders/{tender_id}/prequalification",
    response={200: list[PrequalRead], **ERR},
    summary="资格预审申请（招标人看全部，申请人看本单位）",
)
def prequal_list(request: HttpRequest, tender_id: str):
    tender = _tender(request, tender_id)
    qs = PrequalApplication.objects.filter(tender=tender).select_related("applicant")
    if not access.involved(request.actor, tender):
        qs = qs.filter(applicant_id=request.actor.organisation_id)
    return [_prequal_out(a) for a in qs]


@router.post(
    "/prequalification/{application_id}/review",
    response={200: PrequalRead, **ERR},
    summary="审查资格预审申请",
)
def prequal_review(request: HttpRequest, application_id: str, data: ReviewIn):
    item = (
        PrequalApplication.objects.select_related("tender", "applicant")
        .filter(pk=path_id(application_id, "资格预审申请"))
        .first()
    )
    if item is None:
        raise NotFound("资格预审申请不存在", code="not_found")
    _tender(request, str(item.tender_id))
    item = services.prequal_review(
        actor=request.actor, application=item, qualified=data.qualified, note=data.note
    )
    return _prequal_out(item)


@router.post(
    "/tenders/{tender_id}/prequalification/close",
    response={200: dict, **ERR},
    summary="资格预审结束（转入投标或流标）",
)
def prequal_close(request: HttpRequest, tender_id: str):
    tender = services.prequal_close(actor=request.actor, tender=_tender(request, tender_id))
    return {"status": tender.status, "failed_reason": tender.failed_reason}


@router.post("/tenders/{tender_id}/retender", response={201: dict, **ERR}, summary="流标后重新招标")
def retender(request: HttpRequest, tender_id: str):
    tender = services.tender_retender(actor=request.actor, tender=_tender(request, tender_id))
    return Status(201, {"id": tender.pk, "code": tender.code, "original": tender.original.code})


class CollusionRead(Schema):
    id: int
    tender_code: str
    stage: str
    suspicion: str
    price: dict
    evidence: list[dict]
    thresholds: dict


@router.get(
    "/collusion", response={200: list[CollusionRead], **ERR}, summary="围标串标筛查报告（监管部门）"
)
def collusion_list(request: HttpRequest):
    if not request.actor.can("tendering.supervise"):
        raise PermissionDenied("只有监管部门可以查看筛查报告", code="permission_denied")
    qs = CollusionReport.objects.select_related("tender").order_by("-suspicion", "-pk")[:500]
    return [
        {
            "id": r.pk,
            "tender_code": r.tender.code,
            "stage": r.stage,
            "suspicion": str(r.suspicion),
            "price": r.price,
            "evidence": r.evidence,
            "thresholds": r.thresholds,
        }
        for r in qs
    ]


class LowBidRead(Schema):
    id: int
    receipt: str
    reasons: list[str]
    due: dt.datetime
    explained: bool
    accepted: bool | None
    decision: str


class LowBidDecideIn(Schema):
    accepted: bool
    decision: Text = ""


def _low_out(q) -> dict:
    return {
        "id": q.pk,
        "receipt": q.bid.receipt_number,
        "reasons": q.reasons,
        "due": q.due,
        "explained": q.explained_at is not None,
        "accepted": q.accepted,
        "decision": q.decision,
    }


@router.post(
    "/tenders/{tender_id}/low-bids/check",
    response={200: list[LowBidRead], **ERR},
    summary="异常低价筛查并要求书面说明",
)
def low_bids_check(request: HttpRequest, tender_id: str):
    made = services.low_bids_check(actor=request.actor, tender=_tender(request, tender_id))
    return [_low_out(q) for q in made]


def _low(request: HttpRequest, raw: str):
    from jianguan.tendering.models import LowBidQuery

    q = (
        LowBidQuery.objects.select_related("bid", "tender")
        .filter(pk=path_id(raw, "说明要求"))
        .first()
    )
    if q is None:
        raise NotFound("说明要求不存在", code="not_found")
    return q


@router.post(
    "/low-bids/{query_id}/explain", response={200: LowBidRead, **ERR}, summary="投标人提交书面说明"
)
def low_bid_explain(request: HttpRequest, query_id: str, data: TextIn):
    q = services.low_bid_explain(actor=request.actor, query=_low(request, query_id), text=data.text)
    return _low_out(q)


@router.post(
    "/low-bids/{query_id}/decide", response={200: LowBidRead, **ERR}, summary="评审异常低价说明"
)
def low_bid_decide(request: HttpRequest, query_id: str, data: LowBidDecideIn):
    q = services.low_bid_decide(
        actor=request.actor,
        query=_low(request, query_id),
        accepted=data.accepted,
        decision=data.decision,
    )
    return _low_out(q)


@router.post(
    "/boq/check",
    response={200: dict, **ERR},
    summary="工程量清单自检（GB 50500 列；投标人封装前使用）",
)
def boq_check(request: HttpRequest, file: File[UploadedFile]):
    from jianguan.core.errors import ValidationFailed
    from jianguan.tendering.boq_xlsx import parse

    if file.size and file.size > 20 * 1024 * 1024:
        raise ValidationFailed("清单文件超过 20 MB", code="file_too_large")
    lines, problems = parse(file)
    if problems:
        raise ValidationFailed(
            "；".join(problems[:20]), code="bad_boq", details={"problems": problems[:500]}
        )
    total = (
        sum((line["amount"] for line in lines), start=type(lines[0]["amount"])(0)) if lines else 0
    )
    return {"lines": len(lines), "total": str(total)}
