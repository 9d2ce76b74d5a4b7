"""Contract services: award → contract → terms → both signatures → tender contracted; the
lawful-terms check; subcontracts (再分包, 主体结构, eligibility, approval, signing)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jianguan.contracts.boq.services import replace_items
from jianguan.contracts.models import BoqItem, Contract
from jianguan.contracts.services import contracts as svc
from jianguan.contracts.tests.factories import boq_rows, make_contract
from jianguan.contracts.tests.helpers_award import make_award, subcontractor
from jianguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.ledger.selectors import entries_for_object
from jianguan.ledger.visibility import can_see
from jianguan.rules.lookup import add_working_days
from jianguan.tendering.tests.shared_data import OCDS_SCHEMA
from tests.needs import available

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _types(obj) -> list[str]:
    return [e.type for e in entries_for_object(obj)]


def test_award_to_signed_contract_and_contracted_tender(deal):
    a = deal["actors"]
    award, losing = make_award(deal)
    c = svc.contract_create_from_award(
        actor=a["owner"], award=award, auditor=deal["orgs"]["auditor"]
    )
    assert c.number.startswith(f"HT-{today_local().year}-") and c.status == "draft"
    assert (c.employer, c.contractor) == (deal["orgs"]["owner"], deal["orgs"]["general_contractor"])
    assert c.price == c.current_value == award.value and c.duration_days == 300
    assert c.tender_code == award.tender.code and c.award_id == award.pk
    # defaults: the project's supervisor, the only finance bureau
    assert c.supervisor == deal["orgs"]["supervisor"]
    assert c.finance_bureau == deal["orgs"]["finance_bureau"]
    # the BoQ of the winning bid is the contract's
    items = list(BoqItem.objects.filter(contract=c))
    assert len(items) == 5 and sum(i.amount for i in items) == c.price
    created = entries_for_object(c).get(type="contracts.contract_created")
    assert b'"loaded":true' in bytes(created.leaf_input)
    # one contract per award
    with pytest.raises(Conflict) as exc:
        svc.contract_create_from_award(actor=a["owner"], award=award)
    assert exc.value.code == "contract_exists"
    # only the owner drafts
    with pytest.raises(PermissionDenied):
        svc.contract_update_terms(actor=a["contractor"], contract=c, progress_ratio="0.9")
    c = svc.contract_update_terms(
        actor=a["owner"],
        contract=c,
        progress_ratio="0.85",
        security_form="bank_guarantee",
        security_amount=(c.price * Decimal("0.05")).quantize(Decimal("0.01")),
        security_reference="BG-2026-001",
        start_on=today_local(),
    )
    assert c.progress_ratio == Decimal("0.8500")
    # the contractor signs first: still awaiting the employer; signing twice is a conflict
    c = svc.contract_sign(actor=a["contractor"], contract=c)
    assert c.status == "signing" and c.contractor_signed_by == "gc1" and c.signed_on is None
    with pytest.raises(Conflict) as exc:
        svc.contract_sign(actor=a["contractor"], contract=c)
    assert exc.value.code == "already_signed"
    # no one else signs
    with pytest.raises(PermissionDenied):
        svc.contract_sign(actor=a["supervisor"], contract=c)
    # terms are frozen once a side signed
    with pytest.raises(Conflict):
        svc.contract_update_terms(actor=a["owner"], contract=c, progress_ratio="0.9")
    c = svc.contract_sign(actor=a["owner"], contract=c)
    assert c.status == "signed" and c.signed_on == today_local()
    assert _types(c).count("contracts.contract_signed") == 2
    # the tender is contracted; the loser's bond is due 5 working days after signing
    # (京条例 38, over the 5 calendar days of 实施条例 57)
    award.tender.refresh_from_db()
    assert award.tender.status == "contracted"
    losing.refresh_from_db()
    assert losing.bond_refund_due == add_working_days(today_local(), 5, provisional=True)
    assert LedgerEntry.objects.filter(type="tendering.contract_signed").count() == 1
    # and the signed contract is published as an OCDS release tagged "contract"
    from jianguan.tendering.models import OcdsRelease

    release = OcdsRelease.objects.filter(tender=award.tender, tag="contract").get().data
    (published,) = release["contracts"]
    assert published["id"] == c.number and published["status"] == "active"
    assert published["awardID"] == f"award-{award.pk}" and published["dateSigned"]
    assert Decimal(str(published["value"]["amount"])) == c.price
    if available(
        OCDS_SCHEMA.joinpath("release-schema.json").is_file(),
        f"OCDS schema not found at {OCDS_SCHEMA}",
    ):
        from jianguan.tendering.ocds import releases as ocds

        assert ocds.validate(release, schema_dir=OCDS_SCHEMA) == []


def test_award_without_workbook_needs_a_boq_before_signing(deal):
    a = deal["actors"]
    award, _ = make_award(deal, with_boq=False)
    c = svc.contract_create_from_award(
        actor=a["owner"], award=award, auditor=deal["orgs"]["auditor"]
    )
    assert not c.boq_items.exists()
    with pytest.raises(ValidationFailed) as exc:
        svc.contract_sign(actor=a["owner"], contract=c)
    assert "boq_missing" in [p["code"] for p in exc.value.details["problems"]]
    c.refresh_from_db()
    assert c.employer_signed_at is None and c.status == "draft"
    # a stranger owner may not draft from someone else's award
    with pytest.raises(PermissionDenied):
        svc.contract_create_from_award(actor=a["other_owner"], award=make_award(deal)[0])


def _draft(deal, **over):
    o = deal["orgs"]
    args = dict(
        project=deal["project"],
        employer=o["owner"],
        contractor=o["general_contractor"],
        supervisor=o["supervisor"],
        finance_bureau=o["finance_bureau"],
        auditor=o["auditor"],
        status="draft",
    )
    return make_contract(**{**args, **over})


@pytest.mark.parametrize(
    "terms, code",
    [
        ({"progress_ratio": "0.7"}, "progress_ratio_too_low"),
        ({"retention_ratio": "0.05"}, "retention_too_high"),
        ({"security_form": "bank_guarantee", "security_amount": "PRICE*0.12"}, "security_too_high"),
        ({"labour_payment_cycle_months": 2}, "labour_cycle_too_long"),
        ({"security_form": "bond", "security_amount": "PRICE*0.05"}, "retention_with_bond"),
    ],
)
def test_unlawful_terms_refuse_signing(deal, terms, code):
    c = _draft(deal)
    terms = {
        k: (c.price * Decimal(v[6:])).quantize(Decimal("0.01"))
        if isinstance(v, str) and v.startswith("PRICE*")
        else v
        for k, v in terms.items()
    }
    c = svc.contract_update_terms(actor=deal["actors"]["owner"], contract=c, **terms)
    with pytest.raises(ValidationFailed) as exc:
        svc.contract_sign(actor=deal["actors"]["owner"], contract=c)
    assert code in [p["code"] for p in exc.value.details["problems"]]
    assert "合同不能签署" in exc.value.message
    c.refresh_from_db()
    assert c.employer_signed_at is None and c.status == "draft"
    assert "contracts.contract_signed" not in _types(c)


def test_boq_total_and_parties_are_checked(deal):
    c = _draft(deal, auditor=None)
    Contract.objects.filter(pk=c.pk).update(price=c.price + 5, current_value=c.price + 5)
    c.refresh_from_db()
    codes = [p["code"] for p in svc.signing_problems(c)]
    assert "boq_total_mismatch" in codes and "auditor_missing" in codes
    assert "清单合计与合同价不符" in str(svc.signing_problems(c))


@pytest.mark.parametrize(
    "terms, code",
    [
        ({"progress_ratio": "NaN"}, "bad_number"),
        ({"progress_ratio": "1.5"}, "bad_ratio"),
        ({"security_amount": "-1"}, "bad_number"),
        ({"security_amount": "1e30"}, "bad_number"),
        ({"retention_form": "gold"}, "bad_choice"),
        ({"labour_payment_cycle_months": 0}, "bad_number"),
        ({"start_on": "2026-05-01", "end_on": "2026-04-01"}, "bad_dates"),
        ({"auditor": 999999}, "bad_party"),
        ({"colour": "red"}, "unknown_term"),
    ],
)
def test_bad_terms_are_400_and_change_nothing(deal, terms, code):
    c = _draft(deal)
    before = (c.progress_ratio, c.security_amount, c.retention_form)
    with pytest.raises(ValidationFailed) as exc:
        svc.contract_update_terms(actor=deal["actors"]["owner"], contract=c, **terms)
    assert exc.value.code == code
    c.refresh_from_db()
    assert (c.progress_ratio, c.security_amount, c.retention_form) == before


def test_manual_contract_only_with_a_participating_general_contractor(deal):
    from jianguan.accounts.tests.factories import OrganisationFactory

    a, o = deal["actors"], deal["orgs"]
    c = svc.contract_create(
        actor=a["owner"],
        project=deal["project"],
        contractor=o["general_contractor"],
        title="附属工程施工合同",
        price="500000.00",
        duration_days=90,
    )
    assert c.kind == "main" and c.supervisor == o["supervisor"] and c.award_id is None
    with pytest.raises(ValidationFailed) as exc:
        svc.contract_create(
            actor=a["owner"],
            project=deal["project"],
            contractor=OrganisationFactory(kind="general_contractor"),
            title="x",
            price="1",
            duration_days=1,
        )
    assert exc.value.code == "not_participant"
    with pytest.raises(ValidationFailed):
        svc.contract_create(
            actor=a["owner"],
            project=deal["project"],
            contractor=o["supervisor"],
            title="x",
            price="1",
            duration_days=1,
        )
    with pytest.raises(PermissionDenied):
        svc.contract_create(
            actor=a["other_owner"],
            project=deal["project"],
            contractor=o["general_contractor"],
            title="x",
            price="1",
            duration_days=1,
        )


# --- subcontracts ----------------------------------------------------------------------------


def _sub(deal, org, **over):
    rows = boq_rows(2, seed=3)
    args = dict(
        actor=deal["actors"]["contractor"],
        parent=deal["contract"],
        contractor=org,
        subcontract_type="specialist",
        title="钢结构专业分包",
        scope="钢结构制作安装",
        price=sum((r["amount"] for r in rows), Decimal(0)),
        duration_days=120,
    )
    args.update(over)
    return svc.subcontract_create(**args), rows


def test_subcontract_approval_then_both_sign(deal):
    from jianguan.projects.tests.test_services import member

    a = deal["actors"]
    org = subcontractor()
    sub_actor = member(org, "spec1", ["admin", "signer"])
    sub, rows = _sub(deal, org)
    assert sub.kind == "subcontract" and sub.employer == deal["orgs"]["general_contractor"]
    assert sub.eligibility["passed"] is True and sub.number.startswith("FB-")
    replace_items(sub, rows)  # as the BoQ import would
    # no signature before the owner's approval
    with pytest.raises(ValidationFailed) as exc:
        svc.contract_sign(actor=a["contractor"], contract=sub)
    assert "subcontract_not_approved" in [p["code"] for p in exc.value.details["problems"]]
    # the general contractor cannot approve its own subcontract
    with pytest.raises(PermissionDenied):
        svc.subcontract_approve(actor=a["contractor"], contract=sub, approve=True)
    # a refusal needs its reason, is recorded and leaves a draft
    with pytest.raises(ValidationFailed):
        svc.subcontract_approve(actor=a["owner"], contract=sub, approve=False)
    sub = svc.subcontract_approve(actor=a["owner"], contract=sub, approve=False, opinion="资质不符")
    assert sub.status == "draft" and sub.approved_at is None
    assert "contracts.subcontract_refused" in _types(sub)
    sub = svc.subcontract_approve(actor=a["owner"], contract=sub, approve=True, opinion="同意")
    assert sub.approved_at is not None and sub.approved_by == "own1"
    with pytest.raises(Conflict):
        svc.subcontract_approve(actor=a["owner"], contract=sub, approve=True)
    sub = svc.contract_sign(actor=a["contractor"], contract=sub)
    assert sub.status == "signing"
    sub = svc.contract_sign(actor=sub_actor, contract=sub)
    assert sub.status == "signed"
    # 再分包: the subcontractor may not subcontract its part
    with pytest.raises(ValidationFailed) as exc:
        _sub(deal, subcontractor(), actor=sub_actor, parent=sub)
    assert exc.value.code == "re_subcontracting" and "建筑法" in exc.value.details["article"]
    # the parties of the main contract see the subcontract's entries, strangers do not
    assert can_see(a["supervisor"], "contracts", "contract", str(sub.pk))
    assert can_see(sub_actor, "contracts", "contract", str(sub.pk))
    assert not can_see(a["other_owner"], "contracts", "contract", str(sub.pk))


def test_subcontract_refusals(deal):
    n = Contract.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        _sub(deal, subcontractor(), covers_main_structure=True)
    assert exc.value.code == "main_structure_subcontracted"
    with pytest.raises(ValidationFailed) as exc:
        _sub(deal, subcontractor(licensed=False))
    assert exc.value.code == "subcontractor_ineligible"
    reasons = exc.value.details["reasons"]
    assert reasons and all(not r["passed"] for r in reasons) and "安全生产许可证" in str(reasons)
    with pytest.raises(ValidationFailed) as exc:
        _sub(deal, subcontractor("labour_subcontractor"))
    assert exc.value.code == "bad_subcontractor_kind"
    with pytest.raises(ValidationFailed) as exc:
        _sub(deal, subcontractor(), price=deal["contract"].current_value + 1)
    assert exc.value.code == "price_above_parent"
    with pytest.raises(PermissionDenied):
        _sub(deal, subcontractor(), actor=deal["actors"]["owner"])
    draft = _draft(deal)
    with pytest.raises(Conflict):
        _sub(deal, subcontractor(), parent=draft)
    assert Contract.objects.count() == n + 1  # only the draft made above


def test_ledger_visibility_rules(deal):
    a = deal["actors"]
    cid = str(deal["contract"].pk)
    assert can_see(a["regulator"], "contracts", "contract", cid)
    assert can_see(a["auditor"], "contracts", "contract", cid)
    assert not can_see(a["other_owner"], "contracts", "contract", cid)
    item = deal["contract"].boq_items.first()
    assert can_see(a["contractor"], "contracts", "boqitem", str(item.pk))
    assert not can_see(a["other_supervisor"], "contracts", "boqitem", str(item.pk))
    assert not can_see(a["contractor"], "contracts", "contract", "abc")
    with pytest.raises(NotFound):
        from jianguan.contracts.selectors import contract_get_visible

        contract_get_visible(actor=a["other_owner"], pk=deal["contract"].pk)
