"""A coherent month of wages on the demo contractor's first site with real-name workers, all
through the services: the wage account (opened by 吴项目's company), daily rates per trade set
by the labour subcontractor's labour officer (a demo login, ``labour``), last month's
attendance entered by the GC's labour officer under contracts covering that month, the payroll
drafted, confirmed by the subcontractor, signed by each worker (one by the paper sheet, one
disputing its days), and paid — every worker but two in full, one in part, the disputed one
not — then the arrears scan. Idempotent: does nothing once a payroll
exists.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.accounts import services as accounts
from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import Membership, Organisation, User
from jianguan.core.actor import SYSTEM
from jianguan.core.errors import DomainError
from jianguan.core.timeutil import SHANGHAI, today_local
from jianguan.projects.models import Participant
from jianguan.smartsite.wages import services, workflow
from jianguan.smartsite.wages.arrears import services as arrears_services
from jianguan.smartsite.wages.models import Payroll
from jianguan.smartsite.wages.signatures import services as signature_services
from jianguan.smartsite.workers import crypto
from jianguan.smartsite.workers import services as worker_services
from jianguan.smartsite.workers.attendance import services as attendance_services
from jianguan.smartsite.workers.models import GateDevice, Placement

# 日工资 per trade, yuan (Beijing site rates of the kind quoted by labour firms).
RATES = {"rebar_worker": "380", "formwork_carpenter": "400", "concrete_worker": "330",
         "mason": "360", "scaffolder": "370", "electrician": "420", "welder": "430",
         "plumber": "380", "general_labourer": "260", "signaller": "300",
         "tower_crane_operator": "480", "waterproofer": "350", "plasterer": "360"}  # fmt: skip


def _sheet(payroll: Payroll) -> bytes:
    """The paper wage sheet as the workers signed it (a scan stands in: a rendered PDF)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    from jianguan.core import pdf

    body = pdf.style(9)
    rows = [["姓名", "工种", "出勤天数", "日工资（元）", "应发（元）", "本人签字"]]
    for line in payroll.lines.select_related("worker").order_by("worker__name", "pk"):
        rows.append([
            line.worker.name, line.worker.get_trade_display(), str(line.days),
            f"{line.daily_rate:,.2f}", f"{line.amount:,.2f}", line.worker.name,
        ])  # fmt: skip
    story = [
        Paragraph(pdf.esc(f"{payroll.project.name} 农民工工资支付表"), pdf.style(14, centre=True)),
        Paragraph(pdf.esc(f"用工单位：{payroll.employer.name}  月份：{payroll.month:%Y年%m月}"), body),
        Spacer(1, 4 * mm),
        pdf.grid(rows, [25 * mm, 30 * mm, 20 * mm, 28 * mm, 30 * mm, 30 * mm], header=True),
        Spacer(1, 4 * mm),
        Paragraph(pdf.esc(f"合计应发 {payroll.total:,.2f} 元。经本人签字确认（《保障农民工工资支付条例》第三十一条）。"), body),
    ]  # fmt: skip
    return pdf.render(story, title=f"{payroll.month:%Y年%m月}工资支付表")


def _labour_officer(org: Organisation):
    user = User.objects.filter(username="labour").first()
    if user is None:
        user = accounts.user_create(
            actor=SYSTEM, username="labour", password=settings.DEMO_PASSWORD, display_name="董劳资"
        )
    if not Membership.objects.filter(user=user, organisation=org).exists():
        accounts.membership_grant(
            actor=SYSTEM, user=user, organisation=org, roles=["admin", "staff"]
        )
    return actor_for(user, org.pk)


def _site(gc_org_id: int):
    mine = Participant.objects.filter(
        organisation_id=gc_org_id, role="general_contractor", is_active=True
    ).values("project_id")
    placement = (
        Placement.objects.filter(project_id__in=mine, status="active")
        .select_related("project", "worker__employer")
        .order_by("project__code", "pk")
        .first()
    )
    return (placement.project, placement.worker.employer) if placement else (None, None)


