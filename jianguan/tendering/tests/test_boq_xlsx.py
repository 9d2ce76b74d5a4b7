"""工程量清单 from Excel: the bidder's self-check (row-level Chinese errors) and the BoQ screens
run over the bids' own BoQs at the opening."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jianguan.tendering import sealer
from jianguan.tendering.models import Bid, CollusionReport, Tender
from jianguan.tendering.opening.services import bid_unseal, opening_close
from jianguan.tendering.tests.test_services import _keys, _publish, _submit, _tender

HEADER = ["项目编码", "项目名称", "项目特征", "计量单位", "工程量", "综合单价", "合价"]


def _rows(ratio=Decimal("1"), n=40):
    out = []
    for i in range(n):
        q = Decimal(10 + i)
        rate = (Decimal(100 + 7 * i) * ratio).quantize(Decimal("0.01"))
        out.append([f"0105010010{i:02d}", f"混凝土{i}", "C30", "m3", q, rate, q * rate])
    return out


def _xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _upload(content, name="清单.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/vnd.ms-excel")


def test_self_check_reports_rows(client, market, bearer):
    h = bearer(market["bidders"][0])
    url = "/api/v1/tendering/boq/check"
    r = client.post(url, {"file": _upload(_xlsx(_rows()))}, headers=h)
    assert r.status_code == 200 and r.json()["lines"] == 40
    bad = _rows(n=3)
    bad[1][0] = ""  # missing code
    bad.append(list(bad[0]))  # duplicate code
    bad[2][3] = "斤"  # unknown unit
    r = client.post(url, {"file": _upload(_xlsx(bad))}, headers=h)
    assert r.status_code == 400 and r.json()["code"] == "bad_boq"
    assert "未知的计量单位" in r.json()["message"]
    bad[2][3] = "m3"
    r = client.post(url, {"file": _upload(_xlsx(bad))}, headers=h)
    problems = " ".join(r.json()["details"]["problems"])
    assert "第 3 行" in problems and "缺少项目编码" in problems and "重复" in problems
    r = client.post(url, {"file": _upload(_xlsx(_rows(), header=["编码", "名称"]))}, headers=h)
    assert "表头缺少列" in r.json()["message"]
    r = client.post(url, {"file": _upload(b"not excel")}, headers=h)
    assert r.status_code == 400 and "Excel" in r.json()["message"]


def test_copied_boq_is_screened_at_opening(market, tmp_path):
    from jianguan.core.timeutil import now

    tender = _publish(market, _tender(market))
    sealed = []
    for i, actor in enumerate(market["bidders"][:3]):
        private, public = _keys(actor, tender)
        folder = tmp_path / f"b{i}"
        folder.mkdir()
        (folder / "tech.pdf").write_bytes(b"%PDF-1.4 tech " + bytes([65 + i]) * 100)
        ratio = [Decimal("1"), Decimal("1.0312"), Decimal("0.9") + Decimal(i) / 7][i]
        rows = (
            _rows(ratio)
            if i < 2
            else [
                r[:5] + [r[5] * (1 + Decimal(j % 5) / 20), None] for j, r in enumerate(_rows(ratio))
            ]
        )
        if i == 2:
            rows = [r[:6] + [r[4] * r[5]] for r in rows]
        (folder / "boq.xlsx").write_bytes(_xlsx(rows))
        price = str(sum(r[6] for r in rows))
        out = tmp_path / f"b{i}.zip"
        sealer.seal(
            files=[folder / "tech.pdf", folder / "boq.xlsx"],
            summary={"price": price, "duration_days": 300},
            recipient_public_pem=public,
            out=out,
        )
        sealed.append((actor, private, _submit(actor, tender, out)))
    Tender.objects.filter(pk=tender.pk).update(bid_deadline=now(), next_check_at=now())
    from jianguan.tendering.services.clock import tenders_advance

    tenders_advance()
    for actor, private, bid in sealed:
        key = sealer.unwrap_data_key(package=bid.package.path, private_pem=private)
        assert bid_unseal(actor=actor, bid=bid, data_key_hex=key.hex()).status == Bid.OPENED
    opening_close(tender=Tender.objects.get(pk=tender.pk))
    report = CollusionReport.objects.get(tender=tender, stage="opening")
    boq = [e for e in report.evidence if e["screen"] == "boq"]
    assert any(e["indicator"] == "boq_constant_ratio" for e in boq), report.evidence
