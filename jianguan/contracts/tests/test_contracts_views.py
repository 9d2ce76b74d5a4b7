"""Contract pages: new contract from an award, terms, signing, the rule-check panel,
subcontracts with approval, the register with its Excel export, the ledger tab and export."""

from __future__ import annotations

import base64
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jianguan.contracts.models import Contract
from jianguan.contracts.tests.helpers_award import make_award, subcontractor
from jianguan.ledger import merkle
from jianguan.ledger.services import tree_head_sign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _as(client, actor):
    client.force_login(actor.user)
    return client


def _terms_post(c, **over):
    data = {
        "title": c.title,
        "scope": "",
        "duration_days": c.duration_days,
        "advance_ratio": "0",
        "progress_ratio": "0.85",
        "retention_form": "cash",
        "retention_ratio": "0.03",
        "security_form": "bank_guarantee",
        "security_amount": str((c.price / 20).quantize(c.price)),
        "security_reference": "BG-1",
        "measurement_period_months": 1,
        "labour_payment_cycle_months": 1,
        "supervisor": c.supervisor_id or "",
        "finance_bureau": c.finance_bureau_id or "",
        "auditor": c.auditor_id or "",
    }
    data.update(over)
    return data


def test_new_contract_terms_and_signing_on_pages(client, deal):
    a, o = deal["actors"], deal["orgs"]
    award, _ = make_award(deal)
    _as(client, a["owner"])
    page = client.get(reverse("contracts:new")).content.decode()
    assert award.tender.code in page and "根据中标结果起草" in page
    r = client.post(
        reverse("contracts:new"), {"mode": "award", "award": award.pk, "auditor": o["auditor"].pk}
    )
    assert r.status_code == 302
    c = Contract.objects.get(award_id=award.pk)
    page = client.get(reverse("contracts:detail", args=[c.pk])).content.decode()
    assert 'id="terms-check"' in page and "符合" in page and "以本单位名义签署合同" in page
    # an unlawful term: saved as a draft, the panel marks it, signing is refused with a 400
    r = client.post(reverse("contracts:terms", args=[c.pk]), _terms_post(c, progress_ratio="0.7"))
    assert r.status_code == 302
    page = client.get(reverse("contracts:detail", args=[c.pk])).content.decode()
    assert "违规" in page and 'data-code="progress_ratio_too_low"' in page
    r = client.post(reverse("contracts:sign", args=[c.pk]))
    assert r.status_code == 400 and "不得低于" in r.content.decode()
    # a form error is a 400 page, nothing saved
    r = client.post(reverse("contracts:terms", args=[c.pk]), _terms_post(c, progress_ratio="x"))
    assert r.status_code == 400 and "进度款支付比例" in r.content.decode()
    r = client.post(reverse("contracts:terms", args=[c.pk]), _terms_post(c))
    assert r.status_code == 302
    assert client.post(reverse("contracts:sign", args=[c.pk])).status_code == 302
    _as(client, a["contractor"])
    # the contractor cannot edit terms; it signs its side
    assert client.post(reverse("contracts:terms", args=[c.pk]), _terms_post(c)).status_code in (
        403,
        409,
    )
    assert client.post(reverse("contracts:sign", args=[c.pk])).status_code == 302
    c.refresh_from_db()
    assert c.status == "signed"
    # a second signature by the same side is a conflict page
    assert client.post(reverse("contracts:sign", args=[c.pk])).status_code == 409
    # a stranger gets 404
    _as(client, a["other_owner"])
    assert client.get(reverse("contracts:detail", args=[c.pk])).status_code == 404
    assert client.get(reverse("contracts:ledger", args=[c.pk])).status_code == 404