def seed() -> dict[str, object]:
    user = User.objects.filter(username="contractor").first()
    if user is None or Payroll.objects.exists():
        return {"skipped": True}
    gc = actor_for(user)
    project, labour_org = _site(gc.organisation_id)
    if project is None:
        return {"skipped": True}
    labour = _labour_officer(labour_org)
    rng = random.Random(31)
    today = today_local()
    month = workflow.add_months(workflow.first_of_month(today), -1)
    end = workflow.last_of_month(month)
    services.wage_account_save(
        actor=gc,
        project=project,
        bank="中国工商银行北京大兴支行",
        account_number="0200049619200123456",
        opened_on=month - dt.timedelta(days=45),
        pay_day=15,
        labour_officer_name=gc.display_name or "吴项目",
        labour_officer_phone="13801012345",
    )
    placements = list(
        Placement.objects.filter(project=project, status="active", worker__employer=labour_org)
        .select_related("worker")
        .order_by("worker__name", "pk")
    )
    for trade in sorted({p.worker.trade for p in placements}):
        services.pay_rate_set(
            actor=labour, project=project, trade=trade, daily_rate=RATES.get(trade, "320")
        )
    # Last month's attendance comes through the site's gate, as a real site's does (the
    # labour officer's manual entry is for a gate out of order, and each one is ledgered).
    gate = GateDevice.objects.filter(project=project, is_active=True).order_by("pk").first()
    events = 0
    for p in placements:
        # the labour contract for last month's work on this site (the demo's later one follows it)
        worker_services.labour_contract_sign(
            actor=labour, worker=p.worker, project=project, start=month, end=end, signed_on=month
        )
        number = crypto.decrypt(p.worker.id_number_cipher, context="id_number")
        day = month
        while day <= end:
            if day.weekday() != 6 and rng.random() > 0.1:  # Sundays and a day off now and then
                for direction, hour, minute in (("in", 6, rng.randint(45, 59)), ("out", 17, 30)):
                    at = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)
                    if gate is not None:
                        attendance_services.gate_event_record(
                            device=gate, id_number=number, direction=direction, at=at
                        )
                    else:
                        attendance_services.attendance_record_manual(
                            actor=gc, project=project, worker=p.worker, direction=direction, at=at
                        )
                    events += 1
            day += dt.timedelta(days=1)
    payroll = services.payroll_draft(actor=gc, project=project, employer=labour_org, month=month)
    services.payroll_confirm(actor=labour, payroll=payroll)
    lines = list(payroll.lines.order_by("worker__name", "pk"))
    for n, line in enumerate(lines[:-2]):  # each worker signs its own line, a few by fingerprint
        signature_services.payroll_line_sign(
            actor=gc,
            payroll=payroll,
            worker_id=line.worker_id,
            method="fingerprint" if n % 4 == 3 else "signature",
        )
    signature_services.payroll_line_dispute(
        actor=gc,
        payroll=payroll,
        worker_id=lines[-1].worker_id,
        reason="本人记录的出勤天数比考勤多两天，暂不签字",
    )
    # the one left signed the paper sheet, uploaded as before
    services.payroll_signatures_record(
        actor=gc,
        payroll=payroll,
        sheet=SimpleUploadedFile("payroll.pdf", _sheet(payroll), "application/pdf"),
        signed_on=min(today, end + dt.timedelta(days=3)),
    )
    paid_on = min(today, end + dt.timedelta(days=5))
    for n, line in enumerate(lines):
        if n == len(lines) - 1:
            continue  # disputed: not paid until the worker signs
        amount = line.amount if n != len(lines) - 2 else (line.amount / 2).quantize(Decimal("1"))
        try:
            services.wage_pay(
                actor=gc,
                payroll=payroll,
                worker_id=line.worker_id,
                amount=amount,
                paid_on=paid_on,
                bank_reference=f"ICBC{paid_on:%Y%m%d}{n + 1:04d}",
            )
        except DomainError:  # pragma: no cover - a demo refusal must not stop the seeding
            continue
    found = arrears_services.arrears_scan(today=today)
    payroll.refresh_from_db()
    return {
        "project": project.code,
        "workers": len(lines),
        "events": events,
        "total": str(payroll.total),
        "paid": str(payroll.paid),
        "arrears": found,
    }
