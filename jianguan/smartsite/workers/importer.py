"""Excel import of workers (实名制花名册导入): each row registered on its own through
``services.worker_register`` (its own transaction and ledger entry), so valid rows are imported
and a bad row leaves nothing behind; every bad row is reported with its row number, column and
reason in Chinese. A registered row whose person is on the personal blacklist is imported and
carries the same warning the registration page gives (placement will refuse the person).

The first sheet's first row names the columns (any order): 姓名, 身份证号, 工种 (the Chinese
label, e.g. 钢筋工), and optionally 手机号, 银行卡号, 开户银行.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from typing import IO

from jianguan.accounts.models import Organisation
from jianguan.core.actor import Actor
from jianguan.core.errors import DomainError, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import today_local
from jianguan.smartsite.workers import idcard, services, workflow
from jianguan.smartsite.workers.blacklist.selectors import registration_warnings

COLUMNS = {
    "姓名": "name",
    "身份证号": "id_number",
    "工种": "trade",
    "手机号": "phone",
    "银行卡号": "bank_card",
    "开户银行": "bank_name",
}
REQUIRED = ("姓名", "身份证号", "工种")
MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class RowError:
    row: int
    column: str
    message: str
    code: str


@dataclass
class RowWarning:
    """A row that was imported, with something the labour officer must know about it."""

    row: int
    column: str
    message: str
    code: str


@dataclass
class ImportResult:
    created: list = field(default_factory=list)  # Worker objects
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    rows: int = 0


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a cell (a phone) reads back as 1.38e10
    return str(value).strip()


def _read(upload: IO[bytes]) -> list[tuple]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ValidationFailed(
            "无法读取文件：请上传 .xlsx 格式的 Excel 文件", code="bad_workbook"
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise ValidationFailed(f"一次最多导入{MAX_ROWS}行", code="too_many_rows")
        return rows
    finally:
        book.close()


def workers_import(
    *, actor: Actor, employer: Organisation, upload: IO[bytes], today: dt.date | None = None
) -> ImportResult:
    require(actor, "smartsite.workers_manage")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationFailed("文件不能超过5MB", code="file_too_large")
    rows = _read(upload)
    if not rows:
        raise ValidationFailed("表格是空的", code="empty_workbook")
    header = [_cell(c) for c in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationFailed(
            "第1行缺少列：" + "、".join(missing) + "（须有 姓名、身份证号、工种）",
            code="missing_columns",
        )
    where = {COLUMNS[h]: i for i, h in enumerate(header) if h in COLUMNS}
    result = ImportResult()
    seen: dict[str, int] = {}
    for n, raw in enumerate(rows[1:], start=2):
        values = {k: _cell(raw[i]) if i < len(raw) else "" for k, i in where.items()}
        if not any(values.values()):
            continue  # a blank line
        result.rows += 1
        errors = _check_row(n, values, seen)
        if errors:
            result.errors.extend(errors)
            continue
        try:
            worker = services.worker_register(
                actor=actor,
                employer=employer,
                name=values["name"],
                id_number=values["id_number"],
                trade=workflow.TRADE_BY_LABEL[values["trade"]],
                phone=values.get("phone", ""),
                bank_card=values.get("bank_card", ""),
                bank_name=values.get("bank_name", ""),
                today=today,
            )
        except DomainError as exc:
            column = _column_of(exc)
            result.errors.append(RowError(n, column, exc.message, exc.code))
            continue
        result.created.append(worker)
        for message in registration_warnings(worker, today or today_local()):
            result.warnings.append(RowWarning(n, "身份证号", message, "worker_blacklisted"))
    return result


def _column_of(exc: DomainError) -> str:
    fieldname = exc.details.get("field") if isinstance(exc.details, dict) else None
    if exc.code == "duplicate_identity":
        fieldname = "id_number"
    for label, name in COLUMNS.items():
        if name == fieldname:
            return label
    return ""


def _check_row(n: int, values: dict[str, str], seen: dict[str, int]) -> list[RowError]:
    errors = []
    if not values.get("name"):
        errors.append(RowError(n, "姓名", "姓名不能为空", "bad_name"))
    number = idcard.normalise(values.get("id_number", ""))
    if not number:
        errors.append(RowError(n, "身份证号", "身份证号不能为空", "id_number_length"))
    else:
        try:
            idcard.parse(number)
        except idcard.IdCardError as exc:
            errors.append(RowError(n, "身份证号", exc.message, exc.code))
        else:
            if number in seen:
                errors.append(
                    RowError(
                        n,
                        "身份证号",
                        f"与第{seen[number]}行的身份证号重复",
                        "duplicate_identity",
                    )
                )
            else:
                seen[number] = n
    trade = values.get("trade", "")
    if trade not in workflow.TRADE_BY_LABEL:
        errors.append(
            RowError(
                n,
                "工种",
                f"未知的工种“{trade}”" if trade else "工种不能为空",
                "bad_trade",
            )
        )
    return errors


def template_workbook() -> bytes:
    """An empty sheet with the columns and one example row (for the page's download)."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "工人花名册"
    sheet.append(list(COLUMNS))
    sheet.append(["张三", "11010519491231002X", "钢筋工", "13800000000", "", "中国工商银行"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
