"""Writes for wages: the wage account, daily rates, and a payroll from draft to payment. Each
runs in one transaction with its ledger entry; a ledger payload names a worker by name and the
blind index of the identity number, never the number itself.

Arrears (欠薪) live in ``arrears/services.py``, per-worker signatures in ``signatures/services.py``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum

from jianguan.accounts.models import Organisation
from jianguan.core import uploads
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.services import record
from jianguan.projects.models import Participant, Project
from jianguan.rules.lookup import rule
from jianguan.smartsite.wages import workflow
from jianguan.smartsite.wages.models import (
    PayRate,
    Payroll,
    PayrollLine,
    WageAccount,
    WageArrears,
    WagePayment,
)
from jianguan.smartsite.workers import workflow as workers_workflow
from jianguan.smartsite.workers.models import AttendanceDay, LabourContract, Worker


def _wf(check, *args) -> None:
    try:
        check(*args)
    except workflow.WageError as exc:
        raise ValidationFailed(exc.message, code=exc.code) from None


def _decimal(value: Any, label: str) -> Decimal:
    try:
        out = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(f"{label}须为数字", code="bad_number") from None
    if not out.is_finite():
        raise ValidationFailed(f"{label}须为数字", code="bad_number")
    return out


def _text(value: Any, label: str, limit: int, code: str) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationFailed(f"请填写{label}", code=code)
    if len(text) > limit:
        raise ValidationFailed(f"{label}不能超过{limit}字", code=code)
    return text


def is_gc(actor: Actor, project: Project) -> bool:
    return Participant.objects.filter(
        project=project,
        organisation_id=actor.organisation_id,
        role="general_contractor",
        is_active=True,
    ).exists()


def _require_gc(actor: Actor, project: Project) -> None:
    """The project's general contractor keeps the wage account and pays (第二十六条、第三十一条)."""
    require(actor, "smartsite.wages_manage")
    if actor.organisation_id is None or not is_gc(actor, project):
        raise PermissionDenied(
            "只有本项目的施工总承包单位可以办理工资专用账户和工资发放",
            code="not_general_contractor",
        )


def cycle_months(on: dt.date) -> int:
    return int(rule("wage.payment_cycle_max", on=on).value)


@transaction.atomic
def wage_account_save(
    *,
    actor: Actor,
    project: Project,
    bank: str,
    account_number: str,
    opened_on: dt.date,
    pay_day: int,
    labour_officer_name: str,
    labour_officer_phone: str,
) -> WageAccount:
    """Open the dedicated wage account (第二十六条) or correct its details and the pay day."""
    _require_gc(actor, project)
    bank = _text(bank, "开户银行", 80, "bad_bank")
    number = "".join((account_number or "").split())
    if not number.isascii() or not number.isdigit() or not 8 <= len(number) <= 32:
        raise ValidationFailed("账号应为8至32位数字", code="bad_account_number")
    if opened_on > today_local():
        raise ValidationFailed("开户日期不能晚于今天", code="future_date")
    _wf(workflow.check_pay_day, pay_day)
    officer = _text(labour_officer_name, "劳资专管员姓名", 50, "bad_officer")
    phone = _text(labour_officer_phone, "劳资专管员电话", 20, "bad_phone")
    fields = {
        "holder_id": actor.organisation_id,
        "bank": bank,
        "account_number": number,
        "opened_on": opened_on,
        "pay_day": pay_day,
        "labour_officer_name": officer,
        "labour_officer_phone": phone,
    }
    account = WageAccount.objects.select_for_update().filter(project=project).first()
    event = "smartsite.wage_account_updated" if account else "smartsite.wage_account_opened"
    if account is None:
        account = WageAccount.objects.create(project=project, **fields)
    else:
        for key, value in fields.items():
            setattr(account, key, value)
        account.save()
    record(
        actor=actor,
        type=event,
        obj=account,
        payload={
            "project": project.code,
            "bank": bank,
            "account": account.account_masked,
            "opened_on": opened_on,
            "pay_day": pay_day,
            "labour_officer": officer,
        },
    )
    return account


