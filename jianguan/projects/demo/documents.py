"""People and paper for the demo leads: stable names and certificates, generated PDFs."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.accounts.models import Organisation
from jianguan.projects.demo.catalogue import GIVEN_NAMES, SURNAMES
from jianguan.projects.models import Project


def digits(*parts: object, n: int = 8) -> int:
    h = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return int(h, 16) % 10**n


def person(org: Organisation, party: str, k: int) -> dict[str, str]:
    """The k-th registered person of an organisation: stable name and certificate."""
    d = digits(org.credit_code, k)
    name = SURNAMES[d % len(SURNAMES)] + GIVEN_NAMES[(d // 97) % len(GIVEN_NAMES)]
    cert = {
        "general_contractor": f"京111{d:09d}",
        "owner": f"京111{d:09d}",
        "supervisor": f"11{d:08d}",
        "designer": f"A11{d:07d}",
        "surveyor": f"AY11{d:06d}",
    }[party]
    return {
        "person_name": name,
        "certificate_number": cert,
        "id_number_masked": f"110115********{d % 10000:04d}",
        "phone": f"13{d % 10}****{(d // 10) % 10000:04d}",
    }


def _font() -> str:
    # the house font, embedded: a reader without Chinese fonts still reads the demo's papers
    from jianguan.core.pdf import font

    return font()


def _pdf(title: str, lines: list[str], filename: str) -> SimpleUploadedFile:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(595, 842), invariant=True, initialFontName=_font())
    pdf.setTitle(title)
    pdf.setFont(_font(), 18)
    pdf.drawCentredString(297, 760, title)
    pdf.setFont(_font(), 11)
    for i, line in enumerate(lines):
        pdf.drawString(72, 700 - 22 * i, line)
    pdf.showPage()
    pdf.save()
    return SimpleUploadedFile(filename, buf.getvalue(), content_type="application/pdf")


PARTY_LABEL = {
    "owner": "建设单位",
    "surveyor": "勘察单位",
    "designer": "设计单位",
    "general_contractor": "施工单位",
    "supervisor": "监理单位",
}


def lead_files(project: Project, org: Organisation, who: dict, party: str, on: dt.date):
    role = PARTY_LABEL[party] + "项目负责人"
    auth = _pdf(
        "法定代表人授权书",
        [
            f"兹授权 {who['person_name']}（注册证书号 {who['certificate_number']}）",
            f"担任 {project.name}（{project.code}）的{role}，",
            "代表本单位全面履行工程质量责任。",
            f"授权单位：{org.name}",
            f"法定代表人：{org.legal_representative}        日期：{on:%Y年%m月%d日}",
        ],
        f"authorisation-{project.code}-{party}.pdf",
    )
    commit = _pdf(
        "工程质量终身责任承诺书",
        [
            f"本人 {who['person_name']} 担任 {project.name} 的{role}，",
            "承诺在工程设计使用年限内，对工程质量承担相应终身责任。",
            f"单位：{org.name}",
            f"承诺人：{who['person_name']}        日期：{on:%Y年%m月%d日}",
        ],
        f"commitment-{project.code}-{party}.pdf",
    )
    return auth, commit
