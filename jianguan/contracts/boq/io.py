"""The contract's 工程量清单 in and out of Excel (GB 50500 columns).

`parse` reads an uploaded workbook with the strict checks of jianguan.tendering.boq_xlsx
(row-level Chinese errors, nothing raised); `export` writes the lines back with the current
quantity (variations included) and each line's origin, in a form `parse` reads again."""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from jianguan.tendering import boq_xlsx

MAX_ROWS = 20000
MAX_BYTES = 20 * 1024 * 1024
HEADER = [
    "序号",
    "项目编码",
    "项目名称",
    "项目特征",
    "计量单位",
    "工程量",
    "综合单价",
    "合价",
    "现工程量（含变更）",
    "来源",
]
WIDTHS = [7, 16, 28, 40, 9, 14, 12, 16, 16, 18]


def parse(file: Any) -> tuple[list[dict], list[dict[str, Any]]]:
    """(lines, errors): lines {row, code, name, feature, unit, quantity, rate, amount} with
    Decimal numbers; errors [{row, column, message}] in Chinese (empty when importable)."""
    return boq_xlsx.read(file, strict=True, max_rows=MAX_ROWS)


def total(lines: Iterable[dict]) -> Decimal:
    return sum((line["amount"] for line in lines), Decimal("0.00"))


def _origin(item: Any) -> str:
    variation = getattr(item, "origin_variation", None)
    return f"变更 {variation.number}" if variation is not None else "合同清单"


def export(contract_items: Iterable[Any]) -> bytes:
    """xlsx bytes of BoqItem rows (give a queryset with select_related("origin_variation")).
    Write-only workbook: 20,000 lines in about a second."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("工程量清单")
    for i, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    bold = Font(bold=True)
    header = []
    for title in HEADER:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for item in contract_items:
        sheet.append(
            [
                item.sequence,
                item.code,
                item.name,
                item.feature,
                item.unit,
                item.quantity,
                item.unit_rate,
                item.amount,
                item.current_quantity,
                _origin(item),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