@transaction.atomic
def pay_rate_set(
    *,
    actor: Actor,
    project: Project,
    daily_rate: Any,
    contract: LabourContract | None = None,
    employer: Organisation | None = None,
    trade: str = "",
) -> PayRate:
    """A daily rate for one labour contract, or for a trade of one employer on the project. The
    latest rate set is the one a new payroll reads."""
    require(actor, "smartsite.pay_rates_set")
    rate = _decimal(daily_rate, "日工资标准")
    _wf(workflow.check_rate, rate)
    if (contract is None) == (not trade):
        raise ValidationFailed("请指定劳动合同或工种之一", code="bad_rate_target")
    if contract is not None:
        if contract.project_id != project.pk:
            raise ValidationFailed("该劳动合同不属于本项目", code="contract_not_on_project")
        employer_id = contract.employer_id
    else:
        if trade not in workers_workflow.TRADES:
            raise ValidationFailed(f"未知的工种：{trade}", code="bad_trade")
        employer_id = employer.pk if employer is not None else actor.organisation_id
        if not Participant.objects.filter(
            project=project, organisation_id=employer_id, is_active=True
        ).exists():
            raise ValidationFailed("用工单位不是本项目的参建单位", code="employer_not_on_project")
    if actor.organisation_id != employer_id and not is_gc(actor, project):
        raise PermissionDenied("只能设定本单位工人的工资标准", code="not_employer")
    pay_rate = PayRate.objects.create(
        project=project,
        employer_id=employer_id,
        contract=contract,
        trade=trade if contract is None else "",
        daily_rate=rate,
        set_by=actor.display_name or actor.username,
    )
    record(
        actor=actor,
        type="smartsite.pay_rate_set",
        obj=pay_rate,
        payload={
            "project": project.code,
            "contract": contract.number if contract else None,
            "trade": pay_rate.trade,
            "employer_id": employer_id,
            "daily_rate": rate,
        },
    )
    return pay_rate


def rates_for(project: Project, employer_id: int, workers: list[Worker]) -> dict[int, Decimal]:
    """Each worker's daily rate: its own labour contract's, else its employer's for its trade."""
    by_contract: dict[int, Decimal] = {}
    by_trade: dict[str, Decimal] = {}
    rows = PayRate.objects.filter(project=project, employer_id=employer_id).order_by("pk")
    for contract_worker, trade, rate in rows.values_list(
        "contract__worker_id", "trade", "daily_rate"
    ):
        if contract_worker is not None:
            by_contract[contract_worker] = rate
        elif trade:
            by_trade[trade] = rate
    out = {}
    for worker in workers:
        rate = by_contract.get(worker.pk, by_trade.get(worker.trade))
        if rate is not None:
            out[worker.pk] = rate
    return out


def _line_payload(line: PayrollLine) -> dict:
    return {
        "worker": line.worker.name,
        "id_number_index": line.worker.id_number_index,
        "days": line.days,
        "daily_rate": line.daily_rate,
        "amount": line.amount,
    }


