"""The only code that writes registry data. Each function is one transaction with its ledger entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from jianguan.accounts.models import Organisation
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.ledger.services import record
from jianguan.registry import eligibility as elig
from jianguan.registry import importer
from jianguan.registry.models import (
    AccessStandard,
    AssignmentRole,
    CertificateKind,
    PersonAssignment,
    Qualification,
    RegisteredPerson,
    SafetyLicence,
)
from jianguan.rules.lookup import rule

MAX_ACTIVE_RULE = "registered_constructor.max_active_projects"
QUALIFICATION_FIELDS = ("category", "grade", "number", "issuer", "valid_from", "valid_to")


def may_manage(actor: Actor, organisation: Organisation) -> None:
    """The regulator (registry.manage_any) or the organisation itself (registry.manage_own);
    else a Chinese 403. Pages ask this before they read a form."""
    if actor.can("registry.manage_any"):
        return
    if actor.can("registry.manage_own") and actor.organisation_id == organisation.pk:
        return
    require(actor, "registry.manage_own")
    raise PermissionDenied(
        "只能由监管部门或该单位本身维护其资质与人员", code="not_own_organisation"
    )


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values())), details=errors)


def _qualification_payload(q: Qualification) -> dict[str, Any]:
    return {
        "organisation": q.organisation.credit_code,
        **{k: getattr(q, k) for k in QUALIFICATION_FIELDS},
    }


def _write_qualification(actor: Actor, organisation: Organisation, data: dict) -> Qualification:
    if Qualification.objects.filter(
        organisation=organisation, category=data["category"], number=data["number"]
    ).exists():
        raise Conflict("该资质证书已登记", code="duplicate_qualification")
    q = Qualification.objects.create(organisation=organisation, **data)
    record(actor=actor, type="qualification.added", obj=q, payload=_qualification_payload(q))
    return q


@transaction.atomic
def qualification_add(*, actor: Actor, organisation: Organisation, **fields: Any) -> Qualification:
    may_manage(actor, organisation)
    data = {k: fields.get(k) for k in QUALIFICATION_FIELDS}
    _raise(importer.qualification_errors(data))
    return _write_qualification(actor, organisation, importer.clean_qualification(data))


@transaction.atomic
def qualification_update(
    *, actor: Actor, qualification: Qualification, **changes: Any
) -> Qualification:
    q = (
        Qualification.objects.select_for_update()
        .select_related("organisation")
        .get(pk=qualification.pk)
    )
    may_manage(actor, q.organisation)
    data = {k: getattr(q, k) for k in QUALIFICATION_FIELDS}
    data.update({k: v for k, v in changes.items() if k in QUALIFICATION_FIELDS})
    _raise(importer.qualification_errors(data))
    data = importer.clean_qualification(data)
    clash = Qualification.objects.filter(
        organisation=q.organisation, category=data["category"], number=data["number"]
    ).exclude(pk=q.pk)
    if clash.exists():
        raise Conflict("该资质证书已登记", code="duplicate_qualification")
    before = _qualification_payload(q)
    for key, value in data.items():
        setattr(q, key, value)
    q.save()
    after = _qualification_payload(q)
    diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    record(actor=actor, type="qualification.updated", obj=q, payload={"changes": diff})
    return q


@transaction.atomic
def safety_licence_add(
    *,
    actor: Actor,
    organisation: Organisation,
    number: str,
    issuer: str,
    valid_from: Any,
    valid_to: Any,
) -> SafetyLicence:
    may_manage(actor, organisation)
    data = {"number": number, "issuer": issuer, "valid_from": valid_from, "valid_to": valid_to}
    _raise(importer.licence_errors(data))
    data = importer.clean_licence(data)
    if SafetyLicence.objects.filter(number=data["number"]).exists():
        raise Conflict("该安全生产许可证编号已登记", code="duplicate_licence")
    lic = SafetyLicence.objects.create(organisation=organisation, **data)
    record(
        actor=actor,
        type="safety_licence.added",
        obj=lic,
        payload={"organisation": organisation.credit_code, **data},
    )
    return lic


def _write_person(actor: Actor, employer: Organisation, data: dict) -> RegisteredPerson:
    if RegisteredPerson.objects.filter(certificate_number=data["certificate_number"]).exists():
        raise Conflict(
            f"证书编号 {data['certificate_number']} 已登记", code="duplicate_certificate"
        )
    person = RegisteredPerson.objects.create(employer=employer, **data)
    record(
        actor=actor,
        type="registered_person.registered",
        obj=person,
        payload={"employer": employer.credit_code, **data},
    )
    return person


@transaction.atomic
def person_register(*, actor: Actor, employer: Organisation, **fields: Any) -> RegisteredPerson:
    may_manage(actor, employer)
    data = {k: fields.get(k) for k in importer.PERSON_FIELDS}
    _raise(importer.person_errors(data))
    return _write_person(actor, employer, importer.clean_person(data))


@transaction.atomic
def person_assign(
    *,
    actor: Actor,
    person: RegisteredPerson,
    project: Any,
    role: str,
    start: dt.date,
    end: dt.date | None = None,
) -> PersonAssignment:
    """Tie a registered person to a project; a constructor may lead one active project only."""
    person = (
        RegisteredPerson.objects.select_for_update().select_related("employer").get(pk=person.pk)
    )
    may_manage(actor, person.employer)
    if role not in AssignmentRole.values:
        raise ValidationFailed("未知的任职岗位", code="unknown_role")
    start, end = importer.as_date(start), importer.as_date(end) if end else None
    if start is None:
        raise ValidationFailed("请填写有效的起始日期", code="validation_error")
    if end is not None and end < start:
        raise ValidationFailed("结束日期不能早于起始日期", code="date_order")
    if person.valid_to < start:
        raise ValidationFailed(
            f"{person.name}的注册证书已于 {person.valid_to.isoformat()} 过期，不能任职",
            code="certificate_expired",
        )
    if role == AssignmentRole.PROJECT_MANAGER and person.kind == CertificateKind.CONSTRUCTOR:
        limit = rule(MAX_ACTIVE_RULE, on=start)
        active = (
            PersonAssignment.objects.filter(person=person, role=AssignmentRole.PROJECT_MANAGER)
            .exclude(project=project)
            .exclude(end__lt=start)
        )
        if end is not None:
            active = active.exclude(start__gt=end)
        busy = list(active.select_related("project")[: int(limit.value) + 1])
        if len(busy) >= int(limit.value):
            names = "、".join(a.project.name for a in busy)
            raise Conflict(
                f"注册建造师{person.name}已在在建项目（{names}）担任项目负责人，"
                f"不得同时在两个及以上建设工程项目上担任施工单位项目负责人（{limit.reference}）",
                code="constructor_already_leading",
            )
    assignment = PersonAssignment.objects.create(
        person=person, project=project, role=role, start=start, end=end
    )
    record(
        actor=actor,
        type="registered_person.assigned",
        obj=person,
        payload={
            "certificate_number": person.certificate_number,
            "project": project.code,
            "role": role,
            "start": start,
            "end": end,
        },
    )
    return assignment


@transaction.atomic
def access_standard_define(
    *, actor: Actor, name: str, criteria: Any, description: str = ""
) -> AccessStandard:
    """Define an access standard; unlawful criteria are refused with the articles cited."""
    require(actor, "registry.standard_define")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed("请填写不超过 100 个字符的标准名称", code="validation_error")
    if len(description or "") > 500:
        raise ValidationFailed("说明不能超过 500 个字符", code="validation_error")
    try:
        parsed = elig.parse_criteria(criteria)
    except elig.CriteriaError as exc:
        code = "unlawful_criteria" if exc.unlawful else "invalid_criteria"
        raise ValidationFailed(str(exc), code=code, details=exc.messages) from exc
    if AccessStandard.objects.filter(name=name).exists():
        raise Conflict("同名准入标准已存在", code="duplicate_standard")
    standard = AccessStandard.objects.create(
        name=name,
        description=description or "",
        criteria=parsed.as_json(),
        defined_by=actor.organisation,
    )
    record(
        actor=actor,
        type="access_standard.defined",
        obj=standard,
        payload={"name": name, "criteria": standard.criteria},
    )
    return standard


@transaction.atomic
def registry_import_xlsx(*, actor: Actor, organisation: Organisation, file: Any) -> dict[str, int]:
    """Import qualifications and personnel from Excel (layout in importer.py). All or nothing:
    any bad row and nothing is written; the error lists every bad row by number."""
    may_manage(actor, organisation)
    rows = importer.read_workbook(file, organisation)
    quals = [importer.clean_qualification(r) for r in rows["qualifications"]]
    persons = [importer.clean_person(r) for r in rows["persons"]]
    for data in quals:
        _write_qualification(actor, organisation, data)
    for data in persons:
        _write_person(actor, organisation, data)
    summary = {"qualifications": len(quals), "persons": len(persons)}
    record(
        actor=actor,
        type="registry.imported",
        obj=organisation,
        payload={**summary, "file": getattr(file, "name", "")[:100]},
    )
    return summary
