"""Credit API under /api/v1/compliance/credit: scores on a date, explanations, history, records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from jianguan.compliance import credit as C
from jianguan.compliance import selectors_credit as sel
from jianguan.compliance import services
from jianguan.compliance.models import CreditRecord
from jianguan.compliance.schemas import Str20, Str200, Str500
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR, ErrorOut, documented
from jianguan.core.errors import NotFound, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import today_local
from jianguan.projects.models import Project

router = Router(tags=["信用评价"])


class OnQuery(Schema):
    on: dt.date | None = Field(None, description="日期（默认今天，Asia/Shanghai）")


class RangeQuery(Schema):
    start: dt.date | None = None
    end: dt.date | None = None


class RecordRead(Schema):
    id: int
    subject: str
    kind: str
    kind_label: str
    group: str
    points: Decimal
    description: str
    occurred_on: dt.date
    recorded_on: dt.date
    expires_on: dt.date
    ends_on: dt.date | None
    end_reason: str
    project_code: str | None
    source: str
    reference: str


class LineRead(Schema):
    record: RecordRead
    contribution: Decimal


class ScoreRead(Schema):
    subject: str
    name: str
    on: dt.date
    score: Decimal
    base: Decimal
    good: Decimal
    bad: Decimal
    clamp: Decimal
    decay: str
    published: Decimal | None = Field(None, description="当日已发布的分值（无则为 null）")
    verified: bool | None = Field(None, description="逐条复算与已发布分值一致")
    lines: list[LineRead]


class HistoryPoint(Schema):
    on: dt.date
    score: Decimal


class HistoryRead(Schema):
    subject: str
    name: str
    items: list[HistoryPoint]


class RecordIn(Schema):
    kind: Str20 = documented(
        (k.code for k in C.KINDS.values() if k.manual), description="信用记录类型（可手工录入的）"
    )
    organisation_id: int | None = Field(None, ge=1, le=2**62)
    person_id: int | None = Field(None, ge=1, le=2**62)
    project_id: int | None = Field(None, ge=1, le=2**62)
    occurred_on: dt.date
    description: Str200


class EndIn(Schema):
    reason: Str500


class PublishedQuery(Schema):
    q: Annotated[str, Field(max_length=100)] = ""
    kind: Str20 = documented(sel.SCORED_ORG_KINDS, blank=True, default="", description="单位类型")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=100000)


class PublishedItem(Schema):
    organisation_id: int
    name: str
    credit_code: str
    kind: str
    score: Decimal


class PublishedPage(Schema):
    on: dt.date | None
    count: int
    items: list[PublishedItem]


def _signed_in(request: HttpRequest) -> None:
    if not request.actor.is_authenticated:
        raise PermissionDenied("请先登录", code="unauthenticated")


def record_out(r: CreditRecord) -> dict:
    kind = C.KINDS[r.kind]
    return {
        "id": r.pk,
        "subject": f"o:{r.organisation_id}" if r.organisation_id else f"p:{r.person_id}",
        "kind": r.kind,
        "kind_label": kind.label,
        "group": kind.group,
        "points": r.points,
        "description": r.description,
        "occurred_on": r.occurred_on,
        "recorded_on": r.recorded_on,
        "expires_on": r.expires_on,
        "ends_on": r.ends_on,
        "end_reason": r.end_reason,
        "project_code": r.project.code if r.project_id else None,
        "source": f"{r.source_type}:{r.source_id}" if r.source_id else r.source_type,
        "reference": r.reference,
    }


def _score_out(subject: sel.Subject, on: dt.date) -> dict:
    ex = sel.explain(subject, on)
    b = ex.breakdown
    return {
        "subject": subject.key,
        "name": subject.name,
        "on": on,
        "score": ex.score,
        "base": C.from_centi(b.base),
        "good": C.from_centi(b.good),
        "bad": C.from_centi(b.bad),
        "clamp": C.from_centi(b.clamp),
        "decay": sel.params_on(on).decay,
        "published": ex.stored,
        "verified": ex.verified,
        "lines": [{"record": record_out(r), "contribution": c} for r, c in ex.lines()],
    }


def _subject(kind: str, raw: str) -> sel.Subject:
    if kind == "organisations":
        return sel.organisation_subject(path_id(raw, "单位"))
    return sel.person_subject(path_id(raw, "注册人员"))


def _history(subject: sel.Subject, q: RangeQuery) -> dict:
    end = q.end or today_local()
    start = q.start or end - dt.timedelta(days=364)
    items = [{"on": d, "score": s} for d, s in sel.history(subject, start, end)]
    return {"subject": subject.key, "name": subject.name, "items": items}


@router.get(
    "/organisations/{organisation_id}/score",
    response={200: ScoreRead, **ERR},
    summary="单位在某日的信用分及逐条依据",
)
def organisation_score(request: HttpRequest, organisation_id: str, q: Query[OnQuery]):
    _signed_in(request)
    return _score_out(_subject("organisations", organisation_id), q.on or today_local())


@router.get(
    "/organisations/{organisation_id}/history",
    response={200: HistoryRead, **ERR},
    summary="单位信用分历史（每日发布值）",
)
def organisation_history(request: HttpRequest, organisation_id: str, q: Query[RangeQuery]):
    _signed_in(request)
    return _history(_subject("organisations", organisation_id), q)


@router.get(
    "/persons/{person_id}/score",
    response={200: ScoreRead, **ERR},
    summary="注册建造师在某日的信用分及逐条依据",
)
def person_score(request: HttpRequest, person_id: str, q: Query[OnQuery]):
    _signed_in(request)
    return _score_out(_subject("persons", person_id), q.on or today_local())


@router.get(
    "/persons/{person_id}/history",
    response={200: HistoryRead, **ERR},
    summary="注册建造师信用分历史",
)
def person_history(request: HttpRequest, person_id: str, q: Query[RangeQuery]):
    _signed_in(request)
    return _history(_subject("persons", person_id), q)


@router.post("/records", response={201: RecordRead, **ERR}, summary="录入信用记录（监管部门）")
def record_add(request: HttpRequest, data: RecordIn):
    _signed_in(request)
    # Who may enter records comes before what was sent (a 403, never a 400 on the subject).
    require(request.actor, "compliance.credit_record")
    if (data.organisation_id is None) == (data.person_id is None):
        raise ValidationFailed("请指定一个单位或一名注册人员", code="bad_subject")
    subject = (
        sel.organisation_subject(data.organisation_id)
        if data.organisation_id
        else sel.person_subject(data.person_id)
    )
    project = None
    if data.project_id is not None:
        project = Project.objects.filter(pk=data.project_id).first()
        if project is None:
            raise NotFound("项目不存在", code="project_not_found")
    rec = services.credit_record_add(
        actor=request.actor,
        kind=data.kind,
        occurred_on=data.occurred_on,
        description=data.description,
        organisation=subject.organisation,
        person=subject.person,
        project=project,
    )
    return Status(201, record_out(rec))


@router.post(
    "/records/{record_id}/end", response={200: RecordRead, **ERR}, summary="更正：终止信用记录计分"
)
def record_end(request: HttpRequest, record_id: str, data: EndIn):
    _signed_in(request)
    require(request.actor, "compliance.credit_record")
    rec = CreditRecord.objects.filter(pk=path_id(record_id, "信用记录")).first()
    if rec is None:
        raise NotFound("信用记录不存在", code="not_found")
    rec = services.credit_record_end(actor=request.actor, record_obj=rec, reason=data.reason)
    return record_out(rec)


@router.get(
    "/public/scores",
    response={200: PublishedPage, 400: ErrorOut},
    auth=None,
    summary="公开的单位信用分（最近发布日，无需登录）",
)
def public_scores(request: HttpRequest, q: Query[PublishedQuery]):
    if q.kind and q.kind not in sel.SCORED_ORG_KINDS:
        raise ValidationFailed(f"未知的单位类型：{q.kind}", code="unknown_kind")
    on, qs = sel.published_scores(q=q.q.strip(), kind=q.kind)
    items = [
        {
            "organisation_id": s.organisation_id,
            "name": s.organisation.name,
            "credit_code": s.organisation.credit_code,
            "kind": s.organisation.kind,
            "score": s.score,
        }
        for s in qs[q.offset : q.offset + q.limit]
    ]
    return {"on": on, "count": qs.count(), "items": items}
