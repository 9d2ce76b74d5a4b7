"""The writes of investment control and tracking audit: the owner's cost plan and monthly
payment plan, the engagement of a tracking audit firm (by the owner or the finance bureau),
opinions (by the engaged firm only), the owner's answers and the firm's confirmation. Each is
one transaction with its ledger entry; notifications go out after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse

from jianguan.accounts.models import Membership, Organisation
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jianguan.core.money import DecimalProblem, strict_decimal
from jianguan.core.permissions import require
from jianguan.core.timeutil import now, today_local
from jianguan.cost.control import selectors, workflow
from jianguan.cost.control.models import CostPlan, Engagement, Opinion, PaymentPlanMonth
from jianguan.ledger.services import record
from jianguan.projects.models import Project

CENT = Decimal("0.01")
MAX_PLAN_MONTHS = 240


def _amount(raw: Any, what: str, *, allow_none: bool = False) -> Decimal | None:
    if raw in (None, "") and allow_none:
        return None
    try:
        value = strict_decimal(
            raw if isinstance(raw, Decimal) else str(raw if raw is not None else "").strip()[:40],
            places=2,
            int_digits=14,
            minimum=Decimal(0),
        )
    except DecimalProblem as exc:
        why = "不能为负" if exc.kind == "below_minimum" else "须为不超过两位小数的金额"
        raise ValidationFailed(f"{what}{why}", code="bad_amount", details={"field": what}) from None
    return value.quantize(CENT)


def _text(raw: Any, what: str) -> str:
    text = str(raw or "").strip()
    if not text:
        raise ValidationFailed(f"请填写{what}", code="empty_text")
    if len(text) > workflow.MAX_TEXT:
        raise ValidationFailed(f"{what}不能超过 {workflow.MAX_TEXT} 字", code="text_too_long")
    return text


def _require_owner(actor: Actor, project: Project, permission: str, message: str) -> None:
    require(actor, permission)
    if project.owner_id != actor.organisation_id:
        raise PermissionDenied(message, code="not_project_owner")


def members(org_ids: Iterable[int]) -> list[int]:
    rows = Membership.objects.filter(organisation_id__in=list(org_ids), is_active=True)
    return sorted(set(rows.values_list("user_id", flat=True)))


def tell(user_ids: list[int], *, kind: str, title: str, url: str, urgent: bool = False) -> None:
    from jianguan.workbench.notifications.services import notify

    if user_ids:
        transaction.on_commit(
            lambda: notify(recipients=user_ids, kind=kind, title=title, url=url, urgent=urgent)
        )


# --- the owner's plan --------------------------------------------------------------------------


def cost_plan_update(
    *, actor: Actor, project: Project, budget_amount: Any, contingency: Any, note: str = ""
) -> CostPlan:
    """预算 (blank: the tenders' price ceilings stand for it) and the contingency that the
    forecast final cost carries until settlement."""
    _require_owner(actor, project, "cost_control.plan", "只有本项目的建设单位可以填报投资控制参数")
    budget = _amount(budget_amount, "预算", allow_none=True)
    reserve = _amount(contingency if contingency not in (None, "") else "0", "预留不可预见费")
    note = str(note or "").strip()[:500]
    with transaction.atomic():
        plan, _ = CostPlan.objects.select_for_update().get_or_create(
            project=project, defaults={"updated_by": actor.username}
        )
        plan.budget_amount, plan.contingency, plan.note = budget, reserve, note
        plan.updated_by = actor.username
        plan.save()
        record(
            actor=actor,
            type="cost_control.plan_updated",
            obj=project,
            payload={
                "project": project.code,
                "budget": budget,
                "contingency": reserve,
                "note": note,
            },
        )
    return plan


def _month(raw: Any) -> dt.date:
    text = str(raw or "").strip()[:10]
    try:
        day = dt.date.fromisoformat(text if len(text) > 7 else f"{text}-01")
    except ValueError:
        raise ValidationFailed(f"月份“{text}”格式应为 2026-03", code="bad_month") from None
    if not 2000 <= day.year <= 2100:
        raise ValidationFailed("月份须在 2000 年至 2100 年之间", code="bad_month")
    return day.replace(day=1)


def payment_plan_set(*, actor: Actor, project: Project, months: Any) -> list[PaymentPlanMonth]:
    """Set the planned payment of the months given (an amount of 0 removes a month)."""
    _require_owner(actor, project, "cost_control.plan", "只有本项目的建设单位可以填报资金支付计划")
    if not isinstance(months, list | tuple) or not months:
        raise ValidationFailed("请至少填写一个月的计划支付", code="no_months")
    if len(months) > MAX_PLAN_MONTHS:
        raise ValidationFailed(f"一次最多填写 {MAX_PLAN_MONTHS} 个月", code="too_many_months")
    wanted: dict[dt.date, Decimal] = {}
    for row in months:
        if not isinstance(row, dict):
            raise ValidationFailed("每个月须包含月份与金额", code="bad_month")
        month = _month(row.get("month"))
        if month in wanted:
            raise ValidationFailed(f"{month:%Y-%m} 重复填写", code="duplicate_month")
        wanted[month] = _amount(row.get("amount"), f"{month:%Y-%m} 计划支付")
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        PaymentPlanMonth.objects.filter(project=project, month__in=list(wanted)).delete()
        PaymentPlanMonth.objects.bulk_create(
            PaymentPlanMonth(project=project, month=m, amount=a) for m, a in wanted.items() if a
        )
        record(
            actor=actor,
            type="cost_control.payment_plan_set",
            obj=project,
            payload={
                "project": project.code,
                "months": {f"{m:%Y-%m}": a for m, a in wanted.items()},
            },
        )
    return list(PaymentPlanMonth.objects.filter(project=project))


# --- engagement ----------------------------------------------------------------------------


def engagement_create(
    *, actor: Actor, project: Project, firm_id: Any, reference: str, started_on: Any = None
) -> Engagement:
    """The owner (of this project) or the finance bureau engages an audit firm; one at a time."""
    require(actor, "cost_control.engage")
    if not actor.is_kind("finance_bureau") and project.owner_id != actor.organisation_id:
        raise PermissionDenied(
            "只有本项目的建设单位或财政部门可以委托跟踪审计", code="not_project_owner"
        )
    try:
        firm = Organisation.objects.get(pk=int(firm_id), kind="auditor")
    except (TypeError, ValueError, Organisation.DoesNotExist):
        raise ValidationFailed("请选择第三方审计机构", code="bad_firm") from None
    reference = str(reference or "").strip()
    if not reference or len(reference) > 100:
        raise ValidationFailed("请填写委托合同编号（不超过100字）", code="bad_reference")
    if started_on in (None, ""):
        started = today_local()
    else:
        try:
            started = (
                started_on
                if isinstance(started_on, dt.date)
                else dt.date.fromisoformat(str(started_on)[:10])
            )
        except ValueError:
            raise ValidationFailed("开始日期格式应为 2026-03-01", code="bad_date") from None
        if started > today_local():
            raise ValidationFailed("开始日期不能晚于今天", code="bad_date")
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        current = Engagement.objects.filter(project=project, ended_on__isnull=True).first()
        if current is not None:
            raise Conflict(
                f"本项目已委托{current.firm.name}开展跟踪审计，须先结束该委托",
                code="already_engaged",
            )
        e = Engagement.objects.create(
            project=project,
            firm=firm,
            engaged_by_org_id=actor.organisation_id,
            engaged_by_id=actor.user_id,
            reference=reference,
            started_on=started,
        )
        record(
            actor=actor,
            type="cost_control.engaged",
            obj=e,
            payload={
                "project": project.code,
                "firm": firm.name,
                "reference": reference,
                "started_on": started,
            },
        )
    tell(
        members([firm.pk]),
        kind="cost_control.engaged",
        title=f"受托对{project.name}开展全过程跟踪审计",
        url=reverse("cost_control:tracking", args=[project.pk]),
    )
    return e


def engagement_end(*, actor: Actor, engagement: Engagement) -> Engagement:
    require(actor, "cost_control.engage")
    project = engagement.project
    if not actor.is_kind("finance_bureau") and project.owner_id != actor.organisation_id:
        raise PermissionDenied(
            "只有本项目的建设单位或财政部门可以结束委托", code="not_project_owner"
        )
    with transaction.atomic():
        e = Engagement.objects.select_for_update().get(pk=engagement.pk)
        if e.ended_on is not None:
            raise Conflict("该委托已经结束", code="engagement_ended")
        e.ended_on = today_local()
        e.save(update_fields=["ended_on", "updated_at"])
        record(
            actor=actor,
            type="cost_control.engagement_ended",
            obj=e,
            payload={"project": project.code, "firm": e.firm.name, "ended_on": e.ended_on},
        )
    return e


# --- opinions --------------------------------------------------------------------------------


def _answer_days(day: dt.date) -> int:
    from jianguan.rules.lookup import rule_value

    return int(rule_value(workflow.ANSWER_RULE, on=day))


def opinion_raise(
    *, actor: Actor, project: Project, subject_kind: Any, subject_id: Any, text: Any
) -> Opinion:
    """An opinion of the engaged firm on a variation, claim, review or payment of the project;
    the owner answers within the rule's working days, and the contract's next claim waits."""
    require(actor, "cost_control.opinion")
    engagement = Engagement.objects.filter(
        project=project, firm_id=actor.organisation_id or 0, ended_on__isnull=True
    ).first()
    if engagement is None:
        raise PermissionDenied("贵单位未受托对本项目开展全过程跟踪审计", code="not_engaged")
    if subject_kind not in workflow.SUBJECT_KINDS:
        raise ValidationFailed("审计对象类型不正确", code="bad_subject_kind")
    try:
        sid = int(subject_id)
    except (TypeError, ValueError):
        raise NotFound("本项目没有该审计对象", code="subject_not_found") from None
    body = _text(text, "审计意见")
    contract, label = selectors.subject_of(project, subject_kind, sid, actor=actor)
    from jianguan.rules.lookup import add_working_days

    today = today_local()
    due = workflow.due_on(
        today, _answer_days(today), lambda d, n: add_working_days(d, n, provisional=True)
    )
    with transaction.atomic():
        Engagement.objects.select_for_update().filter(pk=engagement.pk).first()
        n = Opinion.objects.filter(engagement=engagement).count() + 1
        o = Opinion.objects.create(
            engagement=engagement,
            project=project,
            contract=contract,
            number=f"GZSJ-{project.code}-{engagement.pk}-{n:03d}",
            subject_kind=subject_kind,
            subject_id=sid,
            subject_label=label[:200],
            text=body,
            raised_by_id=actor.user_id,
            due_on=due,
        )
        record(
            actor=actor,
            type="cost_control.opinion_raised",
            obj=o,
            payload={
                "number": o.number,
                "contract": contract.number,
                "subject": subject_kind,
                "subject_id": sid,
                "subject_label": o.subject_label,
                "text": body,
                "due_on": due,
            },
        )
    tell(
        members([project.owner_id]),
        kind="cost_control.opinion_new",
        title=f"跟踪审计意见待答复：{o.number}（{label}），请于 {due} 前答复",
        url=reverse("cost_control:opinion", args=[o.pk]),
    )
    return o


def opinion_answer(*, actor: Actor, opinion: Opinion, text: Any) -> Opinion:
    _require_owner(
        actor, opinion.project, "cost_control.answer", "只有本项目的建设单位可以答复审计意见"
    )
    body = _text(text, "答复内容")
    with transaction.atomic():
        o = Opinion.objects.select_for_update().get(pk=opinion.pk)
        workflow.check_answerable(o.status)
        o.status, o.answer = workflow.ANSWERED, body
        o.answered_by_id, o.answered_at = actor.user_id, now()
        o.save()
        record(
            actor=actor,
            type="cost_control.opinion_answered",
            obj=o,
            payload={"number": o.number, "answer": body, "late": o.due_on < today_local()},
        )
    tell(
        members([o.engagement.firm_id]),
        kind="cost_control.opinion_answered",
        title=f"建设单位已答复跟踪审计意见 {o.number}",
        url=reverse("cost_control:opinion", args=[o.pk]),
    )
    return o


def opinion_close(*, actor: Actor, opinion: Opinion) -> Opinion:
    """The engaged firm accepts the answer (a further concern is a new opinion)."""
    require(actor, "cost_control.opinion")
    if opinion.engagement.firm_id != actor.organisation_id:
        raise PermissionDenied("只有出具该意见的审计单位可以确认", code="not_engaged")
    with transaction.atomic():
        o = Opinion.objects.select_for_update().get(pk=opinion.pk)
        workflow.check_closable(o.status)
        o.status, o.closed_at = workflow.CLOSED, now()
        o.save(update_fields=["status", "closed_at", "updated_at"])
        record(actor=actor, type="cost_control.opinion_closed", obj=o, payload={"number": o.number})
    return o
