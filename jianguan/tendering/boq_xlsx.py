"""工程量清单 (GB 50500) from Excel: the header row names the columns; each row becomes a line
{row, code, name, feature, unit, quantity, rate, amount}. Problems are Chinese, row by row.

`read` gives structured errors ({row, column, message}); `parse` joins them into strings for
the bidder's self-check. The header is looked for in the first rows of every sheet (a title
block above it is usual), and a two-row header (金额 over 综合单价 / 合价) is understood.
`strict=True` is the contract's BoQ: names required, lengths and decimal places as stored,
no negative rates or amounts, and 合价 = 工程量 × 综合单价 to the fen."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from itertools import chain, islice
from typing import Any

from openpyxl import load_workbook

from jianguan.tendering.collusion.boq import amount_tolerance

COLUMNS = {
    "项目编码": "code",
    "项目名称": "name",
    "项目特征": "feature",
    "项目特征描述": "feature",
    "计量单位": "unit",
    "单位": "unit",
    "工程量": "quantity",
    "数量": "quantity",
    "综合单价": "rate",
    "合价": "amount",
}
LABELS = {
    "code": "项目编码",
    "name": "项目名称",
    "feature": "项目特征",
    "unit": "计量单位",
    "quantity": "工程量",
    "rate": "综合单价",
    "amount": "合价",
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
    "榀",
    "副",
    "对",
    "户",
    "孔",
    "口",
    "眼",
    "台班",
    "元",
}
MAX_ROWS = 20000  # data lines
HEADER_SCAN = 10  # the header must be within the first rows of a sheet
STRICT_TOLERANCE = Decimal("0.01")
# (integer digits, decimal places) the contract's BoqItem stores
LIMITS = {"quantity": (15, 3), "rate": (12, 2), "amount": (14, 2)}
TEXT_LIMITS = {"code": 40, "name": 200, "unit": 20, "feature": 2000}

Row = tuple[Any, ...]


def _norm(value: Any) -> str:
    """Header text without spaces and without a parenthesised unit: '综合单价（元）' → '综合单价'."""
    text = re.sub(r"\s+", "", str(value or ""))
    return re.sub(r"[（(][^）)]*[）)]", "", text)


def _index(row: Row) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, cell in enumerate(row):
        key = COLUMNS.get(_norm(cell))
        if key and key not in out:
            out[key] = i
    return out


def _find_header(rows: Iterator[Row]) -> tuple[dict[str, int] | None, int, Iterator[Row], list]:
    """(column index, number of header rows used incl. the title rows above it, data rows,
    missing columns of the best candidate)."""
    head = list(islice(rows, HEADER_SCAN + 1))
    best: list[str] = list(REQUIRED)
    for i, row in enumerate(head[:HEADER_SCAN]):
        index = _index(row)
        used = i + 1
        if not all(k in index for k in REQUIRED) and i + 1 < len(head):
            below = _index(head[i + 1])
            merged = {**below, **index}
            if all(k in merged for k in REQUIRED) and set(below) - set(index):
                index, used = merged, i + 2
        missing = [k for k in REQUIRED if k not in index]
        if not missing:
            return index, used, chain(head[used:], rows), []
        if len(missing) < len(best):
            best = missing
    return None, 0, iter(()), best


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value: Any) -> Decimal | None:
    """A finite Decimal, or None. Floats from Excel are rounded to 6 places first, so a cached
    formula result such as 0.30000000000000004 reads as 0.3."""
    if isinstance(value, bool) or value is None or value == "":
        return None
    if isinstance(value, float):
        value = repr(round(value, 6)) if abs(value) < 1e15 else repr(value)
    elif not isinstance(value, int | Decimal | str):
        return None
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def _places(d: Decimal) -> int:
    exponent = d.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _error(row: int | None, key: str, message: str) -> dict[str, Any]:
    return {"row": row, "column": LABELS.get(key, ""), "message": message}


def _check_numbers(n: int, line: dict, raw: dict, strict: bool, errors: list) -> None:
    for key in ("quantity", "rate", "amount"):
        value = _number(raw.get(key))
        line[key] = value
        label = LABELS[key]
        if value is None:
            shown = _text(raw.get(key))[:20]
            errors.append(
                _error(n, key, f"{label}不是数字：“{shown}”" if shown else f"缺少{label}")
            )
            continue
        if key == "quantity" and value <= 0:
            errors.append(_error(n, key, f"工程量应为正数，实为 {value}"))
        elif strict and value < 0:
            errors.append(_error(n, key, f"{label}不能为负数，实为 {value}"))
        if strict:
            digits, places = LIMITS[key]
            if value != 0 and value.adjusted() >= digits:
                errors.append(_error(n, key, f"{label}超出范围（整数部分最多 {digits} 位）"))
                line[key] = None
            elif _places(value) > places:
                errors.append(_error(n, key, f"{label}最多保留 {places} 位小数，实为 {value}"))
                line[key] = None


def _check_line(
    n: int, raw: dict, strict: bool, seen: dict[str, int], tolerance: Callable, errors: list
) -> dict:
    line: dict[str, Any] = {"row": n}
    for key in ("code", "name", "feature", "unit"):
        line[key] = _text(raw.get(key))
        if strict and len(line[key]) > TEXT_LIMITS[key]:
            errors.append(_error(n, key, f"{LABELS[key]}超过 {TEXT_LIMITS[key]} 个字符"))
    code = line["code"]
    if not code:
        errors.append(_error(n, "code", "缺少项目编码"))
    elif code in seen:
        errors.append(_error(n, "code", f"项目编码 {code} 与第 {seen[code]} 行重复"))
    else:
        seen[code] = n
    if strict and not line["name"]:
        errors.append(_error(n, "name", "缺少项目名称"))
    if not line["unit"]:
        errors.append(_error(n, "unit", "缺少计量单位"))
    elif line["unit"] not in UNITS:
        errors.append(_error(n, "unit", f"未知的计量单位“{line['unit'][:20]}”"))
    _check_numbers(n, line, raw, strict, errors)
    q, r, a = line["quantity"], line["rate"], line["amount"]
    if q is not None and r is not None and a is not None:
        expected = q * r
        allowed = tolerance(q)
        if abs(expected - a) > allowed:
            errors.append(
                _error(
                    n,
                    "amount",
                    f"合价 {a} 与工程量 {q} × 综合单价 {r} = "
                    f"{expected.quantize(Decimal('0.01'))} 不符（允许舍入误差 {allowed.normalize():f}）",
                )
            )
    return line


def read(
    file: Any, *, strict: bool = False, max_rows: int = MAX_ROWS
) -> tuple[list[dict], list[dict[str, Any]]]:
    """(lines, errors); errors are {row (Excel row number, None for the file), column (Chinese
    column name or ""), message}. A file that is not a workbook is one error, never an
    exception."""
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception:
        return [], [_error(None, "", "文件不是有效的 Excel 工作簿（.xlsx）")]
    try:
        return _read_book(book, strict, max_rows)
    finally:
        book.close()


def _read_book(book, strict: bool, max_rows: int) -> tuple[list[dict], list[dict[str, Any]]]:
    index, used, rows, missing = None, 0, iter(()), list(REQUIRED)
    for sheet in book.worksheets:
        index, used, rows, sheet_missing = _find_header(sheet.iter_rows(values_only=True))
        if index is not None:
            break
        if len(sheet_missing) < len(missing):
            missing = sheet_missing
    if index is None:
        names = "、".join(LABELS[c] for c in missing)
        message = f"文件不是工程量清单：表头缺少列：{names}（在各工作表前 {HEADER_SCAN} 行查找）"
        return [], [_error(None, "", message)]
    tolerance = (lambda q: STRICT_TOLERANCE) if strict else amount_tolerance
    lines: list[dict] = []
    errors: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    width = max(index.values()) + 1
    for n, row in enumerate(rows, used + 1):
        row = tuple(row[:width])
        if not any(v not in (None, "") and str(v).strip() for v in row):
            continue
        if len(lines) >= max_rows:
            errors.append(_error(n, "", f"清单超过 {max_rows} 行，请拆分后导入"))
            break
        raw = {key: row[i] if i < len(row) else None for key, i in index.items()}
        lines.append(_check_line(n, raw, strict, seen, tolerance, errors))
    if not lines and not errors:
        errors.append(_error(None, "", "清单没有数据行"))
    return lines, errors


def message(error: dict[str, Any]) -> str:
    return (f"第 {error['row']} 行：" if error.get("row") else "") + error["message"]


def parse(file) -> tuple[list[dict], list[str]]:
    """(lines, problems) for the bidder's self-check and the opening's BoQ screens."""
    lines, errors = read(file)
    return lines, [message(e) for e in errors]
