"""The payment claim's model-quantity check (issue 19 part 6): a claim line whose BoQ code is
mapped to IFC elements may claim up to the newest ready model's quantity × (1 + the tolerance in
rule data, payment_claim.bim_quantity_tolerance); one unit (0.001) more is flagged, naming the
elements behind the model's figure. Also the project warning of unresolved hard clashes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jianguan.bim import builders as ib
from jianguan.bim import services, services_clash, services_quantity
from jianguan.bim.models import ModelQuantity
from jianguan.bim.tests.test_services import ifc_bytes, upload
from jianguan.contracts.claims import services as claims
from jianguan.contracts.models import ClaimLine
from jianguan.contracts.tests.conftest import deal  # noqa: F401
from jianguan.contracts.tests.test_claims import P1, items
from jianguan.projects.tests.test_services import world  # noqa: F401


@pytest.fixture
def modelled(deal, settings, tmp_path):  # noqa: F811
    settings.BIM_DIR = tmp_path / "bim"
    gc = deal["actors"]["contractor"]
    site = {"project": deal["project"], "designer": gc}
    revision = upload(site, ifc_bytes(ib.clash_model()))
    assert services.revision_process(revision_id=revision.pk) == "ready"
    revision.refresh_from_db()
    item = next(i for i in items(deal["contract"]) if i.unit == "m3")
    services_quantity.mapping_create(
        actor=gc,
        project=deal["project"],
        code=item.code,
        name="直形墙",
        unit="m3",
        selector={"classes": "IfcWall"},
    )
    services_quantity.model_quantities_compute(actor=gc, project=deal["project"])
    return {**deal, "revision": revision, "item": item, "site": site}


def _check(claim):
    from jianguan.contracts.claims.selectors import claim_checks

    return next((c for c in claim_checks(claim) if c.code == services_quantity.CHECK_CODE), None)


@pytest.mark.rule("payment_claim.bim_quantity_tolerance")
def test_claimed_quantity_beyond_the_model_and_tolerance_is_flagged(modelled):
    item = modelled["item"]
    q = ModelQuantity.objects.get(revision=modelled["revision"], code=item.code)
    assert q.quantity == Decimal("9.600") and len(q.guids) == 2  # W1 6 m³ + W2 3.6 m³
    limit = (q.quantity * Decimal("1.03")).quantize(Decimal("0.001"))  # 9.888
    lines = [
        {
            "code": i.code,
            "cumulative_quantity": str(limit if i.pk == item.pk else i.quantity / 2),
            "evidence_note": "计量单",
        }
        for i in items(modelled["contract"])
    ]
    claim = claims.claim_create(
        actor=modelled["actors"]["contractor"],
        contract=modelled["contract"],
        period_start=P1[0],
        period_end=P1[1],
        lines=lines,
    )
    check = _check(claim)
    assert check.passed and "未超过 BIM 模型工程量" in check.messages[0]
    assert "GB 50500" in check.reference
    ClaimLine.objects.filter(claim=claim, boq_item=item).update(
        cumulative_quantity=limit + Decimal("0.001")
    )
    check = _check(claim)
    assert not check.passed
    (message,) = check.messages
    assert item.code in message and "9.600" in message and "0.001" in message
    assert all(g in message for g in q.guids)  # the elements behind the model's figure


def test_no_mapping_means_no_check(deal):  # noqa: F811
    from jianguan.contracts.tests.test_claims import new_claim

    assert _check(new_claim(deal)) is None


def test_unresolved_hard_clashes_raise_a_project_warning(modelled):
    from jianguan.projects.models import ProjectWarning
    from jianguan.projects.services.warnings import warnings_recompute

    gc = modelled["actors"]["contractor"]
    cs = services_clash.clash_set_create(
        actor=gc, project=modelled["project"], name="自检", a_revisions=[modelled["revision"]]
    )
    run = services_clash.clash_run_request(actor=gc, clash_set=cs)
    services_clash.clash_run_execute(run_id=run.pk)
    warnings_recompute(project=modelled["project"])
    live = ProjectWarning.objects.filter(
        project=modelled["project"], rule_code="bim_hard_clashes", cleared_at__isnull=True
    )
    assert live.count() == 1 and "3 处硬碰撞" in live.get().reason
    for c in cs.clashes.all():
        services_clash.clash_transition(actor=gc, clash=c, target="accepted", reason="按设计")
    warnings_recompute(project=modelled["project"])
    assert not live.exists()
