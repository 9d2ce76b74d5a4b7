"""Credit records (信用记录) and the daily publication of credit scores (信用分).

Records are made in the transaction of the event that causes them (a finding, a failed
re-inspection, a card…) or by a regulator by hand (awards, wage arrears); points and
publication period are frozen from rule data on the day the fact occurred. The score of a
day is published once, at the start of that day, with its digest on the ledger.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from jianguan.accounts.models import Organisation
from jianguan.compliance import credit as C
from jianguan.compliance.models import CreditRecord
from jianguan.compliance.sanctions import add_months
from jianguan.compliance.selectors_credit import (
    Subject,
    check_date,
)
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import today_local
from jianguan.ledger.services import record
from jianguan.projects.models import Project
from jianguan.registry.models import PersonAssignment, RegisteredPerson
from jianguan.rules.lookup import rule

BATCH = 2000


def _c(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except C.CreditError as exc:
        raise ValidationFailed(str(exc), code=exc.code) from None


def credit_record_make(
    *,
    actor: Actor,
    kind: str,
    occurred_on: dt.date,
    description: str,
    organisation: Organisation | None = None,
    person: RegisteredPerson | None = None,
    project: Project | None = None,
    source_type: str = "manual",
    source_id: int | None = None,
    expires_on_at_least: dt.date | None = None,
    check_existence: bool = False,
) -> CreditRecord:
    """One record, in the caller's transaction. Callers check who may cause it.

    Records of platform events are facts about a subject that existed at the time; only a
    hand-entered record is checked against the subject's founding or registration date.
    """
    spec = _c(C.check_kind, kind)
    if (organisation is None) == (person is None):
        raise ValidationFailed("信用记录须且只能指向一个单位或一名注册人员", code="bad_subject")
    subject = Subject(organisation=organisation, person=person)
    description = (description or "").strip()
    if not description:
        raise ValidationFailed("请填写信用记录事由", code="description_missing")
    if occurred_on > today_local():
        raise ValidationFailed("发生日期不能晚于今天", code="future_date")
    if check_existence:
        check_date(subject, occurred_on)
    points = rule(spec.points_rule, on=occurred_on)
    months = rule(spec.validity_rule, on=occurred_on)
    expires_on = add_months(occurred_on, int(months.value))
    if expires_on_at_least and expires_on_at_least > expires_on:
        expires_on = (
            expires_on_at_least  # never shorter than the related decision (建市〔2017〕241号)
        )
    rec = CreditRecord.objects.create(
        organisation=organisation,
        person=person,
        kind=kind,
        points=(points.value * spec.sign).quantize(Decimal("0.01")),
        description=description[:300],
        occurred_on=occurred_on,
        recorded_on=today_local(),
        expires_on=expires_on,
        project=project,
        source_type=source_type,
        source_id=source_id,
        reference=points.reference[:300],
        recorded_by=actor.username,
    )
    record(
        actor=actor,
        type="compliance.credit_recorded",
        obj=rec,
        payload={
            "subject": subject.key,
            "organisation": organisation.credit_code if organisation else None,
            "certificate": person.certificate_number if person else None,
            "kind": kind,
            "points": rec.points,
            "occurred_on": occurred_on,
            "expires_on": expires_on,
            "description": rec.description,
            "source": [source_type, source_id],
            "project": project.code if project else None,
        },
    )
    return rec


def _project_manager(project: Project, organisation_id: int, on: dt.date):
    return (
        PersonAssignment.objects.filter(
            project=project,
            role="project_manager",
            person__employer_id=organisation_id,
            start__lte=on,
        )
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("person")
        .first()
    )


def credit_records_for_event(
    *,
    actor: Actor,
    kind: str,
    organisation: Organisation,
    occurred_on: dt.date,
    description: str,
    source_type: str,
    source_id: int,
    project: Project | None = None,
    expires_on_at_least: dt.date | None = None,
) -> list[CreditRecord]:
    """The organisation's record and, on a project, its project manager's (注册建造师)."""
    common = {
        "actor": actor,
        "kind": kind,
        "occurred_on": occurred_on,
        "description": description,
        "project": project,
        "source_type": source_type,
        "source_id": source_id,
        "expires_on_at_least": expires_on_at_least,
    }
    made = [credit_record_make(organisation=organisation, **common)]
    if project is not None:
        assignment = _project_manager(project, organisation.pk, occurred_on)
        if assignment is not None:
            made.append(credit_record_make(person=assignment.person, **common))
    return made


@transaction.atomic
def credit_record_add(
    *,
    actor: Actor,
    kind: str,
    occurred_on: dt.date,
    description: str,
    organisation: Organisation | None = None,
    person: RegisteredPerson | None = None,
    project: Project | None = None,
) -> CreditRecord:
    """A regulator enters an award, an on-time completion, wage arrears or an audit reduction."""
    require(actor, "compliance.credit_record")
    _c(C.check_kind, kind, manual_only=True)
    if organisation is not None and organisation.kind == "regulator":
        raise ValidationFailed("不能对监管部门录入信用记录", code="bad_subject")
    return credit_record_make(
        actor=actor,
        kind=kind,
        occurred_on=occurred_on,
        description=description,
        organisation=organisation,
        person=person,
        project=project,
        check_existence=True,
    )


def _end(actor: Actor, rec: CreditRecord, reason: str, event: str) -> CreditRecord:
    # The score published today was computed before this; the record stops counting tomorrow.
    rec.ends_on = today_local() + dt.timedelta(days=1)
    rec.end_reason = reason[:300]
    rec.save()
    record(
        actor=actor,
        type="compliance.credit_record_ended",
        obj=rec,
        payload={"kind": rec.kind, "ends_on": rec.ends_on, "reason": rec.end_reason, "by": event},
    )
    return rec


@transaction.atomic
def credit_record_end(*, actor: Actor, record_obj: CreditRecord, reason: str) -> CreditRecord:
    """更正: a regulator ends a record entered in error; it stays in the history."""
    require(actor, "compliance.credit_record")
    rec = CreditRecord.objects.select_for_update().get(pk=record_obj.pk)
    if rec.ends_on is not None:
        raise Conflict("该信用记录已终止计分", code="record_ended")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写更正原因", code="reason_missing")
    return _end(actor, rec, f"更正：{reason}", "correction")


def credit_records_end_for(*, actor: Actor, source_type: str, source_id: int, reason: str) -> int:
    """Ends the records a decision caused (an appeal revoked it, or it was repaired)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("credit_records_end_for runs inside the decision's transaction")
    rows = CreditRecord.objects.select_for_update().filter(
        source_type=source_type, source_id=source_id, ends_on__isnull=True
    )
    ended = [_end(actor, rec, reason, source_type) for rec in rows]
    return len(ended)
