"""Expert pool and committee API under /api/v1/experts. Who sees a committee and its sheets is
declared once in experts/selectors.py (the pages ask the same): the officer, the supervising
regulator staff and the members; names only to the officer until they are revealed at the
award; anyone else gets 404."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR, text
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.core.permissions import require
from jianguan.experts import selectors, services, specialties
from jianguan.experts.models import Committee, Expert, Member
from jianguan.tendering.models import Tender

router = Router(tags=["评标专家库"])
Str50, Str200, Str500 = text(50), text(200), text(500)


class ExpertIn(Schema):
    name: Str50
    title: Str50
    experience_years: int = Field(..., ge=0, le=80)
    specialties: Annotated[list[Str50], Field(min_length=1, max_length=10)]
    employer_name: Str200 = ""
    phone: Str50 = ""
    regulator_staff: bool = False


class ExpertRead(Schema):
    id: int
    name: str
    title: str
    experience_years: int
    specialties: list[str]
    employer_name: str
    available: bool


class ExpertQuery(Schema):
    specialty: Str50 = ""
    q: Str50 = ""


class EmploymentIn(Schema):
    organisation_code: Str50
    organisation_name: Str200 = ""
    start: dt.date
    end: dt.date | None = None


class DeclarationIn(Schema):
    organisation_code: Str50
    organisation_name: Str200 = ""
    relation: Str200


class PunishmentIn(Schema):
    reason: Str500
    tendering_offence: bool = True
    until: dt.date | None = None


class DrawIn(Schema):
    tender_id: int = Field(..., ge=1, le=2**62)
    needs: Annotated[list[tuple[Str50, int]], Field(min_length=1, max_length=13)]
    tenderer_reps: int = Field(0, ge=0, le=10)


class MemberRead(Schema):
    id: int
    order: int
    specialty: str
    status: str
    name: str | None


class CommitteeRead(Schema):
    id: int
    tender_code: str
    officer: str
    commitment: str
    pool_digest: str
    committed_at: dt.datetime
    revealed: bool
    seed: str | None
    members: list[MemberRead]


class CheckInIn(Schema):
    present: bool
    note: Str500 = ""


def _expert_out(e: Expert) -> dict:
    return {
        "id": e.pk,
        "name": e.name,
        "title": e.title,
        "experience_years": e.experience_years,
        "specialties": e.specialties,
        "employer_name": e.employer_name,
        "available": e.available,
    }


def _manager(request: HttpRequest) -> None:
    if not request.actor.can("experts.manage") and not request.actor.can("experts.draw"):
        raise PermissionDenied("无权查看评标专家库", code="permission_denied")


def _expert(raw: str) -> Expert:
    expert = Expert.objects.filter(pk=path_id(raw, "专家")).first()
    if expert is None:
        raise NotFound("专家不存在", code="expert_not_found")
    return expert


@router.get("", response={200: list[ExpertRead], **ERR}, summary="评标专家库")
def expert_list(request: HttpRequest, q: Query[ExpertQuery]):
    _manager(request)
    qs = Expert.objects.all()
    if q.specialty:
        qs = [e for e in qs if q.specialty.upper() in e.specialties]
    if q.q:
        qs = [e for e in qs if q.q in e.name or q.q in e.employer_name]
    return [_expert_out(e) for e in list(qs)[:500]]


@router.post("", response={201: ExpertRead, **ERR}, summary="登记评标专家")
def expert_create(request: HttpRequest, data: ExpertIn):
    expert = services.expert_register(
        actor=request.actor,
        name=data.name,
        title=data.title,
        experience_years=data.experience_years,
        specialties_codes=data.specialties,
        employer_name=data.employer_name,
        phone=data.phone,
        regulator_staff=data.regulator_staff,
    )
    return Status(201, _expert_out(expert))


@router.get("/specialties", response={200: dict[str, str]}, auth=None, summary="评标专业分类")
def specialty_list(request: HttpRequest):
    return specialties.SPECIALTIES


@router.post("/{expert_id}/employments", response={201: dict, **ERR}, summary="登记工作经历")
def employment(request: HttpRequest, expert_id: str, data: EmploymentIn):
    item = services.employment_add(actor=request.actor, expert=_expert(expert_id), **data.dict())
    return Status(201, {"id": item.pk})


@router.post("/{expert_id}/declarations", response={201: dict, **ERR}, summary="申报亲属或利害关系")
def declaration(request: HttpRequest, expert_id: str, data: DeclarationIn):
    item = services.declaration_add(actor=request.actor, expert=_expert(expert_id), **data.dict())
    return Status(201, {"id": item.pk})


@router.post("/{expert_id}/punishments", response={201: dict, **ERR}, summary="处理评标专家")
def punishment(request: HttpRequest, expert_id: str, data: PunishmentIn):
    item = services.punishment_record(actor=request.actor, expert=_expert(expert_id), **data.dict())
    return Status(201, {"id": item.pk})


def _committee_out(request: HttpRequest, c: Committee) -> dict:
    shown = selectors.committee_access(request.actor, c).sees_names
    return {
        "id": c.pk,
        "tender_code": c.tender.code,
        "officer": c.officer,
        "commitment": c.commitment,
        "pool_digest": c.pool_digest,
        "committed_at": c.committed_at,
        "revealed": c.revealed_at is not None,
        "seed": c.seed_hex if c.revealed_at is not None else None,
        "members": [
            {
                "id": m.pk,
                "order": m.order,
                "specialty": m.specialty,
                "status": m.status,
                "name": m.expert.name if shown else None,
            }
            for m in c.members.select_related("expert")
        ],
    }


@router.post("/committees", response={201: CommitteeRead, **ERR}, summary="抽取评标专家")
def committee_draw(request: HttpRequest, data: DrawIn):
    # The grant first: whether a tender exists is not for everyone to learn.
    require(request.actor, "experts.draw")
    tender = Tender.objects.filter(pk=data.tender_id).first()
    if tender is None:
        raise NotFound("招标项目不存在", code="tender_not_found")
    committee = services.committee_draw(
        actor=request.actor, tender=tender, needs=data.needs, tenderer_reps=data.tenderer_reps
    )
    return Status(201, _committee_out(request, committee))


def _committee(request: HttpRequest, raw: str) -> Committee:
    """404 unless the actor may see the committee (experts/selectors.py, as the page)."""
    pk = path_id(raw, "评标委员会")
    return selectors.committee_get_visible_to(actor=request.actor, pk=pk)[0]


@router.get(
    "/committees/{committee_id}", response={200: CommitteeRead, **ERR}, summary="评标委员会"
)
def committee_get(request: HttpRequest, committee_id: str):
    return _committee_out(request, _committee(request, committee_id))


@router.post(
    "/committees/{committee_id}/reveal",
    response={200: CommitteeRead, **ERR},
    summary="定标后公开名单及种子",
)
def committee_reveal(request: HttpRequest, committee_id: str):
    c = services.committee_reveal(actor=request.actor, committee=_committee(request, committee_id))
    return _committee_out(request, c)


@router.post(
    "/members/{member_id}/check-in", response={200: MemberRead, **ERR}, summary="专家签到或回避"
)
def member_check_in(request: HttpRequest, member_id: str, data: CheckInIn):
    member = Member.objects.select_related("expert").filter(pk=path_id(member_id, "专家")).first()
    if member is None:
        raise NotFound("专家不存在", code="member_not_found")
    m = services.member_check_in(
        actor=request.actor, member=member, present=data.present, note=data.note
    )
    return {
        "id": m.pk,
        "order": m.order,
        "specialty": m.specialty,
        "status": m.status,
        "name": m.expert.name,
    }


class SheetIn(Schema):
    bid_id: int = Field(..., ge=1, le=2**62)
    scores: dict[Str50, tuple[str, Str500]]


class SheetRead(Schema):
    id: int
    expert_order: int
    bid_id: int
    scores: dict
    submitted: bool


def _member(request: HttpRequest, raw: str) -> Member:
    """A seat of a committee the actor works in (else 404, as for a seat that does not exist);
    the services then allow only the seat's own expert."""
    m = (
        Member.objects.select_related("committee__tender", "expert")
        .filter(pk=path_id(raw, "专家"))
        .first()
    )
    if m is None or not selectors.committee_access(request.actor, m.committee).visible:
        raise NotFound("专家不存在", code="member_not_found")
    return m


