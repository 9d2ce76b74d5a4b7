"""Writes for the personal blacklist (失信名单) of workers: the regulator lists a person and lifts
an entry, each with its ledger entry. A person is named by the blind index of the identity
number, so an entry made before registration, or a second registration of the same person,
still matches; the number itself is never stored or logged in clear.

``person_blacklist`` is what placement (进场) and the gate ask.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import today_local
from jianguan.ledger.services import record
from jianguan.smartsite.workers import crypto, idcard, workflow
from jianguan.smartsite.workers.models import Worker, WorkerBlacklistEntry


def person_blacklist(index: str, on: dt.date) -> list[str]:
    """The entries in force on `on` for the person with this identity index, in words."""
    entries = WorkerBlacklistEntry.objects.filter(
        id_number_index=index, valid_from__lte=on
    ).exclude(lifted_on__lte=on)
    return [
        f"{e.get_basis_display()}，{e.article}（{e.reason}）"
        for e in entries.order_by("valid_from", "pk")
        if e.in_force(on)
    ]


def _require_regulator(actor: Actor) -> None:
    require(actor, "smartsite.worker_blacklist_manage")
    if not actor.is_kind("regulator"):
        raise PermissionDenied("只有监管部门可以管理工人黑名单", code="not_regulator")


def _text(value: object, label: str, limit: int, field: str) -> str:
    code = f"bad_{field}"
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationFailed(f"请填写{label}", code=code, details={"field": field})
    if len(text) > limit:
        raise ValidationFailed(f"{label}不能超过{limit}字", code=code)
    return text


def worker_blacklist_add(
    *,
    actor: Actor,
    id_number: str,
    name: str = "",
    basis: str,
    article: str,
    reason: str,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> WorkerBlacklistEntry:
    """列入黑名单: by identity number; the registered worker with it (if any) is linked."""
    _require_regulator(actor)
    number = idcard.normalise(id_number)
    if not idcard.is_valid(number):
        raise ValidationFailed(
            "身份证号无效（GB 11643 校验不通过）",
            code="bad_id_number",
            details={"field": "id_number"},
        )
    if basis not in workflow.BLACKLIST_BASES:
        raise ValidationFailed("请选择列入依据", code="bad_basis", details={"field": "basis"})
    article = _text(article, "依据条款", 100, "article")
    reason = _text(reason, "列入原因", 500, "reason")
    valid_from = valid_from or today_local()
    refusal = workflow.check_blacklist_term(valid_from, valid_until)
    if refusal is not None:
        raise ValidationFailed(refusal.message, code=refusal.code)
    index = crypto.blind_index(number)
    worker = Worker.objects.filter(id_number_index=index).first()
    person = (name or "").strip()[:50] or (worker.name if worker else "")
    if not person:
        raise ValidationFailed("请填写姓名", code="bad_name", details={"field": "name"})
    with transaction.atomic():
        current = WorkerBlacklistEntry.objects.select_for_update().filter(
            id_number_index=index, lifted_on__isnull=True
        )
        if any(e.in_force(valid_from) or valid_from < e.valid_from for e in current):
            raise Conflict(
                f"{person}（{idcard.mask(number)}）已在黑名单中，请先移出原记录",
                code="already_blacklisted",
            )
        entry = WorkerBlacklistEntry.objects.create(
            id_number_index=index,
            id_number_masked=idcard.mask(number),
            person_name=person,
            worker=worker,
            basis=basis,
            article=article,
            reason=reason,
            authority_id=actor.organisation_id,
            listed_by=actor.display_name or actor.username,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        record(
            actor=actor,
            type="smartsite.worker_blacklisted",
            obj=entry,
            payload={
                "id_number_index": index,
                "id_number_masked": entry.id_number_masked,
                "name": person,
                "basis": basis,
                "article": article,
                "reason": reason,
                "valid_from": valid_from,
                "valid_until": valid_until,
            },
        )
    return entry


@transaction.atomic
def worker_blacklist_lift(
    *, actor: Actor, entry: WorkerBlacklistEntry, reason: str, on: dt.date | None = None
) -> WorkerBlacklistEntry:
    """移出黑名单 (e.g. the decision revoked, credit repaired): from `on`, today by default."""
    _require_regulator(actor)
    entry = WorkerBlacklistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.lifted_on is not None:
        raise Conflict(f"该记录已于{entry.lifted_on:%Y-%m-%d}移出", code="already_lifted")
    reason = _text(reason, "移出原因", 300, "reason")
    on = on or today_local()
    entry.lifted_on = on
    entry.lifted_by = actor.display_name or actor.username
    entry.lift_reason = reason
    entry.save(update_fields=["lifted_on", "lifted_by", "lift_reason", "updated_at"])
    record(
        actor=actor,
        type="smartsite.worker_blacklist_lifted",
        obj=entry,
        payload={"id_number_index": entry.id_number_index, "lifted_on": on, "reason": reason},
    )
    return entry
