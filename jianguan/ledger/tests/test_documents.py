"""Issued documents (扫码验真): the seal's code leads to a public page that shows the SM3 of
the very bytes handed out, their ledger entry and its inclusion proof; the same content is
one document however often it is downloaded; a changed file is told apart."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader
from reportlab.platypus import Paragraph

from jianguan.core import pdf
from jianguan.core.tests.pdffonts import assert_all_embedded
from jianguan.ledger import documents
from jianguan.ledger.models import IssuedDocument, LedgerEntry
from jianguan.ledger.services import CODE_LENGTH, document_issue, tree_head_sign

pytestmark = pytest.mark.django_db


def _issue(actor, obj, text="限期整改：第三层楼板钢筋保护层厚度不足。", signer="王监督"):
    def render(seal):
        return pdf.render([Paragraph(pdf.esc(text), pdf.style(11))], title="测试通知", seal=seal)

    return document_issue(
        actor=actor,
        obj=obj,
        kind="test.notice",
        kind_label="测试通知书",
        title="测试通知 CS-1",
        issuer="测试监管中心",
        signer=signer,
        render=render,
    )


def sm3(content: bytes) -> str:
    return hashlib.new("sm3", content).hexdigest()


def test_issue_records_the_final_bytes_and_is_stable(regulator, org):
    document, content = _issue(regulator, org)
    assert len(document.code) == CODE_LENGTH and document.sm3 == sm3(content)
    printed = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert f"/v/{document.code}/" in printed and "签发人：王监督" in printed  # the seal
    entry = LedgerEntry.objects.get(index=document.entry_index)
    assert entry.type == "document.issued" and entry.object_id == str(org.pk)
    assert f'"sm3":"{document.sm3}"'.encode() in bytes(entry.leaf_input)
    assert_all_embedded(content)

    again, same = _issue(regulator, org)  # a second download: the same document
    assert (again.pk, same) == (document.pk, content)
    assert IssuedDocument.objects.count() == 1

    changed, other = _issue(regulator, org, text="限期整改：脚手架连墙件缺失。")
    assert changed.code != document.code and changed.sm3 == sm3(other) != document.sm3
    assert changed.entry_index > document.entry_index


def test_public_page_shows_the_sm3_index_and_a_checked_proof(client, regulator, org):
    document, content = _issue(regulator, org)
    tree_head_sign(force=True)
    response = client.get(f"/v/{document.code}/")  # anonymous: no login
    assert response.status_code == 200
    html = response.content.decode()
    shown = re.search(r'id="document-sm3">([0-9a-f]{64})<', html).group(1)
    assert shown == sm3(content)
    assert f'id="entry-index">{document.entry_index}<' in html
    assert "已核验" in html and "包含性证明相符" in html
    assert "测试监管中心" in html and "王监督" in html
    # typed from paper: lower case and a dash are forgiven
    code = document.code.lower()
    assert client.get(f"/v/{code[:5]}-{code[5:]}/").status_code == 200


def test_upload_of_the_file_matches_and_an_altered_one_does_not(client, regulator, org):
    document, content = _issue(regulator, org)
    url = f"/v/{document.code}/"
    html = client.post(url, {"file": SimpleUploadedFile("n.pdf", content)}).content.decode()
    assert "一致：所选文件的 SM3 与存证记录相同" in html
    altered = content.replace(b"/Title", b"/Titel", 1)
    response = client.post(url, {"file": SimpleUploadedFile("n.pdf", altered)})
    html = response.content.decode()
    assert response.status_code == 200 and "不一致" in html
    assert re.search(r'id="upload-sm3">([0-9a-f]{64})<', html).group(1) == sm3(altered)
    assert IssuedDocument.objects.count() == 1  # nothing kept of the upload


def test_upload_limits(client, regulator, org, monkeypatch):
    document, content = _issue(regulator, org)
    url = f"/v/{document.code}/"
    assert client.post(url, {}).status_code == 400
    monkeypatch.setattr(documents, "MAX_UPLOAD", 100)
    response = client.post(url, {"file": SimpleUploadedFile("n.pdf", content)})
    assert response.status_code == 400 and "文件超过" in response.content.decode()


@pytest.mark.parametrize("code", ["NOSUCHCODE", "abc", "0" * 40, "%E4%B8%AD"])
def test_bad_codes_are_404_with_a_chinese_message(client, code):
    response = client.get(f"/v/{code}/")
    assert response.status_code == 404
    assert "验证码不存在" in response.content.decode()


def test_the_page_says_so_when_the_entry_is_not_yet_under_a_signed_head(client, regulator, org):
    tree_head_sign(force=True)
    document, _ = _issue(regulator, org)
    head = documents.verify(document).head
    if head is not None and head.tree_size > document.entry_index:
        pytest.skip("the page re-signed the head at once (older head outside its interval)")
    html = client.get(f"/v/{document.code}/").content.decode()
    assert "尚未纳入最新签名树头" in html


def test_font_path_order(settings, tmp_path):
    settings.PDF_FONT_PATH = ""
    packaged = pdf.font_path()
    assert packaged.name == "wqy-microhei.ttc" and packaged.is_file()
    settings.PDF_FONT_PATH = str(packaged)
    assert pdf.font_path() == packaged
    settings.PDF_FONT_PATH = str(tmp_path / "missing.ttf")
    with pytest.raises(ImproperlyConfigured, match="PDF_FONT_PATH"):
        pdf.font_path()


def test_rendering_is_deterministic_and_pdfa_identified(regulator, org):
    document, content = _issue(regulator, org)
    assert b"<pdfaid:part>2</pdfaid:part>" in content and b"/OutputIntents" in content
    assert b"Helvetica" not in content  # reportlab's default font would not be embedded
