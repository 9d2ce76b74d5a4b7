"""工程量清单 import (row-level Chinese errors, nothing changed on any error), replace_items
and the Excel export that re-imports cleanly."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from jianguan.contracts.boq import io as boq_io
from jianguan.contracts.boq.services import boq_import, replace_items
from jianguan.contracts.models import BoqItem, Contract, Evidence
from jianguan.contracts.tests.factories import boq_rows, make_contract
from jianguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jianguan.ledger.models import LedgerEntry

HEADER = ["序号", "项目编码", "项目名称", "项目特征", "计量单位", "工程量", "综合单价", "合价"]


def rows(n=5):
    return [
        [i, r["code"], r["name"], r["feature"], r["unit"], r["quantity"], r["rate"], r["amount"]]
        for i, r in enumerate(boq_rows(n), 1)
    ]


def xlsx(data, header=HEADER, title_rows=0, sheets_before=0) -> bytes:
    book = Workbook()
    sheet = book.active
    for i in range(sheets_before):
        sheet.title = f"封面{i}"
        sheet.append(["某工程", "工程量清单封面"])
        sheet = book.create_sheet("清单")
    for i in range(title_rows):
        sheet.append(["大兴区某工程 分部分项工程和单价措施项目清单与计价表"] if i == 0 else [])
    sheet.append(header)
    for row in data:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _doc(entry) -> dict:
    return json.loads(bytes(entry.leaf_input))


def upload(content, name="工程量清单.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def draft(deal):
    c = make_contract(
        project=deal["project"],
        employer=deal["orgs"]["owner"],
        contractor=deal["orgs"]["general_contractor"],
        supervisor=deal["orgs"]["supervisor"],
        items=0,
        status="draft",
        price=sum((r["amount"] for r in boq_rows(5)), Decimal(0)),
    )
    return {**deal, "draft": c}


def _refused(draft, content, *, actor="owner"):
    before = (BoqItem.objects.count(), LedgerEntry.objects.count(), Evidence.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        boq_import(actor=draft["actors"][actor], contract=draft["draft"], file=upload(content))
    after = (BoqItem.objects.count(), LedgerEntry.objects.count(), Evidence.objects.count())
    assert after == before
    return exc.value


def test_good_import_replaces_lines_and_is_ledgered(draft):
    c = draft["draft"]
    content = xlsx(rows(5), title_rows=2)
    summary = boq_import(actor=draft["actors"]["contractor"], contract=c, file=upload(content))
    expected = sum((r["amount"] for r in boq_rows(5)), Decimal(0))
    assert summary["count"] == 5 and summary["total"] == expected and summary["warnings"] == []
    items = list(c.boq_items.order_by("sequence"))
    assert [i.sequence for i in items] == [1, 2, 3, 4, 5]
    first = boq_rows(5)[0]
    assert items[0].code == first["code"] and items[0].unit_rate == first["rate"]
    assert items[0].current_quantity == items[0].quantity == first["quantity"]
    entry = LedgerEntry.objects.filter(type="contracts.boq_imported").latest("index")
    doc = _doc(entry)
    assert doc["payload"]["count"] == 5 and doc["payload"]["total"] == str(expected)
    assert doc["files"][0]["sm3"] == summary["sm3"] and entry.object_id == str(c.pk)
    assert Evidence.objects.get(contract=c).sm3 == summary["sm3"]
    # a second import replaces the lines; a total unlike the price is a warning, not a refusal
    summary = boq_import(
        actor=draft["actors"]["owner"], contract=c, file=upload(xlsx(rows(3), sheets_before=1))
    )
    assert summary["count"] == 3 and c.boq_items.count() == 3
    assert "不一致" in summary["warnings"][0]
    latest = LedgerEntry.objects.filter(type="contracts.boq_imported").latest("index")
    assert _doc(latest)["payload"]["replaced"] == 5


def test_two_row_header_and_units_in_brackets(draft):
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "金额（元）"]
    )
    sheet.append([None, None, None, None, None, None, "综合单价", "合价"])
    sheet.append([1, "010101001001", "平整场地", "", "m2", 100, 2.5, 250])
    buf = io.BytesIO()
    book.save(buf)
    summary = boq_import(
        actor=draft["actors"]["owner"], contract=draft["draft"], file=upload(buf.getvalue())
    )
    assert summary["count"] == 1 and summary["total"] == Decimal("250.00")


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 not really a docx" + b"\0" * 100, b"random bytes \x00\xff" * 50],
    ids=["docx", "random"],
)
def test_a_file_that_is_not_a_workbook(draft, content):
    err = _refused(draft, content)
    assert err.code == "boq_invalid" and "Excel" in err.message
    assert err.details[0]["row"] is None


def test_real_docx_is_refused(draft):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    err = _refused(draft, buf.getvalue())
    assert err.code == "boq_invalid"


def test_a_workbook_that_is_not_a_boq(draft):
    err = _refused(draft, xlsx([["张三", 30]], header=["姓名", "年龄"]))
    assert err.code == "boq_invalid" and "不是工程量清单" in err.message
    assert "项目编码" in err.message
    # the header below the first 10 rows is not looked for
    err = _refused(draft, xlsx(rows(2), title_rows=11))
    assert "表头缺少列" in err.message


def _one_error(draft, mutate, column):
    data = rows(4)
    mutate(data)
    err = _refused(draft, xlsx(data))
    assert err.code == "boq_invalid"
    assert err.details, err
    hit = [d for d in err.details if d["column"] == column]
    assert hit, err.details
    return hit[0]


def test_missing_code(draft):
    e = _one_error(draft, lambda d: d[1].__setitem__(1, None), "项目编码")
    assert e["row"] == 3 and "缺少项目编码" in e["message"]


def test_duplicate_code(draft):
    def dup(d):
        d[3][1] = d[0][1]

    e = _one_error(draft, dup, "项目编码")
    assert e["row"] == 5 and "重复" in e["message"] and "第 2 行" in e["message"]


def test_amount_beyond_rounding_refused_within_rounding_accepted(draft):
    def off(d):
        d[2][7] = d[2][7] + Decimal("0.02")

    e = _one_error(draft, off, "合价")
    assert e["row"] == 4 and "不符" in e["message"]
    data = rows(4)
    data[2][7] = data[2][7] + Decimal("0.01")  # one fen off: rounding
    summary = boq_import(
        actor=draft["actors"]["owner"], contract=draft["draft"], file=upload(xlsx(data))
    )
    assert summary["count"] == 4


def test_unknown_unit(draft):
    e = _one_error(draft, lambda d: d[0].__setitem__(4, "斤"), "计量单位")
    assert e["row"] == 2 and "未知的计量单位" in e["message"]


def test_negative_quantity(draft):
    def neg(d):
        d[1][5] = -d[1][5]
        d[1][7] = -d[1][7]

    e = _one_error(draft, neg, "工程量")
    assert "正数" in e["message"]


def test_non_numeric_quantity(draft):
    e = _one_error(draft, lambda d: d[0].__setitem__(5, "约一百"), "工程量")
    assert "不是数字" in e["message"] and "约一百" in e["message"]


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e30", "1.23456"])
def test_impossible_numbers(draft, value):
    e = _one_error(draft, lambda d: d[0].__setitem__(6, value), "综合单价")
    assert e["row"] == 2


def test_all_errors_are_reported_with_rows(draft):
    data = rows(5)
    data[0][1] = ""
    data[2][4] = "斤"
    data[4][5] = "abc"
    err = _refused(draft, xlsx(data))
    assert {(d["row"], d["column"]) for d in err.details} >= {
        (2, "项目编码"),
        (4, "计量单位"),
        (6, "工程量"),
    }
    assert "3 处错误" in err.message or "处错误" in err.message


def test_too_many_rows(draft, monkeypatch):
    monkeypatch.setattr(boq_io, "MAX_ROWS", 3)
    err = _refused(draft, xlsx(rows(4)))
    assert "超过 3 行" in err.details[-1]["message"]


def test_empty_and_missing_files(draft):
    for content, code in ((b"", "empty_file"), (xlsx([]), "boq_invalid")):
        assert _refused(draft, content).code == code
    with pytest.raises(ValidationFailed):
        boq_import(actor=draft["actors"]["owner"], contract=draft["draft"], file=None)


def test_after_signing_quantities_change_only_by_variation(draft):
    signed = draft["contract"]
    before = list(signed.boq_items.values_list("pk", "quantity"))
    with pytest.raises(Conflict) as exc:
        boq_import(actor=draft["actors"]["owner"], contract=signed, file=upload(xlsx(rows(3))))
    assert exc.value.code == "boq_locked" and "变更" in exc.value.message
    assert list(signed.boq_items.values_list("pk", "quantity")) == before


def test_who_may_import(draft):
    content = xlsx(rows(2))
    for who in ("supervisor", "finance", "regulator"):
        with pytest.raises(PermissionDenied):
            boq_import(actor=draft["actors"][who], contract=draft["draft"], file=upload(content))
    # an owner of another organisation has the grant but is no party
    with pytest.raises(PermissionDenied) as exc:
        boq_import(
            actor=draft["actors"]["other_owner"], contract=draft["draft"], file=upload(content)
        )
    assert exc.value.code == "not_contract_party"
    assert BoqItem.objects.filter(contract=draft["draft"]).count() == 0


def test_stranger_gets_404_from_the_selector(draft):
    from jianguan.contracts.selectors import contract_get_visible

    with pytest.raises(NotFound):
        contract_get_visible(actor=draft["actors"]["other_owner"], pk=draft["draft"].pk)


def test_export_round_trip(draft):
    signed = draft["contract"]
    content = boq_io.export(signed.boq_items.select_related("origin_variation"))
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    header = next(sheet.iter_rows(values_only=True))
    assert list(header) == boq_io.HEADER and "来源" in header
    summary = boq_import(
        actor=draft["actors"]["owner"], contract=draft["draft"], file=upload(content)
    )
    original = list(signed.boq_items.values_list("code", "name", "unit", "quantity", "unit_rate"))
    copied = list(
        draft["draft"].boq_items.values_list("code", "name", "unit", "quantity", "unit_rate")
    )
    assert copied == original and summary["total"] == signed.price


def test_replace_items_bulk(draft):
    c = Contract.objects.get(pk=draft["draft"].pk)
    lines = boq_rows(3000)
    from django.db import transaction

    with transaction.atomic():
        count, total = replace_items(c, lines)
    assert count == 3000 and total == sum((r["amount"] for r in lines), Decimal(0))
    assert c.boq_items.count() == 3000
    assert c.boq_items.get(sequence=3000).code == lines[-1]["code"]
