"""工程量清单 (GB 50500) from Excel: the header row names the columns; each row becomes a line
{code, name, feature, unit, quantity, rate, amount}. Problems are Chinese, row by row."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook

from jianguan.tendering.collusion.boq import check_boq

COLUMNS = {
    "项目编码": "code",
    "项目名称": "name",
    "项目特征": "feature",
    "项目特征描述": "feature",
    "计量单位": "unit",
    "工程量": "quantity",
    "综合单价": "rate",
    "合价": "amount",
}
REQUIRED = ("code", "name", "unit", "quantity", "rate", "amount")
UNITS = {
    "m",
    "m2",
    "m²",
    "m3",
    "m³",
    "t",
    "kg",
    "个",
    "套",
    "台",
    "项",
    "樘",
    "根",
    "株",
    "处",
    "座",
    "块",
    "组",
    "片",
    "只",
    "延长米",
    "km",
    "樘(m2)",
    "系统",
    "点",
    "工日",
}
MAX_ROWS = 20000


def _dec(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None


def parse(file) -> tuple[list[dict], list[str]]:
    """(lines, problems). A file that is not a workbook is one problem, never an exception."""
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception:
        return [], ["文件不是有效的 Excel 工作簿（.xlsx）"]
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    index = {
        COLUMNS[str(h).strip()]: i for i, h in enumerate(header) if str(h or "").strip() in COLUMNS
    }
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        names = {v: k for k, v in COLUMNS.items()}
        return [], ["表头缺少列：" + "、".join(names[c] for c in missing)]
    lines, problems = [], []
    for n, row in enumerate(rows, 2):
        if n > MAX_ROWS:
            problems.append(f"清单超过 {MAX_ROWS} 行")
            break
        if not any(v not in (None, "") for v in row):
            continue
        line = {key: row[i] if i < len(row) else None for key, i in index.items()}
        line["code"] = str(line.get("code") or "").strip()
        line["unit"] = str(line.get("unit") or "").strip()
        for key in ("quantity", "rate", "amount"):
            value = _dec(line.get(key))
            if value is None:
                problems.append(
                    f"第 {n} 行：{ {'quantity': '工程量', 'rate': '综合单价', 'amount': '合价'}[key] }不是数字"
                )
            line[key] = value
        if line["unit"] and line["unit"] not in UNITS:
            problems.append(f"第 {n} 行：未知的计量单位“{line['unit']}”")
        line["row"] = n
        lines.append(line)
    if not problems:
        # check_boq counts data lines from 1; tell the user the spreadsheet's own row numbers
        def excel_row(match: re.Match) -> str:
            k = int(match.group(1))
            return f"第 {lines[k - 1]['row']} 行" if 0 < k <= len(lines) else match.group(0)

        problems += [re.sub(r"第 (\d+) 行", excel_row, p) for p in check_boq(lines)]
    return lines, problems
