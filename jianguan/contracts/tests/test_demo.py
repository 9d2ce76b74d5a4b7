"""The contracts demo: what the issue asks the demo district to show, through the services."""

from __future__ import annotations

import pytest
from django.db.models import F

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import User
from jianguan.contracts.claims import selectors as claim_selectors
from jianguan.contracts.models import Contract, PaymentClaim, ReviewCut, Variation
from jianguan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def _actor(username):
    return actor_for(User.objects.get(username=username))


def test_demo_contracts_claims_and_reviews(demo_district):
    main = Contract.objects.filter(kind="main", status="signed")
    assert main.count() >= 10
    assert set(main.values_list("project__stage", flat=True)) == {"construction"}
    assert Contract.objects.filter(kind="subcontract", status="signed").exists()
    # variations changed contract values; one waits for the regulator, one was rejected
    assert main.exclude(current_value=F("price")).exists()
    statuses = set(Variation.objects.values_list("status", flat=True))
    assert {"approved", "owner_ok", "rejected"} <= statuses
    # paid claims, and a claim cut by the finance review and cut again by the auditor
    assert PaymentClaim.objects.filter(status="paid").count() >= 2
    twice = [
        c
        for c in PaymentClaim.objects.filter(status__in=("approved", "paid"))
        if {"finance", "audit"}
        <= set(ReviewCut.objects.filter(line__claim=c).values_list("review__stage", flat=True))
    ]
    assert twice and twice[0].approved_cumulative_value < twice[0].claimed_cumulative_value
    # the inflated draft is caught by the automatic check
    draft = PaymentClaim.objects.get(status="draft")
    failed = {c["code"] for c in claim_selectors.claim_checks_preview(draft) if not c["passed"]}
    assert "quantity_exceeds_boq" in failed
    # the finance bureau and the auditor each have a claim waiting
    assert list(claim_selectors.worklist(actor=_actor("finance")))
    assert list(claim_selectors.worklist(actor=_actor("auditor")))
    assert LedgerEntry.objects.filter(type="contracts.review_submitted").count() >= 10
