"""Demo: the final account, after cost_payments' advance and paid claims (same day, in order).

1. The contract with the seeded advance and claims: its unit project is accepted, the five
   leads sign the completion acceptance, the contractor drafts the final account (one stage
   settlement agreed while the works went on is carried in and not audited again), enters
   final quantities, a claim, a steel price adjustment beyond the ±5 % band and a deduction for
   owner-supplied materials; the owner accepts it, the audit firm audits it with two cuts, the
   owner confirms, the four parties sign and the finance bureau pays the final balance (or
   records the return of an overpayment). The project's 结算 → 保修 gate sees it signed.
2. A second main contract's final account is left accepted by its owner and waiting for the
   settlement audit (cost_audit's demo continues it).
Idempotent: a contract that already has a final account is not touched."""

from __future__ import annotations

from decimal import Decimal

from jianguan.core.actor import SYSTEM
from jianguan.core.timeutil import today_local


def _member(org_id, *roles):
    from jianguan.accounts.actors import actor_for
    from jianguan.accounts.models import Membership

    if org_id is None:
        return None
    rows = Membership.objects.filter(organisation_id=org_id, is_active=True).select_related("user")
    for m in rows.order_by("pk"):
        if not roles or set(m.roles or ()) & set(roles):
            return actor_for(m.user, org_id)
    return None


def _complete(contract, gc, sup) -> bool:
    """Accept a unit project of the contract and have the five leads sign the completion
    acceptance record (through the contracts and projects services)."""
    from jianguan.contracts.acceptance import services as acc
    from jianguan.contracts.models import AcceptanceItem
    from jianguan.cost.settlement.common import completion_date_of
    from jianguan.projects.models import CompletionSignature, ProjectLead
    from jianguan.projects.services.nodes import completion_sign
    from jianguan.projects.workflow import FIVE_PARTIES

    project = contract.project
    if completion_date_of(project) is not None:
        return True
    if project.stage != "construction":
        return False
    leads = set(
        ProjectLead.objects.filter(project=project, ended_on__isnull=True).values_list(
            "party", flat=True
        )
    )
    if not set(FIVE_PARTIES) <= leads:
        return False
    if not AcceptanceItem.objects.filter(contract=contract, level="unit").exists():
        unit = acc.acceptance_item_add(
            actor=gc, contract=contract, level="unit", code="DW-JS", name="主体工程"
        )
        acc.acceptance_self_check(actor=gc, item=unit, note="自检合格")
        acc.acceptance_decide(actor=sup, item=unit, passed=True, opinion="验收合格")
    if (
        AcceptanceItem.objects.filter(contract=contract, level="unit")
        .exclude(status="accepted")
        .exists()
    ):
        return False
    signed = set(
        CompletionSignature.objects.filter(project=project).values_list("party", flat=True)
    )
    for party in FIVE_PARTIES:
        if party not in signed:
            completion_sign(actor=SYSTEM, project=project, party=party, signed_on=today_local())
    return completion_date_of(project) is not None


def _actors(contract) -> dict:
    return {
        "owner": _member(contract.employer_id, "admin", "signer"),
        "gc": _member(contract.contractor_id, "admin", "signer"),
        "sup": _member(contract.supervisor_id, "signer", "admin"),
        "firm": _member(contract.auditor_id, "reviewer", "admin", "signer"),
        "finance": _member(contract.finance_bureau_id, "staff", "admin"),
    }


