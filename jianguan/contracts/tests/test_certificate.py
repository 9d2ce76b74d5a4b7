"""The payment certificate (工程进度款支付证书): a Chinese PDF for approved claims only, to the
contract's parties and the regulator only."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from django.urls import reverse
from pypdf import PdfReader

from jianguan.contracts import workflow
from jianguan.contracts.claims import pdf
from jianguan.contracts.claims import services as claim_services
from jianguan.contracts.tests.test_claims_views import _approved, _draft

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_certificate_opens_with_the_approved_figures(deal, login_as):
    claim = _approved(deal)
    client = login_as(deal["actors"]["contractor"])
    response = client.get(reverse("contracts:claim_certificate", args=[claim.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('进度款支付证书_' + claim.number + '.pdf')}" in disposition
    text = _text(response.content)
    assert "进度款支付证书" in text
    assert f"{claim.payable_amount:,.2f}" in text
    assert claim.number in text and deal["contract"].number in text
    # the finance and audit figures appear once the claim is approved
    finance = claim.reviews.get(stage=workflow.C_FINANCE)
    audit = claim.reviews.get(stage=workflow.C_AUDIT)
    assert finance.reduction > 0
    assert f"{finance.reviewed_value:,.2f}" in text and f"{finance.reduction:,.2f}" in text
    assert f"{audit.reviewed_value:,.2f}" in text
    facts = pdf.certificate_facts(claim)
    assert facts["ledger_index"].startswith("#")
    assert facts["chief_supervisor"] == claim.chief_supervisor != ""
    assert facts["ledger_index"] in text


@pytest.mark.parametrize("who", ["regulator", "owner", "finance", "auditor", "supervisor"])
def test_parties_and_regulator_may_open_it(deal, login_as, who):
    claim = _approved(deal)
    response = login_as(deal["actors"][who]).get(
        reverse("contracts:claim_certificate", args=[claim.pk])
    )
    assert response.status_code == 200


def test_strangers_get_404(deal, login_as):
    claim = _approved(deal)
    url = reverse("contracts:claim_certificate", args=[claim.pk])
    stranger = login_as(deal["actors"]["other_auditor"])
    response = stranger.get(url)
    assert response.status_code == 404 and b"%PDF" not in response.content
    assert stranger.get(reverse("contracts:claim_certificate", args=[999999])).status_code == 404


def test_no_certificate_before_approval(deal, login_as):
    claim = _draft(deal)
    claim_services.claim_submit(actor=deal["actors"]["contractor"], claim=claim)
    claim.refresh_from_db()
    assert claim.status == workflow.C_SUPERVISOR
    client = login_as(deal["actors"]["owner"])
    response = client.get(reverse("contracts:claim_certificate", args=[claim.pk]))
    assert response.status_code == 404
    page = client.get(reverse("contracts:claim", args=[claim.pk])).content.decode()
    assert 'id="certificate-link"' not in page


def test_anonymous_is_sent_to_login(deal, client):
    claim = _draft(deal)
    response = client.get(reverse("contracts:claim_certificate", args=[claim.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
