"""The final account from completion to the closed settlement, every figure worked by hand.

The contract (3 BoQ lines, 355,000.00):
  A 010101001001 土方开挖 1,000 m3 × 25.00   =  25,000.00
  B 010501001001 混凝土垫层 200 m3 × 450.00  =  90,000.00
  C 010515001001 现浇构件钢筋 50 t × 4,800.00 = 240,000.00
Stage settlement 1 (agreed): A 600 m3 × 25.00 = 15,000.00 (not audited again).
Variation BG-1 (approved) 12,000.00, of which B +20 m3 × 450.00 = 9,000.00 is in the BoQ.
签证 QZ-1 (approved) 5,600.00, no lines. Variation BG-2 rejected (7,000.00): not carried.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest

from jianguan.contracts.models import BoqItem, Payment, PaymentClaim
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now, today_local
from jianguan.cost.payments.models import AdvancePayment, AdvanceRecovery
from jianguan.cost.settlement import closing, services, stages
from jianguan.cost.settlement import workflow as wf
from jianguan.cost.settlement.models import FinalAccount, FinalAccountLine
from jianguan.cost.settlement.tests.factories import add_boq, approved_variation, complete
from jianguan.ledger.models import LedgerEntry
from jianguan.workbench.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(deal):
    contract = deal["contract"]
    BoqItem.objects.filter(contract=contract).delete()
    a, b, c = add_boq(
        contract,
        [
            ("010101001001", "土方开挖", "m3", "1000", "25.00"),
            ("010501001001", "混凝土垫层", "m3", "200", "450.00"),
            ("010515001001", "现浇构件钢筋", "t", "50", "4800.00"),
        ],
    )
    type(contract).objects.filter(pk=contract.pk).update(
        price=D("355000.00"), current_value=D("372600.00")
    )
    return {**deal, "items": {"A": a, "B": b, "C": c}}


def pay_progress(contract, on: dt.date) -> None:
    """Advance 35,000.00 paid; claim 1 approved at 300,000.00 with retention 9,000.00 (3 %)
    and 20,000.00 of the advance recovered; paid 300,000 × 85 % − 9,000 − 20,000 = 226,000."""
    advance = AdvancePayment.objects.create(
        contract=contract,
        amount=D("35000.00"),
        status="paid",
        guarantee_number="YF-1",
        guarantee_issuer="北京银行",
        guarantee_amount=D("35000.00"),
        guarantee_outstanding=D("15000.00"),
        guarantee_expires_on=on + dt.timedelta(days=365),
        recovered=D("20000.00"),
        requested_by="gc1",
        requested_at=now(),
        paid_on=on,
    )
    claim = PaymentClaim.objects.create(
        contract=contract,
        sequence=1,
        number=f"JD-{contract.pk}-1",
        period_start=on - dt.timedelta(days=30),
        period_end=on,
        status="paid",
        approved_value=D("300000.00"),
        approved_cumulative_value=D("300000.00"),
        payable_amount=D("226000.00"),
        retention_amount=D("9000.00"),
        paid_amount=D("226000.00"),
        approved_at=now(),
        created_by="gc1",
    )
    AdvanceRecovery.objects.create(
        claim=claim, advance=advance, amount=D("20000.00"), cumulative=D("20000.00")
    )
    Payment.objects.create(
        claim=claim, amount=D("226000.00"), paid_on=on, reference="ZF-1", recorded_by="own1"
    )


def types_of(account) -> list[str]:
    return list(
        LedgerEntry.objects.filter(object_model="finalaccount", object_id=str(account.pk))
        .order_by("index")
        .values_list("type", flat=True)
    )


def test_the_whole_journey(site, django_capture_on_commit_callbacks):
    contract, actors, items = site["contract"], site["actors"], site["items"]
    gc, owner, auditor = actors["contractor"], actors["owner"], actors["auditor"]

    # stage settlement while the works go on: A 600 m3 agreed = 15,000.00
    stage = stages.stage_settlement_submit(
        actor=gc,
        contract=contract,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
        quantities={"010101001001": "600"},
    )
    assert stage.amount == D("15000.00")
    with pytest.raises(ValidationFailed) as exc:  # more than the line's quantity
        stages.stage_settlement_submit(
            actor=gc,
            contract=contract,
            period_start=dt.date(2026, 7, 1),
            period_end=dt.date(2026, 9, 30),
            quantities={"010101001001": "401"},
        )
    assert exc.value.code == "quantity_above_remaining"
    stages.stage_settlement_decide(actor=owner, stage=stage, agree=True)

    approved_variation(
        contract,
        number="BG-1",
        amount="12000.00",
        title="垫层加厚",
        line=(items["B"], "20", "9000.00"),
    )
    approved_variation(
        contract, number="QZ-1", amount="5600.00", kind="site_instruction", title="障碍物清除"
    )
    approved_variation(contract, number="BG-2", amount="7000.00", status="rejected")

    # before the completion acceptance: refused, nothing made
    with pytest.raises(Conflict) as exc:
        services.final_account_create(actor=gc, contract=contract)
    assert exc.value.code == "completion_not_accepted"
    assert not FinalAccount.objects.exists()

    completed = today_local() - dt.timedelta(days=10)
    complete(contract.project, completed)
    with pytest.raises(PermissionDenied):  # the owner does not draft the contractor's account
        services.final_account_create(actor=owner, contract=contract)
    account = services.final_account_create(actor=gc, contract=contract)
    assert account.submit_due_on == completed + dt.timedelta(days=28)
    lines = {(x.source_kind, x.code): x for x in account.lines.all()}
    assert [(k, x.quantity, x.claimed_amount, x.stage_settled) for k, x in lines.items()] == [
        (("stage_settled", "010101001001"), D("600.000"), D("15000.00"), True),
        (("boq", "010101001001"), D("400.000"), D("10000.00"), False),
        (("boq", "010501001001"), D("220.000"), D("99000.00"), False),
        (("boq", "010515001001"), D("50.000"), D("240000.00"), False),
        (("variation", "BG-1"), D("1.000"), D("3000.00"), False),
        (("visa", "QZ-1"), D("1.000"), D("5600.00"), False),
    ]
    # 15,000 + 10,000 + 99,000 + 240,000 + 3,000 + 5,600
    assert account.submitted_amount == D("372600.00")

    # final quantities: a code not in the contract refuses the whole edit
    with pytest.raises(ValidationFailed) as exc:
        services.final_account_quantities_set(
            actor=gc, account=account, quantities={"010101001001": "420", "999999999999": "1"}
        )
    assert exc.value.code == "line_not_in_contract"
    assert FinalAccountLine.objects.get(
        account=account, code="010101001001", source_kind="boq"
    ).quantity == D("400")
    for bad in ("-1", "NaN", "Infinity", "abc"):
        with pytest.raises(ValidationFailed):
            services.final_account_quantities_set(
                actor=gc, account=account, quantities={"010101001001": bad}
            )
    account = services.final_account_quantities_set(
        actor=gc, account=account, quantities={"010101001001": "420", "010515001001": "49.5"}
    )
    # A 420 × 25 = 10,500.00 (+500); C 49.5 × 4,800 = 237,600.00 (−2,400)
    assert account.submitted_amount == D("370700.00")

    claim = services.final_account_line_add(
        actor=gc, account=account, kind="claim", name="停工损失索赔", amount="8000"
    )
    services.final_account_line_add(
        actor=gc, account=account, kind="deduction", name="甲供材料款", amount="20000"
    )
    # 钢筋 4,000 → 4,500 with a ±5 % band: (4,500 − 4,200) × 50 t = 15,000.00
    adj = services.final_account_line_add(
        actor=gc,
        account=account,
        kind="price_adjustment",
        name="钢筋价差",
        base_price="4000",
        market_price="4500",
        quantity="50",
        unit="t",
    )
    assert adj.claimed_amount == D("15000.00")
    with pytest.raises(ValidationFailed) as exc:  # 4,150 is within 4,000 ± 5 %
        services.final_account_line_add(
            actor=gc,
            account=account,
            kind="price_adjustment",
            name="钢筋价差",
            base_price="4000",
            market_price="4150",
            quantity="50",
        )
    assert exc.value.code == "within_risk_band"
    for bad in ("-5", "NaN", "0"):
        with pytest.raises(ValidationFailed):
            services.final_account_line_add(
                actor=gc, account=account, kind="claim", name="索赔", amount=bad
            )
    account.refresh_from_db()
    # 370,700 + 8,000 − 20,000 + 15,000
    assert account.submitted_amount == D("373700.00")

    with django_capture_on_commit_callbacks(execute=True):
        account = services.final_account_submit(actor=gc, account=account)
    assert account.status == wf.SUBMITTED
    assert Notification.objects.filter(user=owner.user, kind="cost_settlement.review").exists()
    assert account.review_due_on == today_local() + dt.timedelta(days=20)  # below 5 million
    assert account.silence_consequence == "deemed_accepted"
    with pytest.raises(Conflict):  # locked once submitted
        services.final_account_quantities_set(
            actor=gc, account=account, quantities={"010101001001": "1"}
        )
    with pytest.raises(ValidationFailed):  # a return needs reasons
        services.final_account_owner_review(actor=owner, account=account, decision="return")
    account = services.final_account_owner_review(actor=owner, account=account, decision="accept")
    assert account.status == wf.OWNER_REVIEWED

    with pytest.raises(PermissionDenied):  # the contractor does not audit its own account
        services.final_account_audit_start(actor=gc, account=account)
    account = services.final_account_audit_start(actor=auditor, account=account)
    assert account.status == wf.IN_AUDIT
    ids = {(x.source_kind, x.code or x.name): x.pk for x in account.lines.all()}
    staged = ids[("stage_settled", "010101001001")]
    with pytest.raises(ValidationFailed) as exc:
        services.final_account_audit_finish(
            actor=auditor, account=account, settled={staged: D("14000")}, report_reference="R"
        )
    assert exc.value.code == "stage_settled_not_reaudited"
    with pytest.raises(ValidationFailed) as exc:  # above what was claimed
        services.final_account_audit_finish(
            actor=auditor, account=account, settled={claim.pk: D("9000")}, report_reference="R"
        )
    assert exc.value.code == "cut_out_of_range"
    account.refresh_from_db()
    assert account.status == wf.IN_AUDIT and account.audited_amount is None
    account = services.final_account_audit_finish(
        actor=auditor,
        account=account,
        settled={ids[("boq", "010501001001")]: D("95000.00"), claim.pk: D("5000.00")},
        report_reference="京审字〔2026〕第 18 号",
    )
    # 373,700 − (99,000 − 95,000) − (8,000 − 5,000)
    assert account.audited_amount == D("366700.00")
    assert FinalAccountLine.objects.get(pk=staged).settled_amount == D("15000.00")

    account = services.final_account_confirm(actor=owner, account=account)
    assert account.settled_amount == D("366700.00")

    # the project cannot go 结算 → 保修 while the settlement is unsigned
    from jianguan.projects.models import Project
    from jianguan.projects.services.register import project_transition

    Project.objects.filter(pk=contract.project_id).update(
        stage="settlement", completion_filing="BA-1", settlement_document="京审字〔2026〕第 18 号"
    )
    project = Project.objects.get(pk=contract.project_id)
    with pytest.raises(ValidationFailed) as exc:
        project_transition(actor=owner, project=project, target="warranty")
    assert "settlement_signed" in [d["code"] for d in exc.value.details]

    pay_progress(contract, today_local() - dt.timedelta(days=60))
    with pytest.raises(Conflict):  # no payment before the signatures
        closing.settlement_payment_record(actor=owner, account=account, amount="1")
    for who in ("contractor", "owner", "supervisor"):
        account = closing.final_account_sign(actor=actors[who], account=account)
        assert account.status == wf.CONFIRMED
    with pytest.raises(Conflict):
        closing.final_account_sign(actor=owner, account=account)
    with pytest.raises(PermissionDenied):  # not a signing party of this contract
        closing.final_account_sign(actor=actors["other_auditor"], account=account)
    account = closing.final_account_sign(actor=auditor, account=account)
    assert account.status == wf.SIGNED
    # 366,700 − (226,000 paid + 20,000 recovered from the advance) − 9,000 retention
    #         − 15,000 advance not recovered = 96,700.00
    # check: received 226,000 + 35,000 = 261,000; due 366,700 − 9,000 = 357,700; +96,700
    assert (account.paid_to_date, account.advance_recovered) == (D("226000.00"), D("20000.00"))
    assert (account.retention_held, account.advance_outstanding) == (D("9000.00"), D("15000.00"))
    assert account.final_balance == D("96700.00")
    assert account.refund_due_on is None

    project_transition(actor=owner, project=project, target="warranty")

    for bad in ("96700.01", "-1", "NaN", "0"):
        with pytest.raises(ValidationFailed):
            closing.settlement_payment_record(actor=owner, account=account, amount=bad)
    with pytest.raises(PermissionDenied):
        closing.settlement_payment_record(actor=gc, account=account, amount="1")
    closing.settlement_payment_record(actor=owner, account=account, amount="60000", reference="Z1")
    assert closing.remaining(account) == D("36700.00")
    closing.settlement_payment_record(actor=owner, account=account, amount="36700", reference="Z2")
    account.refresh_from_db()
    assert account.status == wf.CLOSED

    assert types_of(account) == [
        "cost_settlement.account_created",
        "cost_settlement.account_submitted",
        "cost_settlement.account_accepted",
        "cost_settlement.audit_started",
        "cost_settlement.audit_finished",
        "cost_settlement.amount_confirmed",
        "cost_settlement.signed",
        "cost_settlement.signed",
        "cost_settlement.signed",
        "cost_settlement.signed",
        "cost_settlement.settlement_signed",
        "cost_settlement.payment_recorded",
        "cost_settlement.payment_recorded",
        "cost_settlement.closed",
    ]
    audited = LedgerEntry.objects.get(
        object_model="finalaccount", type="cost_settlement.audit_finished"
    )
    assert json.loads(bytes(audited.leaf_input))["payload"]["reduction"] == "7000.00"
