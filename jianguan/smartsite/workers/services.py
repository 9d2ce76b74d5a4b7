"""Writes for workers: registration (实名登记), certificates and training, labour contracts and
placement on a site (进场). Each runs in one transaction with its ledger entry; no ledger
payload holds an identity or bank card number in clear (the blind index and the masked form
stand for them).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from jianguan.accounts.models import Organisation
from jianguan.compliance import sanctions
from jianguan.compliance.selectors import sanctions_in_force
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import today_local
from jianguan.ledger.services import record
from jianguan.projects.models import Participant, Project
from jianguan.rules.lookup import rule
from jianguan.smartsite.workers import crypto, idcard, workflow
from jianguan.smartsite.workers.blacklist.services import person_blacklist
from jianguan.smartsite.workers.models import (
    LabourContract,
    Placement,
    Worker,
    WorkerCertificate,
    WorkerTraining,
)

EMPLOYER_KINDS = ("labour_subcontractor", "general_contractor", "specialist_subcontractor")


def min_age(on: dt.date) -> tuple[int, str]:
    r = rule("worker_registration.min_age", on=on)
    return int(r.value), r.reference


def _on_project(organisation_id: int | None, project: Project, *roles: str) -> bool:
    qs = Participant.objects.filter(
        project=project, organisation_id=organisation_id, is_active=True
    )
    return qs.filter(role__in=roles).exists() if roles else qs.exists()


def _may_act_for(actor: Actor, employer_id: int, project: Project | None = None) -> None:
    """The employer's own labour officer, or the labour officer of the general contractor of a
    project the employer works on (the GC answers for every worker on its site, 第二十八条)."""
    require(actor, "smartsite.workers_manage")
    if actor.organisation_id == employer_id:
        return
    if (
        project is not None
        and _on_project(actor.organisation_id, project, "general_contractor")
        and _on_project(employer_id, project)
    ):
        return
    raise PermissionDenied("只能办理本单位（或本单位总承包项目上）的工人", code="not_employer")


def _identity(raw: str, today: dt.date) -> idcard.IdCard:
    try:
        card = idcard.parse(raw, today=today)
    except idcard.IdCardError as exc:
        raise ValidationFailed(exc.message, code=exc.code, details={"field": "id_number"}) from None
    years, reference = min_age(today)
    if idcard.age_on(card.birth_date, today) < years:
        raise ValidationFailed(
            f"未满{years}周岁，不得招用（{reference}）",
            code="worker_under_age",
            details={"field": "id_number"},
        )
    return card


def worker_register(
    *,
    actor: Actor,
    employer: Organisation,
    name: str,
    id_number: str,
    trade: str,
    phone: str = "",
    bank_card: str = "",
    bank_name: str = "",
    photo: Any = None,
    today: dt.date | None = None,
) -> Worker:
    """实名登记: one person, once on the platform (the blind index is unique)."""
    today = today or today_local()
    require(actor, "smartsite.workers_manage")
    if employer.kind not in EMPLOYER_KINDS:
        raise ValidationFailed(
            "用工单位须为施工总承包、专业分包或劳务分包单位", code="bad_employer"
        )
    if actor.organisation_id != employer.pk and not (
        actor.is_kind("general_contractor")
        and Participant.objects.filter(
            organisation=employer,
            is_active=True,
            project__in=Participant.objects.filter(
                organisation_id=actor.organisation_id,
                role="general_contractor",
                is_active=True,
            ).values("project_id"),
        ).exists()
    ):
        raise PermissionDenied(
            "只能为本单位或本单位总承包项目上的分包单位登记工人", code="not_employer"
        )
    name = (name or "").strip()
    if not name or len(name) > 50:
        raise ValidationFailed(
            "姓名不能为空且不超过50字", code="bad_name", details={"field": "name"}
        )
    if trade not in workflow.TRADES:
        raise ValidationFailed(f"未知的工种：{trade}", code="bad_trade", details={"field": "trade"})
    card = _identity(id_number, today)
    index = crypto.blind_index(card.number)
    if Worker.objects.filter(id_number_index=index).exists():
        raise Conflict(
            f"身份证号 {card.masked} 已实名登记，不能重复登记", code="duplicate_identity"
        )
    bank = idcard.normalise(bank_card)
    if bank and (not bank.isascii() or not bank.isdigit() or not 12 <= len(bank) <= 19):
        raise ValidationFailed(
            "银行卡号应为12至19位数字", code="bad_bank_card", details={"field": "bank_card"}
        )
    try:
        with transaction.atomic():
            worker = Worker.objects.create(
                name=name,
                id_number_cipher=crypto.encrypt(card.number, context="id_number"),
                id_number_index=index,
                id_number_masked=card.masked,
                birth_date=card.birth_date,
                male=card.male,
                phone=(phone or "").strip()[:20],
                trade=trade,
                photo=photo or "",
                bank_card_cipher=crypto.encrypt(bank, context="bank_card") if bank else "",
                bank_card_masked=idcard.mask_tail(bank) if bank else "",
                bank_name=(bank_name or "").strip()[:60],
                employer=employer,
                registered_by=actor.display_name or actor.username,
            )
            record(
                actor=actor,
                type="smartsite.worker_registered",
                obj=worker,
                payload={
                    "name": name,
                    "id_number_index": index,
                    "id_number_masked": card.masked,
                    "trade": trade,
                    "employer": employer.credit_code,
                },
            )
    except IntegrityError:  # a concurrent registration of the same person won the race
        raise Conflict(
            f"身份证号 {card.masked} 已实名登记，不能重复登记", code="duplicate_identity"
        ) from None
    return worker


@transaction.atomic
def worker_certificate_add(
    *,
    actor: Actor,
    worker: Worker,
    kind: str,
    name: str,
    number: str,
    valid_to=None,
    project: Project | None = None,
) -> WorkerCertificate:
    """The employer's labour officer, or the general contractor's of `project`."""
    _may_act_for(actor, worker.employer_id, project)
    if kind not in workflow.CERTIFICATE_KINDS:
        raise ValidationFailed("未知的证书类别", code="bad_certificate_kind")
    cert = WorkerCertificate.objects.create(
        worker=worker, kind=kind, name=name[:100], number=number[:60], valid_to=valid_to
    )
    record(
        actor=actor,
        type="smartsite.certificate_added",
        obj=worker,
        payload={"kind": kind, "name": cert.name, "number": cert.number},
    )
    return cert


@transaction.atomic
def worker_training_record(
    *,
    actor: Actor,
    worker: Worker,
    kind: str,
    title: str,
    held_on: dt.date,
    hours: Decimal,
    passed: bool = True,
    project: Project | None = None,
) -> WorkerTraining:
    """安全教育和培训记录 (建筑施工企业 three-level safety education before work)."""
    _may_act_for(actor, worker.employer_id, project)
    if kind not in workflow.TRAINING_KINDS:
        raise ValidationFailed("未知的培训类别", code="bad_training_kind")
    if hours <= 0:
        raise ValidationFailed("学时须大于0", code="bad_hours")
    training = WorkerTraining.objects.create(
        worker=worker,
        kind=kind,
        title=title[:200],
        held_on=held_on,
        hours=hours,
        passed=passed,
        project=project,
    )
    record(
        actor=actor,
        type="smartsite.training_recorded",
        obj=worker,
        payload={"kind": kind, "title": training.title, "held_on": held_on, "passed": passed},
    )
    return training


@transaction.atomic
def labour_contract_sign(
    *,
    actor: Actor,
    worker: Worker,
    project: Project,
    start: dt.date,
    end: dt.date | None = None,
    signed_on: dt.date | None = None,
) -> LabourContract:
    """劳动合同: between the worker and its employer, for work on one project."""
    _may_act_for(actor, worker.employer_id, project)
    if not _on_project(worker.employer_id, project):
        raise ValidationFailed("用工单位不是本项目的参建单位", code="employer_not_on_project")
    if end is not None and end < start:
        raise ValidationFailed("合同终止日期不能早于起始日期", code="bad_contract_term")
    signed_on = signed_on or today_local()
    seq = LabourContract.objects.filter(project=project).count() + 1
    contract = LabourContract.objects.create(
        number=f"LC{project.pk:05d}-{seq:05d}-{worker.pk}",
        worker=worker,
        project=project,
        employer_id=worker.employer_id,
        start=start,
        end=end,
        signed_on=signed_on,
    )
    record(
        actor=actor,
        type="smartsite.contract_signed",
        obj=contract,
        payload={
            "number": contract.number,
            "worker_id_index": worker.id_number_index,
            "worker_name": worker.name,
            "project": project.code,
            "employer": worker.employer.credit_code,
            "start": start,
            "end": end,
            "signed_on": signed_on,
        },
    )
    return contract


def covering_contract(worker: Worker, project: Project, on: dt.date) -> LabourContract | None:
    for contract in LabourContract.objects.filter(worker=worker, project=project).order_by(
        "-start", "-pk"
    ):
        if contract.covers(on):
            return contract
    return None


def employer_blacklist(employer_id: int, on: dt.date) -> list[str]:
    """The employer's blacklist entries in force (the compliance app's sanctions)."""
    return [
        f"{s.number}（{s.reason}）"
        for s in sanctions_in_force(employer_id, on).filter(kind=sanctions.BLACKLIST)
    ]


@transaction.atomic
def worker_place(
    *, actor: Actor, worker: Worker, project: Project, on: dt.date | None = None
) -> Placement:
    """进场登记: the worker joins the site's roster; every refusal is listed at once."""
    on = on or today_local()
    _may_act_for(actor, worker.employer_id, project)
    years, reference = min_age(on)
    contract = covering_contract(worker, project, on)
    refusals = workflow.placement_refusals(
        age=idcard.age_on(worker.birth_date, on),
        min_age=years,
        min_age_reference=reference,
        has_contract=contract is not None,
        employer_blacklisted=employer_blacklist(worker.employer_id, on),
        person_blacklisted=person_blacklist(worker.id_number_index, on),
        already_placed=Placement.objects.filter(
            worker=worker, project=project, status=workflow.ACTIVE
        ).exists(),
    )
    if refusals:
        raise ValidationFailed(
            "不能办理进场：" + "；".join(r.message for r in refusals),
            code=refusals[0].code,
            details=[{"code": r.code, "message": r.message} for r in refusals],
        )
    placement = Placement.objects.create(
        worker=worker, project=project, contract=contract, placed_on=on
    )
    record(
        actor=actor,
        type="smartsite.worker_placed",
        obj=placement,
        payload={
            "worker_id_index": worker.id_number_index,
            "worker_name": worker.name,
            "project": project.code,
            "contract": contract.number,
            "placed_on": on,
        },
    )
    return placement


@transaction.atomic
def worker_exit(*, actor: Actor, placement: Placement, on: dt.date | None = None) -> Placement:
    """退场: the worker leaves the site's roster (its attendance stays for the payroll)."""
    on = on or today_local()
    _may_act_for(actor, placement.worker.employer_id, placement.project)
    if placement.status != workflow.ACTIVE:
        raise ValidationFailed("该工人已退场", code="already_left")
    if on < placement.placed_on:
        raise ValidationFailed("退场日期不能早于进场日期", code="bad_exit_date")
    placement.status, placement.left_on = workflow.LEFT, on
    placement.save(update_fields=["status", "left_on", "updated_at"])
    record(
        actor=actor,
        type="smartsite.worker_exited",
        obj=placement,
        payload={"worker_id_index": placement.worker.id_number_index, "left_on": on},
    )
    return placement