def payroll_draft(
    *,
    actor: Actor,
    project: Project,
    employer: Organisation,
    month: dt.date,
    today: dt.date | None = None,
) -> Payroll:
    """工资表: the employer's workers' days on site in the month (AttendanceDay) × their rates.
    A month already in arrears for want of a sheet hands its case to the new payroll."""
    # arrears.services reads this module's cycle rule: imported here, not at the top
    from jianguan.smartsite.wages.arrears.services import attach_payroll

    today = today or today_local()
    _require_gc(actor, project)
    month = workflow.first_of_month(month)
    _wf(workflow.check_month, month, today)
    account = WageAccount.objects.filter(project=project).first()
    if account is None:
        raise ValidationFailed(
            "本项目尚未开设农民工工资专用账户（第二十六条），不能编制工资表",
            code="no_wage_account",
        )
    if not Participant.objects.filter(
        project=project, organisation=employer, is_active=True
    ).exists():
        raise ValidationFailed("用工单位不是本项目的参建单位", code="employer_not_on_project")
    days = Counter(
        AttendanceDay.objects.filter(
            project=project,
            employer=employer,
            day__gte=month,
            day__lte=workflow.last_of_month(month),
            first_in__isnull=False,
        ).values_list("worker_id", flat=True)
    )
    if not days:
        raise ValidationFailed(
            f"{employer.name}在{month:%Y年%m月}没有考勤记录，无可编制的工资", code="no_attendance"
        )
    workers = {w.pk: w for w in Worker.objects.filter(pk__in=list(days))}
    lines, missing = workflow.sheet(
        dict(days), rates_for(project, employer.pk, list(workers.values()))
    )
    if missing:
        names = "、".join(workers[pk].name for pk in missing)
        raise ValidationFailed(
            f"以下工人尚无日工资标准，请先设定：{names}",
            code="rate_missing",
            details=[{"worker_id": pk, "name": workers[pk].name} for pk in missing],
        )
    try:
        with transaction.atomic():
            payroll = Payroll.objects.create(
                project=project,
                employer=employer,
                month=month,
                due_on=workflow.due_date(month, account.pay_day, cycle_months(month)),
                total=sum((line.amount for line in lines), Decimal(0)),
                drafted_by=actor.display_name or actor.username,
            )
            made = PayrollLine.objects.bulk_create(
                PayrollLine(
                    payroll=payroll,
                    worker=workers[line.worker_id],
                    days=line.days,
                    daily_rate=line.rate,
                    amount=line.amount,
                )
                for line in lines
            )
            attach_payroll(actor=actor, payroll=payroll)
            record(
                actor=actor,
                type="smartsite.payroll_drafted",
                obj=payroll,
                payload={
                    "project": project.code,
                    "employer": employer.credit_code,
                    "month": f"{month:%Y-%m}",
                    "due_on": payroll.due_on,
                    "total": payroll.total,
                    "lines": [_line_payload(line) for line in made],
                },
            )
    except IntegrityError:
        raise Conflict(
            f"{employer.name}{month:%Y年%m月}的工资表已编制", code="payroll_exists"
        ) from None
    return payroll


def _lock(payroll: Payroll) -> Payroll:
    return (
        Payroll.objects.select_for_update().select_related("project", "employer").get(pk=payroll.pk)
    )


@transaction.atomic
def payroll_confirm(*, actor: Actor, payroll: Payroll) -> Payroll:
    """The employer's labour officer verifies the month's workload (第三十一条)."""
    require(actor, "smartsite.payroll_confirm")
    payroll = _lock(payroll)
    if actor.organisation_id != payroll.employer_id:
        raise PermissionDenied("只能确认本单位的工资表", code="not_employer")
    _wf(workflow.check_confirm, payroll.status)
    payroll.status = workflow.CONFIRMED
    payroll.confirmed_by = actor.display_name or actor.username
    payroll.confirmed_at = now()
    payroll.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    record(
        actor=actor,
        type="smartsite.payroll_confirmed",
        obj=payroll,
        payload={"month": f"{payroll.month:%Y-%m}", "total": payroll.total},
    )
    return payroll


