"""Variations and site instructions: raising, the approval chain, the effect on the contract."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from jianguan.compliance import services as compliance
from jianguan.compliance.tests.helpers import PDF
from jianguan.contracts.models import BoqItem, Contract, Evidence, Variation, VariationStep
from jianguan.contracts.tests.factories import make_contract
from jianguan.contracts.variations import services as svc
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.projects.tests.test_services import create, pdf


def _half_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _items(contract):
    return list(BoqItem.objects.filter(contract=contract).order_by("sequence"))


def _raise(deal, *, actor="contractor", lines=None, **over):
    contract = deal["contract"]
    first = _items(contract)[0]
    args = dict(
        actor=deal["actors"][actor],
        contract=contract,
        kind="variation",
        title="基础加深",
        reason="地勘揭示软弱土层，基础须加深 0.5 米",
        cause="site_condition",
        lines=lines if lines is not None else [{"boq_item": first.pk, "quantity_delta": "12.5"}],
    )
    args.update(over)
    return svc.variation_raise(**args)


def _snapshot(contract):
    c = Contract.objects.get(pk=contract.pk)
    return c.current_value, [(i.code, i.current_quantity) for i in _items(c)]


def test_journey_supervisor_then_owner_applies_value_and_quantities(deal):
    contract = deal["contract"]
    items = _items(contract)
    before_value = contract.current_value
    v = _raise(
        deal,
        lines=[
            {"boq_item": items[0].pk, "quantity_delta": "12.5"},
            {"boq_item": items[1].pk, "quantity_delta": "-3.125"},
            {
                "code": "01B001",
                "name": "新增排水沟",
                "feature": "C20 混凝土",
                "unit": "m",
                "unit_rate": "88.80",
                "quantity": "10.333",
            },
        ],
        files=[pdf("变更单.pdf")],
    )
    expected = (
        _half_up(Decimal("12.5") * items[0].unit_rate)
        + _half_up(Decimal("-3.125") * items[1].unit_rate)
        + _half_up(Decimal("10.333") * Decimal("88.80"))
    )
    assert v.status == "submitted" and v.amount == expected and not v.needs_regulator
    assert v.number == f"BG-{contract.number}-0001"
    assert Evidence.objects.filter(variation=v).count() == 1
    raised = LedgerEntry.objects.get(type="contracts.variation_raised")
    assert raised.object_id == str(v.pk)

    v = svc.variation_decide(actor=deal["actors"]["supervisor"], variation=v, decision="approve")
    assert v.status == "supervisor_ok"
    assert Contract.objects.get(pk=contract.pk).current_value == before_value  # not yet
    v = svc.variation_decide(
        actor=deal["actors"]["owner"], variation=v, decision="approve", opinion="同意"
    )
    assert v.status == "approved" and v.decided_at is not None
    c = Contract.objects.get(pk=contract.pk)
    assert c.current_value == before_value + expected
    assert c.price == before_value  # the signed price never moves
    now_items = {i.code: i for i in _items(c)}
    assert now_items[items[0].code].current_quantity == items[0].quantity + Decimal("12.5")
    assert now_items[items[1].code].current_quantity == items[1].quantity - Decimal("3.125")
    new = now_items["01B001"]
    assert (new.quantity, new.amount, new.current_quantity) == (0, 0, Decimal("10.333"))
    assert new.unit_rate == Decimal("88.80") and new.origin_variation_id == v.pk
    assert new.sequence == len(items) + 1
    assert [s.step for s in VariationStep.objects.filter(variation=v)] == ["supervisor", "owner"]
    applied = LedgerEntry.objects.get(type="contracts.variation_applied")
    assert applied.object_id == str(contract.pk)
    assert LedgerEntry.objects.filter(type="contracts.variation_decided").count() == 2


def test_site_instruction_by_owner_is_numbered_qz(deal):
    v = _raise(deal, actor="owner", kind="site_instruction", cause="owner_request")
    assert v.number.startswith(f"QZ-{deal['contract'].number}-")


def test_above_threshold_needs_the_regulator(deal):
    contract = deal["contract"]
    big = (contract.price * Decimal("0.06")).quantize(Decimal("0.01"))
    v = _raise(
        deal,
        lines=[
            {
                "code": "01B900",
                "name": "大额新增",
                "unit": "个",
                "unit_rate": str(big),
                "quantity": "1",
            }
        ],
    )
    assert v.needs_regulator and v.amount == big
    v = svc.variation_decide(actor=deal["actors"]["supervisor"], variation=v, decision="approve")
    v = svc.variation_decide(actor=deal["actors"]["owner"], variation=v, decision="approve")
    assert v.status == "owner_ok"
    assert Contract.objects.get(pk=contract.pk).current_value == contract.price
    v = svc.variation_decide(actor=deal["actors"]["regulator"], variation=v, decision="approve")
    assert v.status == "approved"
    assert Contract.objects.get(pk=contract.pk).current_value == contract.price + big


def test_regulator_not_needed_below_threshold_is_wrong_step(deal):
    v = _raise(deal)
    svc.variation_decide(actor=deal["actors"]["supervisor"], variation=v, decision="approve")
    with pytest.raises(Conflict) as exc:
        svc.variation_decide(actor=deal["actors"]["regulator"], variation=v, decision="approve")
    assert exc.value.code == "wrong_step"


def test_rejection_needs_an_opinion_and_changes_nothing(deal):
    contract = deal["contract"]
    before = _snapshot(contract)
    v = _raise(deal)
    with pytest.raises(ValidationFailed) as exc:
        svc.variation_decide(actor=deal["actors"]["supervisor"], variation=v, decision="reject")
    assert exc.value.code == "opinion_required" and "意见" in exc.value.message
    assert Variation.objects.get(pk=v.pk).status == "submitted"
    v = svc.variation_decide(
        actor=deal["actors"]["supervisor"], variation=v, decision="reject", opinion="依据不足"
    )
    assert v.status == "rejected"
    assert _snapshot(contract) == before
    with pytest.raises(Conflict):
        svc.variation_decide(actor=deal["actors"]["owner"], variation=v, decision="approve")


def test_not_in_chain_is_refused_and_nothing_changes(deal):
    v = _raise(deal)
    entries = LedgerEntry.objects.count()
    for who in ("other_supervisor", "contractor", "other_owner"):
        with pytest.raises(PermissionDenied) as exc:
            svc.variation_decide(actor=deal["actors"][who], variation=v, decision="approve")
        assert exc.value.status == 403 and exc.value.message
    assert Variation.objects.get(pk=v.pk).status == "submitted"
    assert not VariationStep.objects.exists() and LedgerEntry.objects.count() == entries


def test_wrong_step_is_a_conflict(deal):
    v = _raise(deal)
    with pytest.raises(Conflict) as exc:
        svc.variation_decide(actor=deal["actors"]["owner"], variation=v, decision="approve")
    assert exc.value.status == 409 and exc.value.code == "wrong_step"
    assert Variation.objects.get(pk=v.pk).status == "submitted"
    with pytest.raises(ValidationFailed):
        svc.variation_decide(actor=deal["actors"]["supervisor"], variation=v, decision="maybe")


@pytest.mark.parametrize(
    "line, code",
    [
        ({"quantity_delta": "-99999"}, "negative_quantity"),
        ({"quantity_delta": "abc"}, "bad_number"),
        ({"quantity_delta": "NaN"}, "bad_number"),
        ({"quantity_delta": "Infinity"}, "bad_number"),
        ({"quantity_delta": "1.0001"}, "too_many_decimals"),
        ({"quantity_delta": "1e20"}, "number_too_large"),
        ({"quantity_delta": "1e30"}, "number_too_large"),
        ({"quantity_delta": "1e-100"}, "too_many_decimals"),
        ({"quantity_delta": "0"}, "zero_delta"),
        (
            {"code": "01B1", "name": "x", "unit": "furlong", "unit_rate": "1", "quantity": "1"},
            "unknown_unit",
        ),
        (
            {"code": "01B1", "name": "x", "unit": "m", "unit_rate": "-1", "quantity": "1"},
            "negative_rate",
        ),
        (
            {"code": "01B1", "name": "x", "unit": "m", "unit_rate": "1", "quantity": "0"},
            "bad_quantity",
        ),
        (
            {"code": "01B1", "name": "x", "unit": "m", "unit_rate": "1.234", "quantity": "1"},
            "too_many_decimals",
        ),
        (
            {"code": "", "name": "x", "unit": "m", "unit_rate": "1", "quantity": "1"},
            "field_missing",
        ),
        ({"boq_item": 10**12, "quantity_delta": "1"}, "unknown_boq_item"),
    ],
)
def test_bad_lines_are_refused_with_nothing_written(deal, line, code):
    first = _items(deal["contract"])[0]
    if "quantity_delta" in line and "boq_item" not in line:
        line = {"boq_item": first.pk, **line}
    entries = LedgerEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        _raise(deal, lines=[line])
    assert exc.value.code == code and exc.value.status == 400
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)
    assert not Variation.objects.exists() and LedgerEntry.objects.count() == entries


def test_duplicate_new_code_and_existing_code_refused(deal):
    existing = _items(deal["contract"])[0].code
    new = {"name": "x", "unit": "m", "unit_rate": "1", "quantity": "1"}
    with pytest.raises(ValidationFailed) as exc:
        _raise(deal, lines=[{"code": existing, **new}])
    assert exc.value.code == "duplicate_code"
    with pytest.raises(ValidationFailed) as exc:
        _raise(deal, lines=[{"code": "N1", **new}, {"code": "N1", **new}])
    assert exc.value.code == "duplicate_code"
    with pytest.raises(ValidationFailed) as exc:
        _raise(deal, lines=[])
    assert exc.value.code == "lines_missing"


def test_line_of_another_contract_refused(deal):
    other = make_contract(
        project=deal["project"],
        employer=deal["orgs"]["owner"],
        contractor=deal["orgs"]["general_contractor"],
        number="HT-T-OTHER",
    )
    foreign = _items(other)[0]
    with pytest.raises(ValidationFailed) as exc:
        _raise(deal, lines=[{"boq_item": foreign.pk, "quantity_delta": "1"}])
    assert exc.value.code == "unknown_boq_item"


def _finding(deal, project):
    sup = deal["actors"]["regulator"]
    inspection = compliance.inspection_create(
        actor=sup, project=project, kind="routine", inspected_on=today_local()
    )
    order = compliance.finding_raise(
        actor=sup,
        inspection=inspection,
        type="quality",
        severity="general",
        description="钢筋保护层不足",
        responsible_organisation=deal["orgs"]["general_contractor"],
    )
    return order.finding


def test_cause_finding_and_design_change(deal):
    finding = _finding(deal, deal["project"])
    v = _raise(deal, cause="finding", finding_id=finding.pk)
    assert v.finding_id == finding.pk
    with pytest.raises(ValidationFailed) as exc:
        _raise(deal, cause="finding")
    assert exc.value.code == "finding_missing"
    with pytest.raises(ValidationFailed) as exc:
        _raise(deal, cause="design_change")
    assert exc.value.code == "design_change_reference"
    v = _raise(deal, cause="design_change", cause_reference="设变-2026-003")
    assert v.cause_reference == "设变-2026-003"


def test_finding_of_another_project_refused(deal):
    from jianguan.compliance.tests.helpers import in_construction  # noqa: F401

    other_project = create(deal, name="另一个项目")
    inspection = compliance.inspection_create(
        actor=deal["actors"]["regulator"],
        project=other_project,
        kind="routine",
        inspected_on=today_local(),
    )
    from jianguan.compliance.models import Finding

    foreign = Finding.objects.create(
        inspection=inspection,
        project=other_project,
        type="quality",
        severity="general",
        description="别处的问题",
        responsible_organisation=deal["orgs"]["general_contractor"],
    )
    with pytest.raises(ValidationFailed) as exc:
        _raise(deal, cause="finding", finding_id=foreign.pk)
    assert exc.value.code == "finding_not_in_project"
    assert not Variation.objects.exists()


def test_raiser_must_be_employer_or_contractor_and_contract_in_force(deal):
    with pytest.raises(PermissionDenied):
        _raise(deal, actor="supervisor")
    with pytest.raises(PermissionDenied):
        _raise(deal, actor="other_owner")
    Contract.objects.filter(pk=deal["contract"].pk).update(status="draft")
    deal["contract"].refresh_from_db()
    with pytest.raises(Conflict) as exc:
        _raise(deal)
    assert exc.value.code == "contract_not_in_force"


def test_bad_evidence_refused_and_more_evidence_until_decided(deal):
    from django.core.files.uploadedfile import SimpleUploadedFile

    exe = SimpleUploadedFile("x.pdf", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationFailed) as exc:
        _raise(deal, files=[exe])
    assert exc.value.code == "bad_file_type" and not Variation.objects.exists()
    v = _raise(deal)
    refs = svc.variation_evidence_add(
        actor=deal["actors"]["contractor"], variation=v, files=[pdf("补充.pdf")]
    )
    assert len(refs) == 1 and Evidence.objects.filter(variation=v).count() == 1
    assert Evidence.objects.get(variation=v).file.read() == PDF
    svc.variation_decide(
        actor=deal["actors"]["supervisor"], variation=v, decision="reject", opinion="不同意"
    )
    with pytest.raises(Conflict):
        svc.variation_evidence_add(
            actor=deal["actors"]["contractor"], variation=v, files=[pdf("late.pdf")]
        )


def test_decrease_below_zero_caught_again_at_apply(deal):
    """Two pending decreases that each fit alone: the second to be approved is refused."""
    first = _items(deal["contract"])[0]
    cut = str(-(first.current_quantity - 1))
    a = _raise(deal, lines=[{"boq_item": first.pk, "quantity_delta": cut}])
    b = _raise(deal, lines=[{"boq_item": first.pk, "quantity_delta": cut}])
    chain = ["supervisor", "owner"] + (["regulator"] if a.needs_regulator else [])
    for v in (a, b):
        for who in chain[:-1]:
            svc.variation_decide(actor=deal["actors"][who], variation=v, decision="approve")
    svc.variation_decide(actor=deal["actors"][chain[-1]], variation=a, decision="approve")
    assert Variation.objects.get(pk=a.pk).status == "approved"
    value = Contract.objects.get(pk=deal["contract"].pk).current_value
    status_b = Variation.objects.get(pk=b.pk).status
    with pytest.raises(ValidationFailed) as exc:
        svc.variation_decide(actor=deal["actors"][chain[-1]], variation=b, decision="approve")
    assert exc.value.code == "negative_quantity"
    assert Variation.objects.get(pk=b.pk).status == status_b
    assert Contract.objects.get(pk=deal["contract"].pk).current_value == value