def _sheet_out(s) -> dict:
    return {
        "id": s.pk,
        "expert_order": s.member.order,
        "bid_id": s.bid_id,
        "scores": s.scores,
        "submitted": s.submitted_at is not None,
    }


@router.put(
    "/members/{member_id}/sheet", response={200: SheetRead, **ERR}, summary="填写本人评分表"
)
def sheet_save(request: HttpRequest, member_id: str, data: SheetIn):
    from jianguan.tendering.models import Bid

    bid = Bid.objects.filter(pk=data.bid_id).first()
    if bid is None:
        raise NotFound("投标文件不存在", code="bid_not_found")
    sheet = services.sheet_save(
        actor=request.actor, member=_member(request, member_id), bid=bid, scores=dict(data.scores)
    )
    return _sheet_out(sheet)


@router.post(
    "/members/{member_id}/submit", response={200: MemberRead, **ERR}, summary="提交本人全部评分表"
)
def sheets_submit(request: HttpRequest, member_id: str):
    m = services.sheets_submit(actor=request.actor, member=_member(request, member_id))
    return {
        "id": m.pk,
        "order": m.order,
        "specialty": m.specialty,
        "status": m.status,
        "name": m.expert.name,
    }


@router.get(
    "/committees/{committee_id}/sheets",
    response={200: list[SheetRead], **ERR},
    summary="评分表（全部提交前仅见本人的）",
)
def sheets(request: HttpRequest, committee_id: str):
    c = _committee(request, committee_id)
    return [_sheet_out(s) for s in selectors.visible_sheets(actor=request.actor, committee=c)]


@router.post(
    "/committees/{committee_id}/compute",
    response={200: dict, **ERR},
    summary="汇总评分并公示中标候选人",
)
def compute(request: HttpRequest, committee_id: str):
    return services.evaluation_compute(
        actor=request.actor, committee=_committee(request, committee_id)
    )


@router.post(
    "/members/{member_id}/sign", response={200: MemberRead, **ERR}, summary="在线签署评标报告"
)
def report_sign(request: HttpRequest, member_id: str):
    m = services.report_sign(actor=request.actor, member=_member(request, member_id))
    return {
        "id": m.pk,
        "order": m.order,
        "specialty": m.specialty,
        "status": m.status,
        "name": m.expert.name,
    }


@router.get(
    "/committees/{committee_id}/report.pdf", response={200: None, **ERR}, summary="评标报告 PDF"
)
def report_pdf(request: HttpRequest, committee_id: str):
    from django.http import HttpResponse

    from jianguan.experts.pdf import evaluation_report_document

    pk = path_id(committee_id, "评标委员会")
    c = selectors.report_committee_get(actor=request.actor, pk=pk)
    if not c.result:
        raise NotFound("评标结果尚未汇总", code="report_not_found")
    content = evaluation_report_document(actor=request.actor, committee=c)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{c.tender.code}-report.pdf"'
    return response
