"""招标委托: the owner entrusts a tender agency with a project's tendering (招标投标法 12–13),
with the signed 委托合同 as a PDF, and may withdraw it; each step on the ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from jianguan.accounts.models import Organisation
from jianguan.core import uploads
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import now
from jianguan.ledger.services import record
from jianguan.projects.models import Project
from jianguan.tendering.access import today
from jianguan.tendering.models import Entrustment

MAX_YEARS = 10  # an entrustment for a decade is a typo, not a contract


def _owner_only(actor: Actor, project: Project) -> None:
    require(actor, "tendering.manage")
    if not actor.is_system and actor.organisation_id != project.owner_id:
        raise PermissionDenied(
            "只有该项目的建设单位可以委托或撤销招标代理机构", code="not_project_owner"
        )


def _dates(starts_on: Any, ends_on: Any) -> tuple[dt.date, dt.date]:
    for value, label in ((starts_on, "委托起始日"), (ends_on, "委托截止日")):
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise ValidationFailed(f"请填写{label}", code="date_missing")
    if ends_on < starts_on:
        raise ValidationFailed("委托截止日不得早于委托起始日", code="dates_reversed")
    if ends_on < today():
        raise ValidationFailed("委托截止日已过，委托无法生效", code="entrustment_ended")
    if (ends_on - starts_on).days > MAX_YEARS * 366:
        raise ValidationFailed(f"委托期限不得超过{MAX_YEARS}年", code="entrustment_too_long")
    return starts_on, ends_on


@transaction.atomic
def entrustment_create(
    *,
    actor: Actor,
    project: Project,
    agency: Organisation,
    scope: str,
    starts_on: dt.date,
    ends_on: dt.date,
    contract_file: Any,
) -> Entrustment:
    """The owner entrusts `agency` with the project's tendering in `scope` for the dates."""
    project = Project.objects.select_for_update().get(pk=project.pk)  # one create at a time
    _owner_only(actor, project)
    if agency is None or agency.kind != "tender_agency":
        raise ValidationFailed("受托单位须为招标代理机构", code="bad_agency")
    scope = (scope or "").strip()
    if not scope:
        raise ValidationFailed("请填写委托范围（如施工招标、监理招标）", code="scope_missing")
    starts_on, ends_on = _dates(starts_on, ends_on)
    overlapping = Entrustment.objects.filter(
        project=project,
        agency=agency,
        status=Entrustment.ACTIVE,
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    )
    if overlapping.exists():
        raise ValidationFailed(
            f"{agency.name}已持有本项目期限重叠的有效招标委托，请勿重复委托",
            code="entrustment_exists",
        )
    ext = uploads.check(contract_file, "委托合同", uploads.PLAN_TYPES, uploads.MAX_DOC_BYTES)
    digest = uploads.sm3(contract_file)
    contract_file.name = f"{project.code}-entrustment-{digest[:12]}{ext}"
    item = Entrustment.objects.create(
        project=project,
        agency=agency,
        scope=scope[:100],
        starts_on=starts_on,
        ends_on=ends_on,
        contract=contract_file,
        contract_sm3=digest,
        contract_size=contract_file.size,
        created_by=actor.username,
    )
    record(
        actor=actor,
        type="tendering.entrustment_created",
        obj=item,
        payload={
            "project": project.code,
            "owner": project.owner.credit_code,
            "agency": agency.credit_code,
            "agency_name": agency.name,
            "scope": item.scope,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "contract": {"sm3": digest, "size": item.contract_size},
        },
        files=[{"name": "entrustment_contract", "sm3": digest}],
    )
    return item


@transaction.atomic
def entrustment_withdraw(*, actor: Actor, entrustment: Entrustment, reason: str) -> Entrustment:
    """The owner withdraws the entrustment: the agency may no longer act from this moment."""
    item = (
        Entrustment.objects.select_for_update()
        .select_related("project", "agency")
        .get(pk=entrustment.pk)
    )
    _owner_only(actor, item.project)
    if item.status != Entrustment.ACTIVE:
        raise Conflict("该招标委托已撤销", code="entrustment_not_active")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写撤销委托的原因", code="reason_missing")
    item.status = Entrustment.WITHDRAWN
    item.withdrawn_at, item.withdrawn_by = now(), actor.username
    item.withdraw_reason = reason[:500]
    item.save()
    record(
        actor=actor,
        type="tendering.entrustment_withdrawn",
        obj=item,
        payload={
            "project": item.project.code,
            "agency": item.agency.credit_code,
            "scope": item.scope,
            "reason": item.withdraw_reason,
        },
    )
    return item
