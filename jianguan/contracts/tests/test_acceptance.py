"""Quality acceptance: the tree, self-check then supervisor, failures opening rectification
orders, and the five-party completion record gated on every unit project being accepted."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.compliance import services as compliance
from jianguan.compliance.models import RectificationOrder
from jianguan.contracts.acceptance import services as svc
from jianguan.contracts.models import AcceptanceItem
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.projects.models import CompletionSignature
from jianguan.projects.tests.test_services import member, pdf


def _add(deal, level, code, parent=None, actor="contractor"):
    return svc.acceptance_item_add(
        actor=deal["actors"][actor],
        contract=deal["contract"],
        level=level,
        code=code,
        name=f"{code}名称",
        parent=parent,
    )


def _chain(deal):
    unit = _add(deal, "unit", "U1")
    division = _add(deal, "division", "U1-D1", unit, actor="supervisor")
    sub = _add(deal, "subdivision", "U1-D1-S1", division)
    lot = _add(deal, "lot", "U1-D1-S1-L1", sub)
    return unit, division, sub, lot


def _pass(deal, item):
    svc.acceptance_self_check(actor=deal["actors"]["contractor"], item=item, note="自检合格")
    return svc.acceptance_decide(actor=deal["actors"]["supervisor"], item=item, passed=True)


def _status(item):
    return AcceptanceItem.objects.get(pk=item.pk).status


def test_chain_lot_to_unit_each_self_checked_then_accepted(deal):
    unit, division, sub, lot = _chain(deal)
    for item in (lot, sub, division, unit):
        _pass(deal, item)
        assert _status(item) == "accepted"
    assert LedgerEntry.objects.filter(type="contracts.acceptance_item_added").count() == 4
    assert LedgerEntry.objects.filter(type="contracts.acceptance_self_checked").count() == 4
    assert LedgerEntry.objects.filter(type="contracts.acceptance_decided").count() == 4
    assert svc.units_state(deal["contract"]) == (1, 1)


def test_accept_before_self_check_is_refused(deal):
    unit = _add(deal, "unit", "U1")
    with pytest.raises(ValidationFailed) as exc:
        svc.acceptance_decide(actor=deal["actors"]["supervisor"], item=unit, passed=True)
    assert exc.value.code == "not_self_checked" and "自检" in exc.value.message
    assert _status(unit) == "pending"


def test_parent_before_children_is_refused(deal):
    unit, division, sub, lot = _chain(deal)
    svc.acceptance_self_check(actor=deal["actors"]["contractor"], item=sub)
    with pytest.raises(ValidationFailed) as exc:
        svc.acceptance_decide(actor=deal["actors"]["supervisor"], item=sub, passed=True)
    assert exc.value.code == "children_not_accepted"
    assert _status(sub) == "self_checked"


def test_tree_levels_and_codes_checked(deal):
    unit = _add(deal, "unit", "U1")
    cases = [
        (dict(level="lot", code="X1", parent=unit), "wrong_level"),
        (dict(level="division", code="X2", parent=None), "parent_missing"),
        (dict(level="unit", code="X3", parent=unit), "unit_has_parent"),
        (dict(level="wing", code="X4", parent=None), "unknown_level"),
        (dict(level="unit", code="U1", parent=None), "duplicate_code"),
        (dict(level="unit", code="  ", parent=None), "field_missing"),
    ]
    for kwargs, code in cases:
        with pytest.raises(ValidationFailed) as exc:
            svc.acceptance_item_add(
                actor=deal["actors"]["contractor"], contract=deal["contract"], name="n", **kwargs
            )
        assert exc.value.code == code
    assert AcceptanceItem.objects.count() == 1


def test_only_the_right_parties_act(deal):
    unit = _add(deal, "unit", "U1")
    with pytest.raises(PermissionDenied):
        _add(deal, "unit", "U2", actor="owner")
    with pytest.raises(PermissionDenied):
        svc.acceptance_self_check(actor=deal["actors"]["supervisor"], item=unit)
    svc.acceptance_self_check(actor=deal["actors"]["contractor"], item=unit)
    for who in ("contractor", "owner", "other_supervisor"):
        with pytest.raises(PermissionDenied):
            svc.acceptance_decide(actor=deal["actors"][who], item=unit, passed=True)
    assert _status(unit) == "self_checked"
    with pytest.raises(ValidationFailed) as exc:
        svc.acceptance_self_check(actor=deal["actors"]["contractor"], item=unit)
    assert exc.value.code == "already_self_checked"


def test_failure_opens_a_rectification_order_and_recheck_waits_for_the_answer(deal):
    unit, division, sub, lot = _chain(deal)
    svc.acceptance_self_check(actor=deal["actors"]["contractor"], item=lot)
    with pytest.raises(ValidationFailed) as exc:
        svc.acceptance_decide(actor=deal["actors"]["supervisor"], item=lot, passed=False)
    assert exc.value.code == "field_missing" and not RectificationOrder.objects.exists()
    item = svc.acceptance_decide(
        actor=deal["actors"]["supervisor"],
        item=lot,
        passed=False,
        opinion="钢筋间距超差",
        severity="general",
    )
    assert item.status == "failed"
    order = RectificationOrder.objects.get(pk=item.order_id)
    assert order.responsible_organisation_id == deal["contract"].contractor_id
    assert order.finding.type == "quality" and "钢筋间距超差" in order.finding.description
    assert order.project_id == deal["project"].pk
    with pytest.raises(Conflict) as exc:
        svc.acceptance_self_check(actor=deal["actors"]["contractor"], item=lot)
    assert exc.value.code == "rectification_open" and order.number in exc.value.message
    compliance.order_answer(
        actor=deal["actors"]["contractor"], order=order, text="已返工整改", files=[pdf()]
    )
    _pass(deal, lot)
    assert _status(lot) == "accepted"


def _five(deal):
    actors = dict(deal["actors"])
    actors["surveyor"] = member(deal["orgs"]["surveyor"], "srv1", ["signer"])
    actors["designer"] = member(deal["orgs"]["designer"], "des1", ["signer"])
    return actors


def test_five_party_signing_blocked_until_units_accepted_then_last_signature_fixes_date(deal):
    actors = _five(deal)
    contract = deal["contract"]
    today = today_local()
    with pytest.raises(Conflict) as exc:
        svc.completion_acceptance_sign(actor=actors["owner"], contract=contract, signed_on=today)
    assert exc.value.code == "no_units"
    unit, division, sub, lot = _chain(deal)
    u2 = _add(deal, "unit", "U2")
    for item in (lot, sub, division, unit):
        _pass(deal, item)
    with pytest.raises(Conflict) as exc:
        svc.completion_acceptance_sign(actor=actors["owner"], contract=contract, signed_on=today)
    assert exc.value.code == "units_not_accepted" and "1/2" in exc.value.message
    assert not CompletionSignature.objects.exists()
    _pass(deal, u2)
    dates = {
        "owner": today - dt.timedelta(days=4),
        "surveyor": today - dt.timedelta(days=3),
        "designer": today - dt.timedelta(days=1),
        "contractor": today - dt.timedelta(days=2),
    }
    for who, on in dates.items():
        result = svc.completion_acceptance_sign(actor=actors[who], contract=contract, signed_on=on)
        assert result["completion_date"] is None
    with pytest.raises(PermissionDenied):
        svc.completion_acceptance_sign(
            actor=actors["other_supervisor"], contract=contract, signed_on=today
        )
    result = svc.completion_acceptance_sign(
        actor=actors["supervisor"], contract=contract, signed_on=today - dt.timedelta(days=5)
    )
    assert len(result["signed"]) == 5
    # the completion date is the LAST signature date, not the date of the last one to sign
    assert result["completion_date"] == today - dt.timedelta(days=1)
    with pytest.raises(Conflict):
        svc.completion_acceptance_sign(actor=actors["owner"], contract=contract, signed_on=today)
