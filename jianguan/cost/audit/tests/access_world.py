"""结算审计 subjects of the access matrix (tests/access/world.py calls ``subjects``): on the
matrix's flagship contract (whose finance bureau and auditor are the matrix's finance and
auditor personas), its final account (cost_settlement's, or one made here) and a settlement
audit with both reviews open, one cut line each. Rows made directly (like a factory): the
matrix asks who may reach them, not what the workflow says; a refused step (409) is "ok"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def subjects(S: dict, project, actor) -> None:
    from jianguan.contracts.models import Contract
    from jianguan.core.timeutil import now, today_local
    from jianguan.cost.audit import workflow as wf
    from jianguan.cost.audit.models import AuditCut, AuditReview, SettlementAudit
    from jianguan.cost.settlement.models import FinalAccount, FinalAccountLine

    contract = Contract.objects.get(pk=S["contract@own"]["contract_id"])
    account = FinalAccount.objects.filter(contract=contract).first()
    if account is None:
        account = FinalAccount.objects.create(
            contract=contract,
            project=contract.project,
            number="JS-MATRIX-001",
            status="in_audit",
            submitted_amount=Decimal("300000.00"),
            completion_date=today_local() - dt.timedelta(days=30),
            submit_due_on=today_local(),
            created_by="matrix",
        )
    if not account.lines.exists():
        FinalAccountLine.objects.bulk_create(
            [
                FinalAccountLine(
                    account=account,
                    sequence=i,
                    source_kind="boq",
                    code=f"0101010010{i:02d}",
                    name=f"矩阵清单 {i}",
                    unit="m3",
                    quantity=Decimal(100),
                    unit_rate=Decimal(1000),
                    claimed_amount=Decimal("100000.00"),
                )
                for i in (1, 2, 3)
            ]
        )
    line = account.lines.order_by("sequence").first()
    audit = SettlementAudit.objects.filter(account=account).first()
    if audit is None:
        owner = actor("owner")
        audit = SettlementAudit.objects.create(
            account=account,
            firm_id=contract.auditor_id,
            finance_id=contract.finance_bureau_id,
            appointed_by_org_id=owner.organisation_id,
            appointed_by=owner.username,
            appointed_at=now(),
            reference="矩阵委托 001",
            state=wf.REVIEWING,
            review_due_on=today_local() + dt.timedelta(days=30),
            submitted_amount=account.submitted_amount,
        )
        for stage, org in (
            (wf.FINANCE, contract.finance_bureau_id),
            (wf.AUDIT, contract.auditor_id),
        ):
            review = AuditReview.objects.create(audit=audit, stage=stage, organisation_id=org)
            AuditCut.objects.create(
                review=review, line=line, audited_amount=Decimal("90000.00"), reason="矩阵审减"
            )
    S["settlementaudit@own"] = {"audit_id": audit.pk, "pk": audit.pk, "line_id": line.pk}
    S["finalaccount@own"] = {"account_id": account.pk, "pk": account.pk}
    S["settlementaudit@reported"] = {"pk": _reported(S, actor).pk}


def _reported(S: dict, actor):
    """A reported audit on the other main contract (the document test issues its report)."""
    from jianguan.contracts.models import Contract
    from jianguan.core.timeutil import now, today_local
    from jianguan.cost.audit import workflow as wf
    from jianguan.cost.audit.models import AuditReview, SettlementAudit
    from jianguan.cost.settlement.models import FinalAccount, FinalAccountLine

    contract = Contract.objects.get(pk=S["contract@other"]["contract_id"])
    account = FinalAccount.objects.filter(contract=contract).first()
    if account is None:
        account = FinalAccount.objects.create(
            contract=contract,
            project=contract.project,
            number="JS-MATRIX-002",
            status="audited",
            submitted_amount=Decimal("200000.00"),
            audited_amount=Decimal("188000.00"),
            completion_date=today_local() - dt.timedelta(days=90),
            submit_due_on=today_local() - dt.timedelta(days=60),
            created_by="matrix",
        )
        FinalAccountLine.objects.bulk_create(
            [
                FinalAccountLine(
                    account=account,
                    sequence=i,
                    source_kind="boq",
                    code=f"0105010010{i:02d}",
                    name=f"矩阵混凝土 {i}",
                    unit="m3",
                    quantity=Decimal(100),
                    unit_rate=Decimal(1000),
                    claimed_amount=Decimal("100000.00"),
                    settled_amount=settled,
                )
                for i, settled in ((1, Decimal("90000.00")), (2, Decimal("98000.00")))
            ]
        )
    audit = SettlementAudit.objects.filter(account=account).first()
    if audit is not None:
        return audit
    firm = contract.auditor_id or actor("auditor").organisation_id
    audit = SettlementAudit.objects.create(
        account=account,
        firm_id=firm,
        finance_id=contract.finance_bureau_id or actor("finance").organisation_id,
        appointed_by_org_id=contract.employer_id,
        appointed_by="matrix",
        appointed_at=now() - dt.timedelta(days=50),
        reference="矩阵委托 002",
        state=wf.REPORTED,
        review_due_on=today_local() - dt.timedelta(days=10),
        submitted_amount=account.submitted_amount,
        proposed_amount=Decimal("188000.00"),
        audited_amount=Decimal("188000.00"),
        reduction_ratio=Decimal("0.0600"),
        report_number="JSSJ-MATRIX-002",
        reported_at=now() - dt.timedelta(days=1),
    )
    auditor = actor("auditor")
    AuditReview.objects.create(
        audit=audit,
        stage=wf.AUDIT,
        organisation_id=firm,
        reviewer=auditor.username,
        submitted_at=now() - dt.timedelta(days=5),
        reviewed_amount=Decimal("188000.00"),
    )
    return audit
