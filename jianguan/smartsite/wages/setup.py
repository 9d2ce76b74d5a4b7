"""What wages register with the platform (called from SmartsiteConfig.ready()): grants, the
periodic arrears scan, the project warning and its fact, the to-do items of the labour
officers and the regulator, notification events, ledger words and visibility, the project
page's link and the demo seeder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo


def _facts(projects: list) -> dict[int, dict[str, Any]]:
    from jianguan.smartsite.wages import workflow
    from jianguan.smartsite.wages.models import WageArrears

    out = {p.pk: {"wage_arrears_open": 0, "wage_arrears_repeated": 0} for p in projects}
    rows = WageArrears.objects.filter(project_id__in=list(out), status=workflow.A_OPEN).values_list(
        "project_id", "repeated"
    )
    for project_id, repeated in rows:
        out[project_id]["wage_arrears_open"] += 1
        out[project_id]["wage_arrears_repeated"] += int(repeated)
    return out


def check_wage_arrears(facts, today, thresholds):
    from jianguan.projects import warnings as warning_rules

    count = facts.get("wage_arrears_open") or 0
    if not count:
        return None
    if facts.get("wage_arrears_repeated"):
        return warning_rules.RED, f"屡次拖欠农民工工资（{count}期逾期未足额发放），须立即清偿"
    return warning_rules.ORANGE, f"拖欠农民工工资（{count}期逾期未足额发放），须限期清偿"


def _arrears_todo(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    from jianguan.smartsite.wages import selectors

    url = pk_url("smartsite:wage_arrears")
    for a in selectors.arrears_to_decide(actor=actor).order_by("found_on", "pk")[:200]:
        what = "屡次欠薪待认定" if a.repeated else "欠薪预警待跟进"
        late = (
            f"逾期未编制工资表（考勤 {a.worker_days} 人天）"
            if a.missing_sheet
            else f"逾期未发 {a.owed:,.2f} 元"
        )
        yield TodoItem(
            kind="smartsite.wage_arrears",
            title=f"{what}：{a.project.name}，{a.employer.name}{a.month:%Y年%m月}工资，{late}",
            url=url(a.pk),
            due=a.due_on,
            overdue=True,
            module="smartsite",
        )


def _payroll_todo(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    """The employer's labour officer confirms drafts; the GC's records signatures and pays."""
    from jianguan.projects.models import Participant
    from jianguan.smartsite.wages import workflow
    from jianguan.smartsite.wages.models import Payroll, WageArrears

    if actor.organisation_id is None:
        return
    url = pk_url("smartsite:payroll")
    if actor.can("smartsite.payroll_confirm"):
        drafts = Payroll.objects.filter(employer_id=actor.organisation_id, status=workflow.DRAFT)
        # A draft already in arrears is what holds the workers' pay up: the employer acts first.
        late = set(
            WageArrears.objects.filter(payroll__in=drafts, status=workflow.A_OPEN).values_list(
                "payroll_id", flat=True
            )
        )
        for p in drafts.select_related("project", "employer").order_by("due_on", "pk")[:200]:
            yield TodoItem(
                kind="smartsite.payroll_confirm",
                title=("欠薪预警，请立即" if p.pk in late else "")
                + f"确认工资表：{p.project.name}，{p.month:%Y年%m月}，{p.total:,.2f} 元",
                url=url(p.pk),
                due=p.due_on,
                overdue=p.pk in late or p.due_on < today,
                module="smartsite",
            )
    if actor.can("smartsite.wages_manage"):
        mine = Participant.objects.filter(
            organisation_id=actor.organisation_id, role="general_contractor", is_active=True
        ).values("project_id")
        todo = Payroll.objects.filter(
            project_id__in=mine,
            status__in=(workflow.CONFIRMED, workflow.SIGNED, workflow.PARTLY_PAID),
        ).select_related("project", "employer")
        for p in todo.order_by("due_on", "pk")[:200]:
            step = "登记工人签字" if p.status == workflow.CONFIRMED else "发放工资"
            yield TodoItem(
                kind="smartsite.payroll_pay",
                title=f"{step}：{p.project.name}，{p.employer.name}{p.month:%Y年%m月}，"
                f"未发 {p.owed:,.2f} 元",
                url=url(p.pk),
                due=p.due_on,
                overdue=p.due_on < today,
                module="smartsite",
            )
        missing = WageArrears.objects.filter(
            project_id__in=mine, payroll__isnull=True, status=workflow.A_OPEN
        ).select_related("project", "employer")
        case_url = pk_url("smartsite:wage_arrears")
        for a in missing.order_by("due_on", "pk")[:200]:
            yield TodoItem(
                kind="smartsite.payroll_missing",
                title=f"欠薪预警，补编工资表：{a.project.name}，{a.employer.name}"
                f"{a.month:%Y年%m月}（考勤 {a.worker_days} 人天）",
                url=case_url(a.pk),
                due=a.due_on,
                overdue=True,
                module="smartsite",
            )


def _dispute_todo(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    """A worker's dispute of its line (工资异议) for the regulator to follow up."""
    from jianguan.smartsite.wages import workflow
    from jianguan.smartsite.wages.models import PayrollLine

    if not (actor.is_kind("regulator") and actor.can("smartsite.wage_arrears_decide")):
        return
    url = pk_url("smartsite:payroll")
    lines = PayrollLine.objects.filter(
        sign_status=workflow.LINE_DISPUTED, payroll__status__in=workflow.UNPAID
    ).select_related("worker", "payroll__project", "payroll__employer")
    for line in lines.order_by("disputed_at", "pk")[:200]:
        p = line.payroll
        yield TodoItem(
            kind="smartsite.wage_dispute",
            title=f"工资异议待跟进：{p.project.name}，{p.employer.name}{p.month:%Y年%m月}，"
            f"{line.worker.name}：{line.dispute_reason}",
            url=url(p.pk) + "#lines",
            due=p.due_on,
            overdue=p.due_on < today,
            module="smartsite",
        )