def _signed_journey(contract, a) -> dict:
    from jianguan.cost.settlement import closing, services, stages
    from jianguan.cost.settlement.models import FinalAccountLine

    items = list(contract.boq_items.order_by("sequence")[:3])
    if not items:
        return {"skipped": "no BoQ"}
    first = items[0]
    half = (first.current_quantity / 2).quantize(Decimal("0.001"))
    if half > 0:
        stage = stages.stage_settlement_submit(
            actor=a["gc"],
            contract=contract,
            period_start=contract.start_on or today_local(),
            period_end=today_local(),
            quantities={first.code: half},
        )
        stages.stage_settlement_decide(actor=a["owner"], stage=stage, agree=True)
    services.settlement_terms_set(
        actor=a["owner"], contract=contract, silence_consequence="deemed_accepted"
    )
    account = services.final_account_create(actor=a["gc"], contract=contract)
    finals = {
        i.code: (i.current_quantity * Decimal("1.02")).quantize(Decimal("0.001")) for i in items[1:]
    }
    if finals:
        services.final_account_quantities_set(actor=a["gc"], account=account, quantities=finals)
    services.final_account_line_add(
        actor=a["gc"], account=account, kind="claim", name="雨季停工窝工损失索赔", amount="36000"
    )
    services.final_account_line_add(
        actor=a["gc"],
        account=account,
        kind="price_adjustment",
        name="HRB400 钢筋价差",
        base_price="4100",
        market_price="4510",
        quantity="120",
        unit="t",
        note="基准单价取投标期《北京工程造价信息》，信息价取施工期加权平均",
    )
    services.final_account_line_add(
        actor=a["gc"], account=account, kind="deduction", name="甲供商品混凝土款", amount="52000"
    )
    services.final_account_submit(actor=a["gc"], account=account)
    services.final_account_owner_review(
        actor=a["owner"], account=account, decision="accept", opinion="资料齐全，同意送审"
    )
    services.final_account_audit_start(actor=a["firm"], account=account)
    claim = FinalAccountLine.objects.get(account=account, source_kind="claim")
    boq = (
        FinalAccountLine.objects.filter(account=account, source_kind="boq")
        .order_by("-claimed_amount")
        .first()
    )
    cuts = {claim.pk: Decimal("20000.00")}
    if boq is not None:
        cuts[boq.pk] = (boq.claimed_amount * Decimal("0.97")).quantize(Decimal("0.01"))
    services.final_account_audit_finish(
        actor=a["firm"], account=account, settled=cuts, report_reference="京兴审结〔2026〕012号"
    )
    services.final_account_confirm(actor=a["owner"], account=account)
    for who in ("gc", "owner", "sup", "firm"):
        closing.final_account_sign(actor=a[who], account=account)
    account.refresh_from_db()
    left = closing.remaining(account)
    if left > 0:
        payer = a["finance"] or a["owner"]
        closing.settlement_payment_record(
            actor=payer, account=account, amount=left, reference=f"GKZF-JS-{contract.pk:05d}"
        )
    account.refresh_from_db()
    return {
        "signed": account.number,
        "status": account.status,
        "balance": str(account.final_balance),
    }


def seed() -> dict[str, object]:
    from jianguan.contracts.models import Contract
    from jianguan.cost.settlement import services
    from jianguan.cost.settlement.models import FinalAccount

    if FinalAccount.objects.exists():  # seeded before: `seed_demo` again adds nothing
        return {"skipped": "already seeded"}
    base = Contract.objects.filter(
        kind="main",
        status__in=("signed", "approved"),
        final_account__isnull=True,
        supervisor__isnull=False,
        auditor__isnull=False,
        finance_bureau__isnull=False,
        boq_items__isnull=False,
    ).distinct()
    paid = base.filter(advance__status="paid").order_by("number").first()
    if paid is None:
        return {"skipped": "no contract with payments"}
    result: dict[str, object] = {}
    a = _actors(paid)
    if all(a[k] for k in ("owner", "gc", "sup", "firm")) and _complete(paid, a["gc"], a["sup"]):
        result["journey"] = _signed_journey(paid, a)
    # the first other contract whose project can be completed (all five leads filed, no unit
    # project left unaccepted)
    for second in base.exclude(project=paid.project).order_by("number")[:8]:
        b = _actors(second)
        if b["owner"] and b["gc"] and b["sup"] and _complete(second, b["gc"], b["sup"]):
            account = services.final_account_create(actor=b["gc"], contract=second)
            services.final_account_submit(actor=b["gc"], account=account)
            services.final_account_owner_review(
                actor=b["owner"], account=account, decision="accept", opinion="同意送结算审计"
            )
            result["waiting_audit"] = account.number
            break
    return result