@transaction.atomic
def payroll_signatures_record(
    *, actor: Actor, payroll: Payroll, sheet: Any, signed_on: dt.date | None = None
) -> Payroll:
    """The workers have signed the paper sheet; the GC's labour officer uploads it (workers are
    not platform users). Every line still waiting is signed by it (a disputed one stays
    disputed); the sheet's SM3 goes into the ledger. One line at a time: signatures/services.py."""
    signed_on = signed_on or today_local()
    payroll = _lock(payroll)
    _require_gc(actor, payroll.project)
    _wf(workflow.check_sign, payroll.status)
    if signed_on > today_local():
        raise ValidationFailed("签字日期不能晚于今天", code="future_date")
    ext = uploads.check(sheet, "签字工资表", ("pdf", "jpeg"), uploads.MAX_DOC_BYTES)
    digest = uploads.sm3(sheet)
    payroll.signed_sheet.save(f"payroll-{payroll.pk}{ext}", sheet, save=False)
    payroll.signed_sheet_sm3 = digest
    payroll.status = workflow.SIGNED
    payroll.save(update_fields=["signed_sheet", "signed_sheet_sm3", "status", "updated_at"])
    signed = payroll.lines.filter(sign_status=workflow.LINE_PENDING).update(
        signed_on=signed_on,
        sign_status=workflow.LINE_SIGNED,
        sign_method="signature",
        signed_at=now(),
        signature_recorded_by=actor.display_name or actor.username,
    )
    record(
        actor=actor,
        type="smartsite.payroll_signed",
        obj=payroll,
        payload={"signed_on": signed_on, "workers": signed},
        files=[{"name": payroll.signed_sheet.name, "sm3": digest}],
    )
    return payroll


@transaction.atomic
def wage_pay(
    *,
    actor: Actor,
    payroll: Payroll,
    worker_id: int,
    amount: Any,
    paid_on: dt.date,
    bank_reference: str,
) -> WagePayment:
    """The GC pays one worker's bank card from the wage account (第三十一条); a partial payment
    leaves the rest owed (and counted as arrears after the pay day)."""
    payroll = _lock(payroll)
    _require_gc(actor, payroll.project)
    unsigned = payroll.lines.filter(sign_status=workflow.LINE_PENDING, amount__gt=0).count()
    _wf(workflow.check_pay, payroll.status, unsigned)
    line = payroll.lines.select_related("worker").filter(worker_id=worker_id).first()
    if line is None:
        raise NotFound("该工人不在此工资表上", code="line_not_found")
    _wf(workflow.check_line_payable, line.sign_status)
    value = _decimal(amount, "发放金额")
    _wf(workflow.check_amount, value, line.owed)
    if paid_on > today_local():
        raise ValidationFailed("发放日期不能晚于今天", code="future_date")
    if paid_on < payroll.month:
        raise ValidationFailed("发放日期不能早于工资所属月份", code="bad_paid_on")
    reference = _text(bank_reference, "银行流水号", 60, "bad_reference")
    payment = WagePayment.objects.create(
        line=line,
        amount=value,
        paid_on=paid_on,
        bank_reference=reference,
        recorded_by=actor.display_name or actor.username,
    )
    line.paid = line.paid + value
    line.save(update_fields=["paid"])
    payroll.paid = payroll.lines.aggregate(s=Sum("paid"))["s"] or Decimal(0)
    payroll.status = workflow.status_after_payment(payroll.total, payroll.paid)
    payroll.save(update_fields=["paid", "status", "updated_at"])
    record(
        actor=actor,
        type="smartsite.wage_paid",
        obj=payroll,
        payload={
            "worker": line.worker.name,
            "id_number_index": line.worker.id_number_index,
            "amount": value,
            "paid_on": paid_on,
            "bank_reference": reference,
            "line_owed": line.owed,
            "payroll_owed": payroll.owed,
        },
    )
    if payroll.status == workflow.PAID:
        _settle_arrears(actor, payroll)
    return payment


def _settle_arrears(actor: Actor, payroll: Payroll) -> None:
    from jianguan.projects.services.warnings import recompute_after_commit

    arrears = WageArrears.objects.filter(payroll=payroll, status=workflow.A_OPEN).first()
    if arrears is None:
        return
    arrears.status = workflow.A_SETTLED
    arrears.save(update_fields=["status", "updated_at"])
    record(
        actor=actor,
        type="smartsite.wage_arrears_settled",
        obj=arrears,
        payload={"payroll": str(payroll), "paid": payroll.paid},
    )
    recompute_after_commit(payroll.project_id)