def _sees(model):
    def rule(actor, object_id: str) -> bool:
        from jianguan.projects.visibility import is_participant

        if not object_id.isdigit():
            return False
        project_id = (
            model.objects.filter(pk=int(object_id)).values_list("project_id", flat=True).first()
        )
        return project_id is not None and (
            actor.can("projects.view_all") or is_participant(actor, project_id)
        )

    return rule


def _scan() -> object:
    from jianguan.smartsite.wages.arrears.services import arrears_scan

    return arrears_scan()


def may_open_wages(actor, project) -> bool:
    from jianguan.smartsite.workers.setup import may_open_roster

    return may_open_roster(actor, project)


def register_all() -> None:
    from jianguan.core import periodic
    from jianguan.ledger import labels, visibility
    from jianguan.projects import facts as project_facts
    from jianguan.projects import warnings as warning_rules
    from jianguan.smartsite.wages import permissions  # noqa: F401  (registers grants)
    from jianguan.smartsite.wages.models import PayRate, Payroll, WageAccount, WageArrears
    from jianguan.workbench.notifications.events import register_event

    periodic.register("smartsite.wage_arrears_scan", 3600, _scan)
    project_facts.register_provider(lambda p: _facts([p])[p.pk], batch=_facts)
    warning_rules.register_rule(
        warning_rules.WarningRule(
            "wage_arrears",
            "拖欠农民工工资",
            check_wage_arrears,
            (),
            "《保障农民工工资支付条例》第二十四条、第三十一条",
        )
    )
    register_todo("smartsite.wage_arrears", "欠薪预警", _arrears_todo)
    register_todo("smartsite.payroll_confirm", "工资表待确认", _payroll_todo)
    register_todo("smartsite.payroll_pay", "工资待签字或发放")
    register_todo("smartsite.payroll_missing", "欠薪：未编制工资表")
    register_todo("smartsite.wage_dispute", "工资异议待跟进", _dispute_todo)
    register_event("smartsite.wage_arrears", "欠薪预警")
    register_event("smartsite.wage_dispute", "工资异议")
    labels.register(
        {
            "smartsite.wage_account_opened": "开设农民工工资专用账户",
            "smartsite.wage_account_updated": "变更工资专用账户信息",
            "smartsite.pay_rate_set": "设定日工资标准",
            "smartsite.payroll_drafted": "编制工资表",
            "smartsite.payroll_confirmed": "分包单位确认工资表",
            "smartsite.payroll_signed": "登记工人签字确认",
            "smartsite.payroll_line_signed": "登记工人本人签字",
            "smartsite.payroll_line_disputed": "登记工人对工资表的异议",
            "smartsite.wage_arrears_sheet_drafted": "欠薪月份补编工资表",
            "smartsite.wage_paid": "发放农民工工资",
            "smartsite.wage_arrears_found": "发现拖欠农民工工资",
            "smartsite.wage_arrears_settled": "欠薪已补发",
            "smartsite.wage_arrears_confirmed": "认定屡次欠薪并记入信用",
            "smartsite.wage_arrears_dismissed": "欠薪经核查不予记录",
        }
    )
    for model in (WageAccount, PayRate, Payroll, WageArrears):
        visibility.register("smartsite", model._meta.model_name, _sees(model))

    from jianguan.contracts.claims.extra_checks import register_claim_check
    from jianguan.smartsite.wages.claims_check import CODE, labour_days_check

    register_claim_check(CODE, labour_days_check)

    from jianguan.projects.links import ProjectLink, register_project_link

    register_project_link(
        ProjectLink(
            key="smartsite.wages",
            label="农民工工资",
            url_name="smartsite:wages",
            icon="ti-cash",
            allowed=may_open_wages,
            order=41,
        )
    )
    from jianguan.core.demo import register_seeder

    register_seeder("smartsite_wages", "jianguan.smartsite.wages.demo:seed", order=86)
