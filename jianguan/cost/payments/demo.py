"""Demo: one signed contract of the demo owner with no claims yet goes through the advance in
order: the owner records the recovery schedule (起扣点 20 %, 25 % of each period, 12-month
defects liability period), the contractor asks for 10 % of the price against a bank's advance
guarantee, the owner approves, finance pays; then two monthly claims pass the double review,
the first below the start point (nothing recovered), the second crossing it (扣回预付款 on
its certificate), each paid at its net amount."""

from __future__ import annotations

from decimal import Decimal

from jianguan.contracts.claims import deductions
from jianguan.contracts.claims import services as claim_services
from jianguan.contracts.models import Contract
from jianguan.core.timeutil import today_local
from jianguan.cost.payments import services
from jianguan.cost.payments.models import AdvancePayment


def _pick(people) -> Contract | None:
    owner = people["owner"].organisation_id if "owner" in people.by_name else None
    rows = (
        Contract.objects.filter(
            kind="main",
            status__in=("signed", "approved"),
            claims__isnull=True,
            advance_ratio__gt=0,
            finance_bureau__isnull=False,
            auditor__isnull=False,
            supervisor__isnull=False,
        )
        .exclude(pk__in=AdvancePayment.objects.values("contract_id"))
        .order_by("number")
    )
    return rows.filter(employer_id=owner).first() or rows.first()


def seed() -> dict[str, object]:
    from jianguan.contracts import demo as contracts_demo
    from jianguan.cost.payments.models import AdvanceTerms

    if AdvanceTerms.objects.exists():  # seeded before: `seed_demo` again adds nothing
        return {"skipped": "already seeded"}
    people = contracts_demo._People()
    if "owner" not in people.by_name or "finance" not in people.by_name:
        return {"skipped": "no demo people"}
    contract = _pick(people)
    if contract is None:
        return {"skipped": "no contract"}
    owner, contractor = people.of(contract.employer), people.of(contract.contractor)
    payer = people.of(contract.finance_bureau)
    today = today_local()
    services.advance_terms_set(
        actor=owner, contract=contract, start_ratio="0.2", rate="0.25", defects_period_months=12
    )
    amount = (contract.price * contract.advance_ratio).quantize(Decimal("0.01"))
    advance = services.advance_request(
        actor=contractor,
        contract=contract,
        amount=amount,
        guarantee_number=f"YFBH{today:%Y}{contract.pk:05d}",
        guarantee_issuer="中国建设银行北京大兴支行",
        guarantee_amount=amount,
        guarantee_expires_on=today.replace(year=today.year + 2, day=28),
    )
    advance = services.advance_decide(
        actor=owner, advance=advance, approve=True, opinion="保函已核验，同意预付"
    )
    services.advance_pay(
        actor=payer, advance=advance, paid_on=today, reference=f"GKZF-YF-{contract.pk:05d}"
    )
    periods = contracts_demo._periods(contract.project, 2)
    claims = 0
    for period, share in zip(periods, (Decimal("0.15"), Decimal("0.35")), strict=True):
        claim = contracts_demo._claim(people, contract, period, share)
        claim = contracts_demo._through(people, claim, "approved")
        net = deductions.net_payable(claim)
        claim_services.payment_record(
            actor=payer,
            claim=claim,
            amount=net,
            paid_on=today,
            reference=f"GKZF{claim.number[-8:].replace('-', '')}",
        )
        claims += 1
    advance.refresh_from_db()
    return {
        "contract": contract.number,
        "advance": str(amount),
        "recovered": str(advance.recovered),
        "claims": claims,
    }
