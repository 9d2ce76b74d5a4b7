"""What 竣工结算 registers with the platform (called from the app's ready()): grants, ledger
words and visibility, to-do items with their clocks, the review-period sweep, the project
register's facts and the 结算 → 保修 guard, the overpayment warning, navigation, the project
page's link and the demo seeder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo

WARNING_CODE = "warning.settlement_refund_overdue_days"
MODULE = "cost_settlement"


def _account_todo(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    from jianguan.cost.settlement import selectors
    from jianguan.cost.settlement import workflow as wf
    from jianguan.cost.settlement.closing import PARTY_FIELD
    from jianguan.cost.settlement.models import FinalAccountSignature

    if not actor.can("cost_settlement.view") or actor.organisation_id is None:
        return
    org = actor.organisation_id
    url = pk_url("cost_settlement:account")
    live = (wf.DRAFT, wf.SUBMITTED, wf.AUDITED, wf.CONFIRMED, wf.SIGNED)
    accounts = list(selectors.accounts_visible_to(actor).filter(status__in=live)[:200])
    to_sign = [a.pk for a in accounts if a.status == wf.CONFIRMED]
    signed = set()
    if to_sign and actor.can("cost_settlement.sign"):  # the second query, only when needed
        signed = set(
            FinalAccountSignature.objects.filter(
                account_id__in=to_sign, organisation_id=org
            ).values_list("account_id", flat=True)
        )
    for a in accounts:
        c, name = a.contract, f"{a.number}（{a.project.name}）"
        is_owner, is_contractor = c.employer_id == org, c.contractor_id == org
        if a.status == wf.DRAFT and is_contractor and actor.can("cost_settlement.prepare"):
            yield TodoItem(
                "cost_settlement.submit",
                f"提交竣工结算：{name}",
                url(a.pk),
                a.submit_due_on,
                a.submit_due_on < today,
                MODULE,
            )
        elif a.status == wf.SUBMITTED and is_owner and actor.can("cost_settlement.review"):
            due = a.review_due_on
            yield TodoItem(
                "cost_settlement.review",
                f"审核竣工结算：{name}",
                url(a.pk),
                due,
                bool(due and due < today),
                MODULE,
            )
        elif a.status == wf.AUDITED and is_owner and actor.can("cost_settlement.review"):
            yield TodoItem(
                "cost_settlement.confirm", f"确认审定结算金额：{name}", url(a.pk), module=MODULE
            )
        elif a.status == wf.CONFIRMED and a.pk not in signed and actor.can("cost_settlement.sign"):
            if any(getattr(c, f"{f}_id") == org for f in PARTY_FIELD.values()):
                yield TodoItem(
                    "cost_settlement.sign", f"签署结算书：{name}", url(a.pk), module=MODULE
                )
        elif a.status == wf.SIGNED and a.final_balance is not None:
            payer = (is_owner or c.finance_bureau_id == org) and actor.can("cost_settlement.pay")
            if a.final_balance > 0 and payer:
                yield TodoItem(
                    "cost_settlement.pay", f"支付结算尾款：{name}", url(a.pk), module=MODULE
                )
            elif a.final_balance < 0 and (is_contractor or payer):
                due = a.refund_due_on
                what = "退还超付工程款" if is_contractor else "督促并登记退还超付款"
                yield TodoItem(
                    "cost_settlement.refund",
                    f"{what}：{name}",
                    url(a.pk),
                    due,
                    bool(due and due < today),
                    MODULE,
                )


def _stage_todo(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    from jianguan.cost.settlement import selectors
    from jianguan.cost.settlement import workflow as wf

    if actor.organisation_id is None:
        return
    if actor.can("cost_settlement.review"):
        stages = selectors.stages_visible_to(actor).filter(
            status=wf.STAGE_SUBMITTED, contract__employer_id=actor.organisation_id
        )
        url = pk_url("cost_settlement:stage")
        for s in stages[:100]:
            yield TodoItem(
                "cost_settlement.stage_agree",
                f"确认过程结算：{s.number}（{s.contract.project.name}）",
                url(s.pk),
                module=MODULE,
            )
    if actor.can("cost_settlement.prepare"):
        from django.urls import reverse

        waiting = selectors.contracts_for_settlement(actor).filter(
            contractor_id=actor.organisation_id,
            project__completion_date__isnull=False,
            final_account__isnull=True,
        )
        for c in waiting[:50]:
            yield TodoItem(
                "cost_settlement.prepare",
                f"编制竣工结算：{c.number} {c.title}",
                reverse("cost_settlement:contract", args=[c.pk]),
                module=MODULE,
            )


def batch_facts(projects: list, today: dt.date | None = None) -> dict[int, dict[str, Any]]:
    """Per project: main contracts whose settlement is not yet signed by all parties, and
    overpayments not returned past their period."""
    from django.db.models import Q, Sum

    from jianguan.contracts.models import Contract
    from jianguan.contracts.workflow import COMPLETED, IN_FORCE
    from jianguan.core.timeutil import today_local
    from jianguan.cost.settlement import workflow as wf
    from jianguan.cost.settlement.models import FinalAccount

    today = today or today_local()
    ids = [p.pk for p in projects]
    out: dict[int, dict[str, Any]] = {
        pk: {"settlement_unsigned": 0, "settlement_refund_overdue": []} for pk in ids
    }
    done = (wf.SIGNED, wf.CLOSED)
    rows = (
        Contract.objects.filter(project_id__in=ids, kind="main", status__in=(*IN_FORCE, COMPLETED))
        .exclude(final_account__status__in=done)
        .values_list("project_id", flat=True)
    )
    for pk in rows:
        out[pk]["settlement_unsigned"] += 1
    late = (
        FinalAccount.objects.filter(
            project_id__in=ids, status=wf.SIGNED, final_balance__lt=0, refund_due_on__lt=today
        )
        .annotate(back=Sum("payments__amount", filter=Q(payments__direction=wf.REFUND)))
        .values_list("project_id", "number", "refund_due_on", "final_balance", "back")
    )
    for pk, number, due, balance, back in late:
        if (back or 0) < -balance:
            out[pk]["settlement_refund_overdue"].append({"number": number, "due_on": due})
    return out


def check_refund_overdue(facts, today, thresholds):
    from jianguan.projects import warnings as w

    items = [i for i in facts.get("settlement_refund_overdue") or () if i.get("due_on")]
    if not items:
        return None
    worst = min(items, key=lambda i: i["due_on"])
    days = (today - worst["due_on"]).days
    level = w.level_reached(days, thresholds[WARNING_CODE])
    if not level:
        return None
    return level, f"{worst['number']} 超付工程款逾期 {days} 天未退还"


def _sweep() -> object:
    from jianguan.cost.settlement.services import clock_sweep

    return clock_sweep()


def _account_rule(actor: Actor, object_id: str) -> bool:
    from jianguan.cost.settlement import selectors

    return object_id.isdigit() and (
        selectors.accounts_visible_to(actor).filter(pk=int(object_id)).exists()
    )


def _stage_rule(actor: Actor, object_id: str) -> bool:
    from jianguan.cost.settlement import selectors

    return (
        object_id.isdigit()
        and selectors.stages_visible_to(actor).filter(pk=int(object_id)).exists()
    )


def _terms_rule(actor: Actor, object_id: str) -> bool:
    from jianguan.cost.settlement import selectors
    from jianguan.cost.settlement.models import SettlementTerms

    if not object_id.isdigit() or not actor.can("cost_settlement.view"):
        return False
    cid = SettlementTerms.objects.filter(pk=int(object_id)).values_list("contract_id", flat=True)
    return (
        actor.is_system
        or actor.is_kind("regulator")
        or selectors.contracts_for_settlement(actor).filter(pk__in=cid).exists()
    )


def _unsubmitted(actor: Actor):
    """Entries about a draft never submitted stay with the contractor who drafts it."""
    from jianguan.cost.settlement import selectors
    from jianguan.cost.settlement.models import FinalAccount

    qs = FinalAccount.objects.filter(selectors.unsubmitted_q())
    if actor.organisation_id is not None:
        qs = qs.exclude(contract__contractor_id=actor.organisation_id)
    return qs


def _may_view(actor, project) -> bool:
    return actor.can("cost_settlement.view")


def register_all() -> None:
    from jianguan.core import periodic
    from jianguan.core.demo import register_seeder
    from jianguan.cost.settlement import permissions  # noqa: F401  (registers grants)
    from jianguan.ledger import labels, visibility
    from jianguan.projects import facts as project_facts
    from jianguan.projects import warnings as warning_rules
    from jianguan.projects import workflow as project_workflow
    from jianguan.projects.links import ProjectLink, register_project_link
    from jianguan.web.nav import NavItem, register

    periodic.register("cost_settlement.clock_sweep", 3600, _sweep)
    register_todo("cost_settlement.submit", "竣工结算待提交", _account_todo)
    for kind, label in {
        "cost_settlement.review": "竣工结算待审核",
        "cost_settlement.confirm": "审定结算金额待确认",
        "cost_settlement.sign": "结算书待签署",
        "cost_settlement.pay": "结算尾款待支付",
        "cost_settlement.refund": "超付工程款待退还",
    }.items():
        register_todo(kind, label)
    register_todo("cost_settlement.stage_agree", "过程结算待确认", _stage_todo)
    register_todo("cost_settlement.prepare", "竣工结算待编制")
    from jianguan.workbench.notifications.events import register_event

    for kind, label in {
        "cost_settlement.review": "竣工结算待审核",
        "cost_settlement.audit": "竣工结算待审计",
        "cost_settlement.returned": "竣工结算被退回",
        "cost_settlement.sign": "结算书待签署",
    }.items():
        register_event(kind, label)
    labels.register(
        {
            "cost_settlement.terms_set": "约定竣工结算条款",
            "cost_settlement.account_created": "编制竣工结算",
            "cost_settlement.account_submitted": "提交竣工结算",
            "cost_settlement.account_accepted": "发包人审核通过竣工结算",
            "cost_settlement.account_returned": "发包人退回竣工结算",
            "cost_settlement.review_lapsed": "发包人审核期限届满",
            "cost_settlement.audit_started": "开始结算审计",
            "cost_settlement.audit_finished": "结算审计完成",
            "cost_settlement.amount_confirmed": "确认结算金额",
            "cost_settlement.signed": "签署结算书",
            "cost_settlement.settlement_signed": "结算书各方签署完成",
            "cost_settlement.payment_recorded": "支付结算尾款",
            "cost_settlement.refund_recorded": "退还超付工程款",
            "cost_settlement.closed": "结算结清",
            "cost_settlement.stage_submitted": "申报过程结算",
            "cost_settlement.stage_agreed": "确认过程结算",
            "cost_settlement.stage_rejected": "不同意过程结算",
        }
    )
    visibility.register("cost_settlement", "finalaccount", _account_rule)
    visibility.register("cost_settlement", "stagesettlement", _stage_rule)
    visibility.register("cost_settlement", "settlementterms", _terms_rule)
    visibility.embargo(
        "cost_settlement",
        "finalaccount",
        objects=_unsubmitted,
        reason="承包人尚未提交的竣工结算草稿仅承包人可见",
    )
    project_facts.register_provider(lambda p: batch_facts([p])[p.pk], batch=batch_facts, dated=True)
    project_workflow.register_guard(
        project_workflow.Stage.WARRANTY,
        project_workflow.Guard(
            "settlement_signed",
            "施工总承包合同的竣工结算书须经各方签署",
            "《建设工程价款结算暂行办法》第十四条、财建〔2022〕183号",
            lambda f: f.get("settlement_unsigned", 0) == 0,
        ),
    )
    warning_rules.register_rule(
        warning_rules.WarningRule(
            "settlement_refund_overdue",
            "超付工程款逾期未退还",
            check_refund_overdue,
            (WARNING_CODE,),
            "财建〔2022〕183号",
        )
    )
    register(
        NavItem(
            MODULE, "竣工结算", "cost_settlement:index", "ti-receipt-2", "cost_settlement.view", 55
        )
    )
    register_project_link(
        ProjectLink(MODULE, "竣工结算", "cost_settlement:project", "ti-receipt-2", _may_view, 70)
    )
    register_seeder(MODULE, "jianguan.cost.settlement.demo:seed", order=96)
