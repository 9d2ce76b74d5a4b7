"""The cost-overrun warning weighs the real contracts (政府投资条例 23: investment must not
exceed the approved budget, 概算): the main contracts in force at their signed price, plus their
approved variations, against the project's budget. Before, no app supplied the contract value,
so the warning could never be raised outside a test that fed it by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jianguan.contracts.facts import batch_facts
from jianguan.contracts.models import Contract
from jianguan.projects.models import Project, ProjectWarning
from jianguan.projects.services import warnings_recompute
from jianguan.rules.lookup import rule

CENT = Decimal("0.01")


@pytest.fixture
def rules(db):
    from jianguan.rules.services import rules_sync_from_data

    rules_sync_from_data()


def _warning(project) -> int:
    found = ProjectWarning.objects.filter(
        project=project, rule_code="cost_overrun", cleared_at__isnull=True
    ).first()
    return found.level if found else 0


def test_main_contracts_in_force_and_their_variations_are_the_contract_value(rules, deal):
    contract = deal["contract"]
    project = contract.project
    Contract.objects.filter(pk=contract.pk).update(current_value=contract.price + Decimal("5000"))
    facts = batch_facts([project])[project.pk]
    assert facts["contract_value"] == contract.price
    assert facts["variations_value"] == Decimal("5000.00")
    # a main contract still being signed is not yet a commitment against the budget
    Contract.objects.filter(pk=contract.pk).update(status="signing")
    facts = batch_facts([project])[project.pk]
    assert "contract_value" not in facts and "construction_contract_signed" not in facts


@pytest.mark.rule("warning.cost_overrun_factor")
def test_recompute_warns_when_the_signed_contracts_reach_the_budget_factor(rules, deal):
    """At the yellow factor exactly (contract + variations = budget x factor) the warning is
    raised; with the budget one cent larger the factor falls below and the level drops."""
    contract = deal["contract"]
    project = contract.project
    today = contract.signed_on
    levels = {k: Decimal(v) for k, v in rule("warning.cost_overrun_factor", on=today).value.items()}
    total = contract.price + Decimal("1000.00")
    Contract.objects.filter(pk=contract.pk).update(current_value=total)
    at_yellow = (total / levels["yellow"]).quantize(CENT)
    assert total / at_yellow >= levels["yellow"] or total / (at_yellow - CENT) >= levels["yellow"]
    budget = at_yellow if total / at_yellow >= levels["yellow"] else at_yellow - CENT
    Project.objects.filter(pk=project.pk).update(budget=budget)
    warnings_recompute(project=project, today=today)
    assert _warning(project) == 2  # yellow
    assert total / (budget + CENT) < levels["yellow"]
    Project.objects.filter(pk=project.pk).update(budget=budget + CENT)
    warnings_recompute(project=project, today=today)
    assert _warning(project) == 1  # blue: above 0.95 but under 1.00
    Project.objects.filter(pk=project.pk).update(budget=total * 10)
    warnings_recompute(project=project, today=today)
    assert _warning(project) == 0
