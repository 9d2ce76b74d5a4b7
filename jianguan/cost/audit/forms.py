"""What the audit pages read from people: a cut sheet (Excel: 序号, 审定金额, 审减理由, the
first sheet, a header row) and lines of "序号 值" typed into a text box (the contractor's
disputes, the meeting's figures). Chinese errors with the row; nothing raised but
ValidationFailed."""

from __future__ import annotations

from typing import Any

from jianguan.core.errors import ValidationFailed

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000


def parse_cut_sheet(file: Any) -> list[tuple[int, Any, Any]]:
    from openpyxl import load_workbook

    if file is None:
        raise ValidationFailed("请选择审减明细 Excel 文件", code="file_missing")
    if getattr(file, "size", 0) > MAX_BYTES:
        raise ValidationFailed("文件不超过 20 MB", code="file_too_large")
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception:
        raise ValidationFailed("无法读取该 Excel 文件（须为 .xlsx）", code="bad_file") from None
    sheet = book.worksheets[0]
    out = []
    for n, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if n > MAX_ROWS + 1:
            raise ValidationFailed(f"最多 {MAX_ROWS} 行", code="too_many_rows")
        row = tuple(row or ()) + (None, None, None)
        seq, amount, reason = row[0], row[1], row[2]
        if seq is None and amount is None:
            continue
        if isinstance(seq, float) and seq.is_integer():
            seq = int(seq)
        if isinstance(seq, str) and seq.strip().isdigit():
            seq = int(seq.strip())
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise ValidationFailed(f"第 {n} 行：序号须为整数", code="bad_row")
        out.append((seq, "" if amount is None else str(amount), reason or ""))
    if not out:
        raise ValidationFailed("文件中没有审减行", code="empty_file")
    return out


def parse_pairs(text: Any, label: str) -> list[tuple[int, str]]:
    """ "序号 值" per line (blank lines skipped); the value is the rest of the line."""
    out = []
    for n, line in enumerate(str(text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        head, _, rest = line.partition(" ")
        if not head.isdigit() or not rest.strip():
            raise ValidationFailed(
                f"第 {n} 行格式应为“序号 {label}”", code="bad_row", details={"row": n}
            )
        out.append((int(head), rest.strip()))
    if len({s for s, _ in out}) != len(out):
        raise ValidationFailed("同一序号重复出现", code="duplicate_line")
    return out
