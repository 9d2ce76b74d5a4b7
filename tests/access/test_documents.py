"""Documents people keep (issue 16): every kind of PDF the platform generates, rendered from
the access matrix's district, embeds all its fonts (checked by poppler's ``pdffonts``, not by us), names
its issuer and signer by name, and its verification page shows the SM3 of those very bytes."""

from __future__ import annotations

import hashlib
import io
import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from jianguan.core.tests.pdffonts import assert_all_embedded

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2] / "jianguan"


def _actor(username):
    from jianguan.accounts.actors import actor_for
    from jianguan.accounts.models import User

    return actor_for(User.objects.get(username=username))


def _documents(world) -> dict:
    """kind -> a function issuing that kind of document for one object of the district."""
    from jianguan.compliance.models import RectificationOrder, Sanction
    from jianguan.compliance.pdf import order_document, sanction_document
    from jianguan.contracts.claims.pdf import ISSUABLE, certificate_document
    from jianguan.contracts.models import PaymentClaim
    from jianguan.cost.audit.models import SettlementAudit
    from jianguan.cost.audit.report import report_document
    from jianguan.experts.models import Committee
    from jianguan.experts.pdf import evaluation_report_document
    from jianguan.projects.models import Project
    from jianguan.projects.pdf import responsibility_sign_document
    from jianguan.tendering.award.pdf import award_notice_document, result_notice_document
    from jianguan.tendering.models import Award, Bid

    reg = _actor("regulator")
    s = world.subjects
    award = Award.objects.get(pk=s["award@awarded"]["award_id"])
    lost = Bid.objects.filter(lot=award.lot).exclude(pk=award.bid_id).order_by("pk").first()
    claim = PaymentClaim.objects.filter(status__in=ISSUABLE).order_by("pk").first()
    assert claim is not None, "the demo district has no approved payment claim"
    return {
        "compliance.rectification_order": lambda: order_document(
            actor=reg, order=RectificationOrder.objects.get(pk=s["order@any"]["pk"])
        ),
        "compliance.sanction_notice": lambda: sanction_document(
            actor=reg, sanction=Sanction.objects.get(pk=s["sanction@any"]["pk"])
        ),
        "tendering.award_notice": lambda: award_notice_document(actor=reg, award=award),
        "tendering.result_notice": lambda: result_notice_document(
            actor=reg, award=award, bid=lost or award.bid
        ),
        "experts.evaluation_report": lambda: evaluation_report_document(
            actor=reg, committee=Committee.objects.get(pk=s["committee@awarded"]["pk"])
        ),
        "contracts.payment_certificate": lambda: certificate_document(actor=reg, claim=claim),
        "projects.responsibility_sign": lambda: responsibility_sign_document(
            actor=reg, project=Project.objects.get(pk=s["project@own"]["pk"])
        ),
        "cost_audit.report": lambda: report_document(
            actor=reg, audit=SettlementAudit.objects.get(pk=s["settlementaudit@reported"]["pk"])
        ),
    }


def _kinds_in_code() -> set[str]:
    kinds = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        kinds |= set(re.findall(r'kind="([a-z_]+\.[a-z_]+)",\s*kind_label=', text))
    return kinds


def test_every_module_that_builds_a_pdf_issues_it():
    """A PDF built on core.pdf outside an issue would carry no seal and no ledger entry."""
    builders = [
        p
        for p in ROOT.rglob("*.py")
        if "tests" not in p.parts
        and "demo" not in p.name
        and "demo" not in p.parts
        and p != ROOT / "core" / "pdf.py"
        and re.search(r"from jianguan\.core\.pdf import [^\n]*\brender\b", p.read_text("utf-8"))
    ]
    assert builders
    assert [str(p) for p in builders if "document_issue(" not in p.read_text("utf-8")] == []


def test_every_kind_embeds_its_fonts_and_verifies(client, world):
    from jianguan.accounts.models import User
    from jianguan.ledger.models import IssuedDocument
    from jianguan.ledger.services import tree_head_sign

    documents = _documents(world)
    assert set(documents) == _kinds_in_code()  # a new kind must be added here
    usernames = set(User.objects.values_list("username", flat=True))
    issued = {}
    for kind, issue in documents.items():
        content = issue()
        assert content.startswith(b"%PDF"), kind
        fonts = assert_all_embedded(content)
        assert all("WenQuanYi" in f["name"] for f in fonts), (kind, fonts)
        doc = IssuedDocument.objects.filter(kind=kind).latest("pk")
        assert doc.sm3 == hashlib.new("sm3", content).hexdigest(), kind
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
        assert f"签发单位：{doc.issuer}" in text and f"签发人：{doc.signer}" in text, kind
        assert f"/v/{doc.code}/" in text, kind
        assert doc.signer not in usernames and doc.issuer not in usernames, (kind, doc.signer)
        assert issue() == content, f"{kind}: a second download is not the same document"
        issued[kind] = (doc, content)
        if os.environ.get("DOCUMENTS_DUMP"):  # to look at them: pdftoppm -png DIR/*.pdf
            Path(os.environ["DOCUMENTS_DUMP"], f"{kind}.pdf").write_bytes(content)
    tree_head_sign(force=True)
    for kind, (doc, content) in issued.items():
        html = client.get(f"/v/{doc.code}/").content.decode()
        shown = re.search(r'id="document-sm3">([0-9a-f]{64})<', html).group(1)
        assert shown == hashlib.new("sm3", content).hexdigest(), kind
        assert "包含性证明相符" in html, kind