def test_subcontract_pages_approval(client, deal):
    a = deal["actors"]
    parent = deal["contract"]
    _as(client, a["contractor"])
    page = client.get(reverse("contracts:detail", args=[parent.pk])).content.decode()
    assert "新建分包" in page
    bad = subcontractor(licensed=False, name="无证专业分包公司")
    form = {
        "contractor": bad.pk,
        "subcontract_type": "specialist",
        "title": "钢结构分包",
        "scope": "钢结构",
        "price": "1000.00",
        "duration_days": 30,
    }
    r = client.post(reverse("contracts:subcontract_new", args=[parent.pk]), form)
    assert r.status_code == 400 and 'id="eligibility-reasons"' in r.content.decode()
    r = client.post(
        reverse("contracts:subcontract_new", args=[parent.pk]),
        {**form, "contractor": subcontractor().pk, "covers_main_structure": "on"},
    )
    assert r.status_code == 400 and "主体结构" in r.content.decode()
    good = subcontractor(name="合格专业分包公司")
    r = client.post(
        reverse("contracts:subcontract_new", args=[parent.pk]), {**form, "contractor": good.pk}
    )
    assert r.status_code == 302
    sub = Contract.objects.get(parent=parent)
    # the contractor cannot approve; the owner can
    assert (
        client.post(
            reverse("contracts:approve", args=[sub.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    _as(client, a["owner"])
    page = client.get(reverse("contracts:detail", args=[sub.pk])).content.decode()
    assert 'id="approve-form"' in page
    r = client.post(reverse("contracts:approve", args=[sub.pk]), {"decision": "refuse"})
    assert r.status_code == 400
    r = client.post(
        reverse("contracts:approve", args=[sub.pk]), {"decision": "refuse", "opinion": "范围不清"}
    )
    assert r.status_code == 302
    page = client.get(reverse("contracts:detail", args=[sub.pk])).content.decode()
    assert "范围不清" in page
    r = client.post(reverse("contracts:approve", args=[sub.pk]), {"decision": "approve"})
    assert r.status_code == 302
    sub.refresh_from_db()
    assert sub.approved_at is not None


def test_the_review_queue_button_shows_only_to_those_who_review(client, deal):
    a = deal["actors"]
    for who, shown in (("finance", True), ("auditor", True), ("contractor", False)):
        _as(client, a[who])
        page = client.get(reverse("contracts:index")).content.decode()
        assert ('id="worklist-link"' in page) is shown, who
        if shown:
            assert client.get(reverse("contracts:worklist")).status_code == 200
        else:
            assert client.get(reverse("contracts:worklist")).status_code == 403


def test_register_filters_and_excel_export(client, deal):
    a = deal["actors"]
    _as(client, a["owner"])
    page = client.get(reverse("contracts:index")).content.decode()
    assert deal["contract"].number in page and 'id="register-totals"' in page
    page = client.get(reverse("contracts:index"), {"status": "draft"}).content.decode()
    assert deal["contract"].number not in page
    assert client.get(reverse("contracts:index"), {"project": "x", "page": "zz"}).status_code == 200
    r = client.get(reverse("contracts:register_export"))
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "合同编号" and rows[1][0] == deal["contract"].number
    assert float(rows[1][6]) == float(deal["contract"].price) and rows[-1][0] == "合计"
    # a stranger's register is empty
    _as(client, a["other_owner"])
    assert deal["contract"].number not in client.get(reverse("contracts:index")).content.decode()
    rows = list(
        load_workbook(
            io.BytesIO(client.get(reverse("contracts:register_export")).content)
        ).active.iter_rows(values_only=True)
    )
    assert len(rows) == 2  # header and totals


def test_ledger_tab_and_export_verify(client, deal):
    a, o = deal["actors"], deal["orgs"]
    award, _ = make_award(deal)
    _as(client, a["owner"])
    client.post(
        reverse("contracts:new"), {"mode": "award", "award": award.pk, "auditor": o["auditor"].pk}
    )
    c = Contract.objects.get(award_id=award.pk)
    page = client.get(reverse("contracts:ledger", args=[c.pk])).content.decode()
    assert "起草合同" in page and "data-index=" in page
    tree_head_sign(force=True)
    _as(client, a["auditor"])
    page = client.get(reverse("contracts:ledger", args=[c.pk])).content.decode()
    assert "已校验" in page and 'id="ledger-export"' in page
    r = client.get(reverse("contracts:ledger_export", args=[c.pk]))
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    data = json.loads(r.content)
    head = data["head"]
    for e in data["entries"]:
        leaf = base64.b64decode(e["leaf_input_b64"])
        path = [base64.b64decode(p) for p in e["inclusion_proof_b64"]]
        assert merkle.verify_inclusion(
            head["hash_alg"],
            merkle.leaf_hash(leaf, head["hash_alg"]),
            e["index"],
            head["tree_size"],
            path,
            bytes.fromhex(head["root_hash"]),
        )


def test_manual_contract_page_and_locked_terms(client, deal):
    a, o = deal["actors"], deal["orgs"]
    _as(client, a["owner"])
    page = client.get(reverse("contracts:new")).content.decode()
    assert 'id="no-awards"' in page and o["general_contractor"].name in page
    form = {
        "mode": "manual",
        "project": deal["project"].pk,
        "contractor": o["general_contractor"].pk,
        "title": "室外配套工程施工合同",
        "price": "-5",
        "duration_days": 60,
    }
    r = client.post(reverse("contracts:new"), form)
    assert r.status_code == 400 and 'id="form-error"' in r.content.decode()
    n = Contract.objects.count()
    r = client.post(reverse("contracts:new"), {**form, "price": "880000.00"})
    assert r.status_code == 302 and Contract.objects.count() == n + 1
    made = Contract.objects.get(title="室外配套工程施工合同")
    assert made.employer == o["owner"] and made.status == "draft"
    # the signed contract's terms page is read-only and a post is a conflict
    signed = deal["contract"]
    page = client.get(reverse("contracts:terms", args=[signed.pk])).content.decode()
    assert 'id="terms-locked"' in page
    r = client.post(reverse("contracts:terms", args=[signed.pk]), _terms_post(signed))
    assert r.status_code == 409 and "不能修改" in r.content.decode()
    # the contractor may not open the new-contract page
    _as(client, a["contractor"])
    assert client.get(reverse("contracts:new")).status_code == 403
