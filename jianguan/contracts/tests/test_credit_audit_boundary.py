"""Boundary test of credit.audit_reduction_min_ratio: an audit that cuts a payment claim by at
least 5 % makes a bad credit record for the contractor (大兴区建设市场主体信用评价办法, district
policy); exactly 5 % does, a cut just under it does not.
``@pytest.mark.rule`` declares the code covered (``jianguan/rules/tests/test_rule_coverage.py``).
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jianguan.compliance.models import CreditRecord
from jianguan.contracts.payments import money
from jianguan.contracts.tests.test_claims import TODAY, payload, run_chain
from jianguan.contracts.tests.test_reviews import lines_of, submitted
from jianguan.rules.lookup import rule


@pytest.mark.rule("credit.audit_reduction_min_ratio")
@pytest.mark.parametrize("share", ["0.95", "0.951"])
def test_audit_reduction_at_5_percent_makes_a_credit_record(deal, share):
    """大兴区建设市场主体信用评价办法: an audit reduction of at least 5 % is a bad record."""
    threshold = D(str(rule("credit.audit_reduction_min_ratio", on=TODAY).value))
    assert threshold == D("0.05")
    claim = submitted(deal)
    cuts = [
        (ln, money(ln.cumulative_quantity * D(share)).quantize(D("0.001")), "审计核减")
        for ln in lines_of(claim)
    ]
    claim = run_chain(deal, claim, {"audit": cuts})
    approved = payload("contracts.claim_approved")
    ratio = D(str(approved["audit_reduction_ratio"]))
    at_limit = share == "0.95"
    if at_limit:
        assert ratio == threshold, "the cut sits exactly on the 5 % line"
    else:
        assert ratio < threshold
    records = CreditRecord.objects.filter(source_type="payment_claim", source_id=claim.pk)
    assert records.exists() is at_limit, f"信用评价办法: 审减 {ratio}"
    assert approved["credit_recorded"] is at_limit
