from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from jianguan.core.api_schemas import ErrorOut
from jianguan.core.errors import ValidationFailed
from jianguan.core.permissions import require
from jianguan.rules import lookup
from jianguan.rules.models import Region, Rule

router = Router(tags=["规则库"])


class RuleOut(Schema):
    code: str
    name: str
    value: Any
    unit: str
    reference: str
    region: str
    effective_from: dt.date
    effective_to: dt.date | None
    verified: bool


class RuleQuery(Schema):
    region: Region = Region.DAXING
    on: dt.date | None = None


class WorkdayQuery(Schema):
    start: dt.date
    days: int


class WorkdayOut(Schema):
    start: dt.date
    days: int
    end: dt.date


ERR = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get("", response={200: list[RuleOut], **ERR}, summary="全部规则（含各版本）")
def rule_list(request: HttpRequest):
    require(request.actor, "rules.view")
    return list(Rule.objects.order_by("code", "region", "-effective_from"))


@router.get("/working-days", response={200: WorkdayOut, **ERR}, summary="工作日期限计算")
def working_days(request: HttpRequest, q: Query[WorkdayQuery]):
    require(request.actor, "rules.view")
    if not 0 <= q.days <= 366:
        raise ValidationFailed("工作日数应在 0 到 366 之间", code="bad_days")
    if not dt.date(2000, 1, 1) <= q.start <= dt.date(2100, 1, 1):
        raise ValidationFailed("起算日期超出范围", code="bad_date")
    return {"start": q.start, "days": q.days, "end": lookup.add_working_days(q.start, q.days)}


@router.get("/{code}", response={200: RuleOut, **ERR}, summary="查询某日某地区生效的规则")
def rule_get(request: HttpRequest, code: str, q: Query[RuleQuery]):
    require(request.actor, "rules.view")
    found = lookup.rule(code[:100], on=q.on, region=q.region)
    return {
        **found.__dict__,
        "value": Rule.objects.filter(
            code=found.code, region=found.region, effective_from=found.effective_from
        ).values_list("value", flat=True)[0],
    }
