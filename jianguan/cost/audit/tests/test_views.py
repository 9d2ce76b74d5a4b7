"""The pages: the audits list with the final accounts waiting for a firm, the engagement
form, one audit with the action of whoever holds the ball, the line table (filters,
pagination, cuts side by side once both reviews are in), the Excel cut upload and the report
downloads."""

from __future__ import annotations

import io

from django.test import Client
from openpyxl import Workbook, load_workbook

from jianguan.cost.audit.models import SettlementAudit


def login(actor) -> Client:
    c = Client()
    c.force_login(actor.user)
    return c


def _xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "审定金额", "审减理由"])
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "cuts.xlsx"
    return buf


def test_pages_journey(deal, account):
    a, o = deal["actors"], deal["orgs"]
    owner = login(a["owner"])
    page = owner.get("/cost/audit/")
    assert page.status_code == 200 and account.number in page.content.decode()
    r = owner.post(
        f"/cost/audit/accounts/{account.pk}/engage/", {"firm": o["owner"].pk, "reference": "R"}
    )
    assert r.status_code == 400 and "审计机构" in r.content.decode()
    r = owner.post(
        f"/cost/audit/accounts/{account.pk}/engage/",
        {"firm": o["auditor"].pk, "reference": "京兴审委1号"},
    )
    audit = SettlementAudit.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/cost/audit/{audit.pk}/"
    aud, fin, gc = login(a["auditor"]), login(a["finance"]), login(a["contractor"])
    html = aud.get(f"/cost/audit/{audit.pk}/").content.decode()
    assert 'id="review-panel"' in html and "审计复核" in html
    assert 'id="review-panel"' not in gc.get(f"/cost/audit/{audit.pk}/").content.decode()
    # the firm uploads its cuts as Excel; a bad sheet is refused with the row
    r = aud.post(f"/cost/audit/{audit.pk}/cuts/upload/", {"file": _xlsx([("x", "1", "理由")])})
    assert r.status_code == 400 and "第 2 行" in r.content.decode()
    r = aud.post(
        f"/cost/audit/{audit.pk}/cuts/upload/",
        {"file": _xlsx([(1, "90000", "运距核减"), (3, "18000.00", "单价")])},
    )
    assert r.status_code == 302
    # finance cuts one line on the line table
    line = account.lines.get(sequence=1)
    r = fin.post(
        f"/cost/audit/{audit.pk}/cut/",
        {"line": line.pk, "audited_amount": "100000.01", "reason": "x"},
    )
    assert r.status_code == 400
    r = fin.post(
        f"/cost/audit/{audit.pk}/cut/",
        {"line": line.pk, "audited_amount": "95000", "reason": "量差"},
    )
    assert r.status_code == 302
    table = fin.get(f"/cost/audit/{audit.pk}/lines/?show=cut").content.decode()
    assert "95,000.00" in table and "90,000.00" not in table  # the firm's draft is not shown
    assert (
        fin.post(f"/cost/audit/{audit.pk}/review/submit/", {"opinion": "同意"}).status_code == 302
    )
    assert aud.post(f"/cost/audit/{audit.pk}/review/submit/", {"opinion": ""}).status_code == 302
    table = gc.get(f"/cost/audit/{audit.pk}/lines/?show=cut").content.decode()
    assert "95,000.00" in table and "90,000.00" in table and "初审审定" in table
    html = gc.get(f"/cost/audit/{audit.pk}/").content.decode()
    assert 'id="respond-form"' in html
    assert gc.post(f"/cost/audit/{audit.pk}/respond/", {"disputes": "1 有签认"}).status_code == 302
    r = owner.post(
        f"/cost/audit/{audit.pk}/meeting/",
        {
            "held_on": "2026-01-05",
            "venue": "会议室",
            "attendees": "各方",
            "minutes": "纪要",
            "figures": "1 abc",
        },
    )
    assert r.status_code == 400
    from jianguan.core.timeutil import today_local

    r = owner.post(
        f"/cost/audit/{audit.pk}/meeting/",
        {
            "held_on": today_local().isoformat(),
            "venue": "会议室",
            "attendees": "各方",
            "minutes": "纪要",
            "figures": "1 92000",
        },
    )
    assert r.status_code == 302
    assert aud.get(f"/cost/audit/{audit.pk}/report.pdf").status_code == 409
    assert aud.post(f"/cost/audit/{audit.pk}/report/issue/").status_code == 302
    audit.refresh_from_db()
    # 92000 + 50000 + 18000 + 8000 + 30000 − 2000 = 196000
    assert audit.audited_amount == 196000
    pdf = gc.get(f"/cost/audit/{audit.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    x = gc.get(f"/cost/audit/{audit.pk}/report.xlsx")
    book = load_workbook(io.BytesIO(x.content))
    assert book.sheetnames == ["竣工结算审核汇总表", "分部分项审核明细表"]
    html = gc.get(f"/cost/audit/{audit.pk}/").content.decode()
    assert "4.85%" in html  # (206000 − 196000) / 206000


def test_line_table_filters_and_pages(deal):
    from jianguan.cost.audit import services as svc
    from jianguan.cost.audit.tests.conftest import make_account

    lines = [("boq", f"0101{i:08d}", "100.00", False) for i in range(1, 251)]
    account = make_account(deal["contract"], lines)
    a, o = deal["actors"], deal["orgs"]
    audit = svc.audit_engage(actor=a["owner"], account=account, firm=o["auditor"], reference="R")
    c = login(a["auditor"])
    html = c.get(f"/cost/audit/{audit.pk}/lines/").content.decode()
    assert "共 250 行，第 1/3 页" in html and "下一页" in html
    html = c.get(f"/cost/audit/{audit.pk}/lines/?q=010100000249").content.decode()
    assert "共 1 行" in html
    html = c.get(f"/cost/audit/{audit.pk}/lines/?page=zz&kind=nonsense&show=evil").content.decode()
    assert "共 250 行，第 1/3 页" in html
