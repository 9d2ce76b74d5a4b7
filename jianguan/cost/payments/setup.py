"""What 预付款与质量保证金 registers with the platform (called from the app's ready()): grants,
ledger words and visibility, the claim deduction (扣回预付款), to-dos with their statutory
clocks, the project warning of retention not released in time, and the demo seeder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo

WARNING_CODE = "warning.retention_release_overdue_days"
MODULE = "contracts"  # the navigation entry (合同支付) whose badge counts these to-dos


def _todo(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    from jianguan.cost.payments import todo

    yield from todo.items(actor, today)


def _batch_facts(projects: list, today: dt.date | None = None) -> dict[int, dict[str, Any]]:
    """Releases the owner has not confirmed, or finance not paid, by their due date."""
    from django.db.models import Q

    from jianguan.core.timeutil import today_local
    from jianguan.cost.payments import workflow as wf
    from jianguan.cost.payments.models import RetentionRelease

    today = today or today_local()
    out: dict[int, dict[str, Any]] = {p.pk: {"retention_overdue": []} for p in projects}
    rows = RetentionRelease.objects.filter(contract__project_id__in=list(out)).filter(
        Q(status=wf.R_REQUESTED, confirm_due_on__lt=today)
        | Q(status=wf.R_CONFIRMED, pay_due_on__lt=today)
    )
    for pk, number, status, c_due, p_due in rows.values_list(
        "contract__project_id", "contract__number", "status", "confirm_due_on", "pay_due_on"
    ):
        due = c_due if status == wf.R_REQUESTED else p_due
        who = "建设单位未核实" if status == wf.R_REQUESTED else "财政部门未支付"
        out[pk]["retention_overdue"].append({"number": number, "who": who, "due_on": due})
    return out


def check_overdue(facts, today, thresholds):
    from jianguan.projects import warnings as w

    items = [i for i in facts.get("retention_overdue") or () if i.get("due_on")]
    if not items:
        return None
    worst = max(items, key=lambda i: (today - i["due_on"]).days)
    days = (today - worst["due_on"]).days
    level = w.level_reached(days, thresholds[WARNING_CODE])
    if not level:
        return None
    return level, f"合同 {worst['number']} 质量保证金返还{worst['who']}，逾期 {days} 天"


def _deduction_amount(claim) -> Any:
    from jianguan.cost.payments.services import recovery_amount

    return recovery_amount(claim)


def _deduction_on_approve(actor, claim) -> None:
    from jianguan.cost.payments.services import recover_on_approval

    recover_on_approval(actor, claim)


def _contract_rule(model, path: str):
    """A ledger entry of ours is visible to whoever sees its contract."""

    def rule(actor: Actor, object_id: str) -> bool:
        from jianguan.contracts.selectors import contract_list_visible_to

        if not object_id.isdigit():
            return False
        cid = model.objects.filter(pk=int(object_id)).values_list(path, flat=True).first()
        return cid is not None and contract_list_visible_to(actor=actor).filter(pk=cid).exists()

    return rule


def register_all() -> None:
    from jianguan.contracts.claims.deductions import Deduction, register_deduction
    from jianguan.core.demo import register_seeder
    from jianguan.cost.payments import permissions  # noqa: F401  (registers grants)
    from jianguan.cost.payments.models import (
        AdvancePayment,
        AdvanceRecovery,
        AdvanceTerms,
        RetentionHold,
        RetentionRelease,
    )
    from jianguan.ledger import labels, visibility
    from jianguan.projects import facts as project_facts
    from jianguan.projects import warnings as warning_rules

    register_deduction(
        Deduction("advance_recovery", "扣回预付款", _deduction_amount, _deduction_on_approve)
    )
    from jianguan.workbench.notifications.events import register_event

    register_event("cost_payments.advance", "预付款待办")
    register_event("cost_payments.retention", "质量保证金返还待办")
    register_todo("cost_payments.advance_approve", "预付款待审批", _todo)
    register_todo("cost_payments.advance_pay", "预付款待支付")
    register_todo("cost_payments.release_request", "质量保证金可申请返还")
    register_todo("cost_payments.release_confirm", "质量保证金返还待核实")
    register_todo("cost_payments.release_pay", "质量保证金返还待支付")
    labels.register(
        {
            "cost_payments.terms_set": "约定预付款扣回方式与缺陷责任期",
            "cost_payments.advance_requested": "申请预付款（附预付款保函）",
            "cost_payments.advance_approved": "批准预付款",
            "cost_payments.advance_rejected": "不予批准预付款",
            "cost_payments.advance_paid": "支付预付款",
            "cost_payments.advance_recovered": "进度款中扣回预付款",
            "cost_payments.retention_held": "暂扣质量保证金",
            "cost_payments.retention_hold_lifted": "解除质量保证金暂扣",
            "cost_payments.release_requested": "申请返还质量保证金",
            "cost_payments.release_confirmed": "确认返还质量保证金",
            "cost_payments.release_rejected": "不予确认返还质量保证金",
            "cost_payments.release_paid": "返还质量保证金",
        }
    )
    for model in (AdvanceTerms, AdvancePayment, RetentionHold, RetentionRelease):
        visibility.register(
            "cost_payments", model._meta.model_name, _contract_rule(model, "contract_id")
        )
    visibility.register(
        "cost_payments", "advancerecovery", _contract_rule(AdvanceRecovery, "claim__contract_id")
    )
    project_facts.register_provider(
        lambda p: _batch_facts([p])[p.pk], batch=_batch_facts, dated=True
    )
    warning_rules.register_rule(
        warning_rules.WarningRule(
            "retention_release_overdue",
            "质量保证金逾期未返还",
            check_overdue,
            (WARNING_CODE,),
            "《建设工程质量保证金管理办法》（建质〔2017〕138号）第十条、第十一条",
        )
    )
    register_seeder("cost_payments", "jianguan.cost.payments.demo:seed", order=95)


def url_of_contract() -> Any:
    return pk_url("cost_payments:contract")
