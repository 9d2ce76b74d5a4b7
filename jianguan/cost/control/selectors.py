"""Reads of investment control and tracking audit, scoped to the actor: the projects it may
open (owner: its own; regulator and finance bureau: all; an audit firm: those it is engaged
on), the investment figures of many projects in a fixed number of aggregate queries, the
tracking feed of a project (variations, claims, reviews, payments as they happen) and the
opinions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from jianguan.contracts import workflow as cwf
from jianguan.contracts.models import Contract, Payment, PaymentClaim, Review, Variation
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.cost.control import figures as fig
from jianguan.cost.control import workflow
from jianguan.cost.control.models import CostPlan, Engagement, Opinion, PaymentPlanMonth
from jianguan.projects.models import Project

DISTRICT_KINDS = ("regulator", "finance_bureau")
# contracts whose price is committed against the estimate (completed ones still count)
COMMITTED = (cwf.SIGNED, cwf.APPROVED, cwf.COMPLETED)
PENDING_VARIATIONS = (cwf.V_SUBMITTED, cwf.V_SUPERVISOR_OK, cwf.V_OWNER_OK)


def name_of(user: Any) -> str:
    return (getattr(user, "display_name", "") or "（未登记姓名）") if user else ""


def engaged_firm(project_id: int) -> Engagement | None:
    return (
        Engagement.objects.filter(project_id=project_id, ended_on__isnull=True)
        .select_related("firm", "engaged_by_org")
        .first()
    )


def is_engaged(actor: Actor, project_id: int) -> bool:
    return (
        bool(actor.organisation_id)
        and Engagement.objects.filter(
            project_id=project_id, firm_id=actor.organisation_id, ended_on__isnull=True
        ).exists()
    )


def visible_projects(actor: Actor):
    qs = Project.objects.all()
    if actor.is_kind(*DISTRICT_KINDS):
        return qs
    if actor.is_kind("owner"):
        return qs.filter(owner_id=actor.organisation_id or 0)
    if actor.is_kind("auditor"):
        ids = Engagement.objects.filter(
            firm_id=actor.organisation_id or 0, ended_on__isnull=True
        ).values("project_id")
        return qs.filter(pk__in=ids)
    return qs.none()


def project_for(*, actor: Actor, pk: int) -> Project:
    """The project if the actor may open its investment control and tracking audit: 404 when
    it does not exist or belongs to another owner; 403 for an audit firm not engaged on it."""
    project = Project.objects.select_related("town", "owner").filter(pk=pk).first()
    if project is None:
        raise NotFound("项目不存在", code="not_found")
    if actor.is_kind(*DISTRICT_KINDS):
        return project
    if actor.is_kind("owner") and project.owner_id == actor.organisation_id:
        return project
    if actor.is_kind("auditor"):
        if is_engaged(actor, project.pk):
            return project
        raise PermissionDenied("贵单位未受托对本项目开展全过程跟踪审计", code="not_engaged")
    raise NotFound("项目不存在", code="not_found")


# --- investment figures ------------------------------------------------------------------------


def _settled(ids) -> dict[int, Decimal]:
    """Settled amounts of the main contracts' final accounts (helper app cost_settlement, when
    installed): a project counts as settled only when every committed main contract is."""
    try:
        from jianguan.cost.settlement.models import FinalAccount
    except ImportError:  # the final account app is not there yet
        return {}
    fields = {f.name for f in FinalAccount._meta.get_fields()}
    if not {"contract", "settled_amount"} <= fields:  # not built yet: no settled figure
        return {}
    rows = FinalAccount.objects.filter(
        contract__project_id__in=ids,
        contract__kind="main",
        settled_amount__isnull=False,
    ).values_list("contract__project_id", "contract_id", "settled_amount")
    by_project: dict[int, dict[int, Decimal]] = {}
    for pid, cid, amount in rows:
        by_project.setdefault(pid, {})[cid] = amount
    main = Contract.objects.filter(
        project_id__in=list(by_project), kind="main", status__in=COMMITTED
    )
    need: dict[int, set[int]] = {}
    for pid, cid in main.values_list("project_id", "pk"):
        need.setdefault(pid, set()).add(cid)
    return {
        pid: sum(got.values(), Decimal(0))
        for pid, got in by_project.items()
        if need.get(pid) and need[pid] <= set(got)
    }


def figures_for(projects: list, *, scope=None) -> dict[int, fig.Figures]:
    """Figures of many projects in eight aggregate queries (plus the settlement's two).
    `projects` need pk and budget; `scope` (a queryset of their pks) replaces the id list in
    the queries for the district's thousands of projects."""
    from jianguan.tendering.models import Lot

    ids = scope if scope is not None else [p.pk for p in projects]
    contracts = {
        r["project_id"]: r
        for r in Contract.objects.filter(project_id__in=ids, kind="main", status__in=COMMITTED)
        .values("project_id")
        .annotate(price=Sum("price"), current=Sum("current_value"))
    }
    pending = dict(
        Variation.objects.filter(
            contract__project_id__in=ids, contract__kind="main", status__in=PENDING_VARIATIONS
        )
        .values("contract__project_id")
        .annotate(s=Sum("amount"))
        .values_list("contract__project_id", "s")
    )
    # 累计支付: progress payments (contracts' Payment records, as cost_payments'
    # contract_position.paid_to_date) plus the advance and the retention released
    paid = dict(
        Payment.objects.filter(claim__contract__project_id__in=ids, claim__contract__kind="main")
        .values("claim__contract__project_id")
        .annotate(s=Sum("amount"))
        .values_list("claim__contract__project_id", "s")
    )
    for pid, amount in _other_payments(ids).items():
        paid[pid] = (paid.get(pid) or Decimal(0)) + amount
    plans = {
        r["project_id"]: r
        for r in CostPlan.objects.filter(project_id__in=ids).values(
            "project_id", "budget_amount", "contingency"
        )
    }
    ceilings = dict(
        Lot.objects.filter(tender__project_id__in=ids)
        .exclude(tender__status__in=("draft", "cancelled", "failed"))
        .values("tender__project_id")
        .annotate(s=Sum("price_ceiling"))
        .values_list("tender__project_id", "s")
    )
    settled = _settled(ids)
    out = {}
    for p in projects:
        c = contracts.get(p.pk) or {}
        plan = plans.get(p.pk) or {}
        out[p.pk] = fig.figures(
            estimate=p.budget,
            plan_budget=plan.get("budget_amount"),
            ceilings=ceilings.get(p.pk),
            contract_price=c.get("price") or 0,
            contract_current=c.get("current") or 0,
            pending=pending.get(p.pk) or 0,
            contingency=plan.get("contingency") or 0,
            paid=paid.get(p.pk) or 0,
            settled=settled.get(p.pk),
        )
    return out


def _other_payments(ids) -> dict[int, Decimal]:
    """Money paid outside the progress claims: the advance and the retention released (app
    cost_payments, when installed), summed per project in two aggregate queries."""
    try:
        from jianguan.cost.payments import workflow as pwf
        from jianguan.cost.payments.models import AdvancePayment, RetentionRelease
    except ImportError:  # the advance and retention app is not there
        return {}
    out: dict[int, Decimal] = {}
    for model, status in ((AdvancePayment, pwf.A_PAID), (RetentionRelease, pwf.R_PAID)):
        rows = (
            model.objects.filter(contract__project_id__in=ids, contract__kind="main", status=status)
            .values("contract__project_id")
            .annotate(s=Sum("amount"))
            .values_list("contract__project_id", "s")
        )
        for pid, amount in rows:
            out[pid] = out.get(pid, Decimal(0)) + (amount or 0)
    return out


def project_figures(project: Project) -> fig.Figures:
    return figures_for([project])[project.pk]


def payment_plan(project: Project) -> dict:
    return dict(PaymentPlanMonth.objects.filter(project=project).values_list("month", "amount"))


def payments_made(project: Project) -> list[tuple]:
    return list(
        Payment.objects.filter(claim__contract__project=project, claim__contract__kind="main")
        .order_by("paid_on")
        .values_list("paid_on", "amount")
    )


def contracts_of(project: Project):
    return Contract.objects.filter(project=project, kind="main").select_related("contractor")


# --- tracking feed and opinions ---------------------------------------------------------------


def _reviews_seen_by(actor: Actor | None, qs):
    """Submitted reviews, except that an audit firm never reads a finance review before the
    round's audit review is in (双审双控: the same independence as contracts.claims.visibility,
    which the tracking auditor, often the contract's auditor too, must not get round)."""
    from django.db.models import Exists, OuterRef

    qs = qs.filter(submitted_at__isnull=False)
    if actor is not None and actor.is_kind("auditor"):
        audit_done = Review.objects.filter(
            claim=OuterRef("claim"),
            round=OuterRef("round"),
            stage=cwf.C_AUDIT,
            submitted_at__isnull=False,
        )
        qs = qs.exclude(Q(stage=cwf.C_FINANCE) & ~Exists(audit_done))
    return qs


def feed(project: Project, *, actor: Actor | None = None, limit: int = 300) -> list[dict]:
    """Every variation, claim, review and payment of the project's contracts once it has left
    its author's drafts (a draft is not yet a fact to audit), newest first, with the number of
    opinions on each."""
    cids = list(Contract.objects.filter(project=project).values_list("pk", flat=True))
    counts: dict[tuple[str, int], int] = {}
    for kind, sid in Opinion.objects.filter(project=project).values_list(
        "subject_kind", "subject_id"
    ):
        counts[(kind, sid)] = counts.get((kind, sid), 0) + 1
    items: list[dict] = []
    for v in Variation.objects.filter(contract_id__in=cids).exclude(status=cwf.V_DRAFT)[:limit]:
        items.append(
            _item(
                workflow.VARIATION,
                v.pk,
                str(v),
                v.contract_id,
                v.submitted_at or v.created_at,
                cwf.VARIATION_STATUSES.get(v.status, v.status),
                v.amount,
                counts,
            )
        )
    for c in PaymentClaim.objects.filter(contract_id__in=cids, round__gt=0)[:limit]:
        items.append(
            _item(
                workflow.CLAIM,
                c.pk,
                c.number,
                c.contract_id,
                c.submitted_at or c.created_at,
                cwf.CLAIM_STATUSES.get(c.status, c.status),
                c.claimed_value,
                counts,
            )
        )
    reviews = _reviews_seen_by(actor, Review.objects.filter(claim__contract_id__in=cids))
    for r in reviews.select_related("claim", "organisation")[:limit]:
        label = f"{r.claim.number} {r}"
        decision = cwf.DECISIONS.get(r.decision, r.decision)
        items.append(
            _item(
                workflow.REVIEW,
                r.pk,
                label,
                r.claim.contract_id,
                r.submitted_at,
                f"{r.organisation.name}：{decision}",
                r.reviewed_value,
                counts,
            )
        )
    for pay in Payment.objects.filter(claim__contract_id__in=cids).select_related("claim")[:limit]:
        items.append(
            _item(
                workflow.PAYMENT,
                pay.pk,
                f"{pay.claim.number} 支付 {pay.reference}",
                pay.claim.contract_id,
                pay.created_at,
                f"已支付（{pay.paid_on}）",
                pay.amount,
                counts,
            )
        )
    numbers = dict(Contract.objects.filter(pk__in=cids).values_list("pk", "number"))
    for i in items:
        i["contract_number"] = numbers.get(i["contract_id"], "")
    items.sort(key=lambda i: i["at"], reverse=True)
    return items[:limit]


def _item(kind, pk, label, contract_id, at, status, amount, counts) -> dict:
    return {
        "kind": kind,
        "kind_label": workflow.SUBJECT_KINDS[kind],
        "id": pk,
        "label": label,
        "contract_id": contract_id,
        "at": at,
        "status_label": status,
        "amount": amount,
        "opinions": counts.get((kind, pk), 0),
    }


def subject_of(
    project: Project, kind: str, subject_id: int, *, actor: Actor | None = None
) -> tuple[Contract, str]:
    """The contract and name of an auditable object of the project, or 404."""
    cids = Contract.objects.filter(project=project).values("pk")
    if kind == workflow.VARIATION:
        obj = (
            Variation.objects.filter(pk=subject_id, contract_id__in=cids)
            .exclude(status=cwf.V_DRAFT)
            .select_related("contract")
            .first()
        )
        found = (obj.contract, str(obj)) if obj else None
    elif kind == workflow.CLAIM:
        obj = PaymentClaim.objects.filter(pk=subject_id, contract_id__in=cids, round__gt=0)
        obj = obj.select_related("contract").first()
        found = (obj.contract, obj.number) if obj else None
    elif kind == workflow.REVIEW:
        obj = _reviews_seen_by(
            actor, Review.objects.filter(pk=subject_id, claim__contract_id__in=cids)
        )
        obj = obj.select_related("claim__contract").first()
        found = (obj.claim.contract, f"{obj.claim.number} {obj}") if obj else None
    elif kind == workflow.PAYMENT:
        obj = Payment.objects.filter(pk=subject_id, claim__contract_id__in=cids)
        obj = obj.select_related("claim__contract").first()
        found = (obj.claim.contract, f"{obj.claim.number} 支付 {obj.reference}") if obj else None
    else:
        found = None
    if found is None:
        raise NotFound("本项目没有该审计对象（或尚未提交）", code="subject_not_found")
    return found


def opinions_visible_to(actor: Actor):
    qs = Opinion.objects.select_related(
        "project", "contract", "engagement__firm", "raised_by", "answered_by"
    )
    if actor.is_kind(*DISTRICT_KINDS):
        return qs
    if actor.is_kind("owner"):
        return qs.filter(project__owner_id=actor.organisation_id or 0)
    if actor.is_kind("auditor"):
        return qs.filter(engagement__firm_id=actor.organisation_id or 0)
    return qs.none()


def opinion_get(*, actor: Actor, pk: int) -> Opinion:
    o = opinions_visible_to(actor).filter(pk=pk).first()
    if o is None:
        raise NotFound("审计意见不存在", code="not_found")
    return o


def opinions_of(project: Project, *, status: str = "", subject: tuple | None = None):
    qs = Opinion.objects.filter(project=project).select_related(
        "contract", "engagement__firm", "raised_by", "answered_by"
    )
    if status:
        qs = qs.filter(status=status)
    if subject:
        qs = qs.filter(subject_kind=subject[0], subject_id=subject[1])
    return qs


def owner_open(actor: Actor):
    """Open opinions on the actor's (owner's) projects: its to-do."""
    return Opinion.objects.filter(
        status=workflow.OPEN, project__owner_id=actor.organisation_id or 0
    ).select_related("project")


def auditor_answered(actor: Actor):
    return Opinion.objects.filter(
        Q(status=workflow.ANSWERED), engagement__firm_id=actor.organisation_id or 0
    ).select_related("project")
