"""Field validation shared by the services, and the Excel import layout.

Excel layout (`.xlsx`, first row = headers, data from row 2, blank rows skipped):

Sheet 「资质」 (qualifications):
    A 资质类别 | B 资质等级 (特级/一级/二级/三级) | C 证书编号 | D 发证机关 | E 有效期起 | F 有效期至
Sheet 「人员」 (registered personnel):
    A 姓名 | B 身份证号（脱敏） | C 证书类别 (注册建造师/总监理工程师/安全员/注册造价工程师/注册监理工程师)
    | D 专业 | E 等级 (一级/二级; 注册建造师必填) | F 证书编号 | G 有效期至

Dates are Excel dates or text `YYYY-MM-DD`. At least one of the two sheets must be present.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from jianguan.core.errors import ValidationFailed
from jianguan.registry.models import (
    CertificateKind,
    PersonGrade,
    Qualification,
    QualificationGrade,
    RegisteredPerson,
)

# The layout as the import form shows it (the module's docstring says the same for developers;
# pages speak Chinese only).
LAYOUT = (
    "Excel 文件（.xlsx）：第一行为表头，自第二行起为数据，空行跳过。\n"
    "工作表「资质」：A 资质类别 | B 资质等级（特级/一级/二级/三级） | C 证书编号 | D 发证机关 | "
    "E 有效期起 | F 有效期至\n"
    "工作表「人员」：A 姓名 | B 身份证号（脱敏） | C 证书类别（注册建造师/总监理工程师/安全员/"
    "注册造价工程师/注册监理工程师） | D 专业 | E 等级（一级/二级；注册建造师必填） | F 证书编号 | "
    "G 有效期至\n"
    "日期为 Excel 日期或 YYYY-MM-DD 格式的文本；两个工作表至少有一个。"
)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
QUALIFICATION_SHEET = "资质"
PERSON_SHEET = "人员"
QUALIFICATION_COLUMNS = ("category", "grade", "number", "issuer", "valid_from", "valid_to")
PERSON_FIELDS = (
    "name",
    "id_number_masked",
    "kind",
    "specialty",
    "grade",
    "certificate_number",
    "valid_to",
)
KIND_BY_LABEL = {label: value for value, label in CertificateKind.choices}
FULL_ID = re.compile(r"^\d{17}[\dXx]$")


def as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _require_text(data: dict, key: str, label: str, limit: int, errors: dict[str, str]) -> None:
    text = _text(data.get(key))
    if not text:
        errors[key] = f"{label}不能为空"
    elif len(text) > limit:
        errors[key] = f"{label}不能超过 {limit} 个字符"


def _dates(data: dict, errors: dict[str, str], *, with_from: bool) -> None:
    end = as_date(data.get("valid_to"))
    if end is None:
        errors["valid_to"] = "有效期至不是有效日期（格式 YYYY-MM-DD）"
    if with_from:
        start = as_date(data.get("valid_from"))
        if start is None:
            errors["valid_from"] = "有效期起不是有效日期（格式 YYYY-MM-DD）"
        elif end is not None and end < start:
            errors["valid_to"] = "有效期至不能早于有效期起"


def qualification_errors(data: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    _require_text(data, "category", "资质类别", 100, errors)
    if _text(data.get("grade")) not in QualificationGrade.values:
        errors["grade"] = f"资质等级“{_text(data.get('grade'))}”无效，应为特级、一级、二级或三级"
    _require_text(data, "number", "证书编号", 60, errors)
    _require_text(data, "issuer", "发证机关", 100, errors)
    _dates(data, errors, with_from=True)
    return errors


def clean_qualification(data: dict) -> dict[str, Any]:
    out: dict[str, Any] = {k: _text(data.get(k)) for k in ("category", "grade", "number", "issuer")}
    out["valid_from"] = as_date(data.get("valid_from"))
    out["valid_to"] = as_date(data.get("valid_to"))
    return out


def licence_errors(data: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    _require_text(data, "number", "许可证编号", 60, errors)
    _require_text(data, "issuer", "发证机关", 100, errors)
    _dates(data, errors, with_from=True)
    return errors


def clean_licence(data: dict) -> dict[str, Any]:
    return {
        "number": _text(data.get("number")),
        "issuer": _text(data.get("issuer")),
        "valid_from": as_date(data.get("valid_from")),
        "valid_to": as_date(data.get("valid_to")),
    }


def _kind(value: Any) -> str:
    text = _text(value)
    return KIND_BY_LABEL.get(text, text)


def person_errors(data: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    _require_text(data, "name", "姓名", 50, errors)
    masked = _text(data.get("id_number_masked"))
    if len(masked) > 20:
        errors["id_number_masked"] = "身份证号（脱敏）不能超过 20 个字符"
    elif FULL_ID.match(masked):
        errors["id_number_masked"] = (
            "请提交脱敏后的身份证号（如 110115********1234），不保存完整号码"
        )
    kind = _kind(data.get("kind"))
    if kind not in CertificateKind.values:
        errors["kind"] = f"证书类别“{_text(data.get('kind'))}”无效"
    if len(_text(data.get("specialty"))) > 50:
        errors["specialty"] = "专业不能超过 50 个字符"
    grade = _text(data.get("grade"))
    if grade and grade not in PersonGrade.values:
        errors["grade"] = f"人员等级“{grade}”无效，应为一级或二级"
    elif not grade and kind == CertificateKind.CONSTRUCTOR:
        errors["grade"] = "注册建造师须填写等级（一级或二级）"
    _require_text(data, "certificate_number", "证书编号", 60, errors)
    _dates(data, errors, with_from=False)
    return errors


def clean_person(data: dict) -> dict[str, Any]:
    out: dict[str, Any] = {
        k: _text(data.get(k)) for k in ("name", "id_number_masked", "specialty", "grade")
    }
    out["kind"] = _kind(data.get("kind"))
    out["certificate_number"] = _text(data.get("certificate_number"))
    out["valid_to"] = as_date(data.get("valid_to"))
    return out


def _rows(sheet: Any, columns: tuple[str, ...]) -> list[tuple[int, dict]]:
    out = []
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        values = tuple(values[: len(columns)]) + (None,) * (len(columns) - len(values))
        if all(v is None or _text(v) == "" for v in values):
            continue
        out.append((number, dict(zip(columns, values, strict=True))))
        if len(out) > MAX_ROWS:
            raise ValidationFailed(f"每个工作表最多导入 {MAX_ROWS} 行", code="too_many_rows")
    return out


def read_workbook(file: Any, organisation: Any = None) -> dict[str, list[dict]]:
    """Parse and validate every row; raise one ValidationFailed listing every bad row."""
    from openpyxl import load_workbook

    content = file.read() if hasattr(file, "read") else bytes(file)
    if not content:
        raise ValidationFailed("上传的文件为空", code="empty_file")
    if len(content) > MAX_BYTES:
        raise ValidationFailed("文件不能超过 5 MB", code="file_too_large")
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ValidationFailed("文件不是有效的 Excel（.xlsx）文件", code="bad_file") from exc
    if QUALIFICATION_SHEET not in book.sheetnames and PERSON_SHEET not in book.sheetnames:
        raise ValidationFailed(
            f"工作簿中没有名为“{QUALIFICATION_SHEET}”或“{PERSON_SHEET}”的工作表", code="bad_layout"
        )
    errors: list[str] = []
    quals: list[dict] = []
    persons: list[dict] = []
    if QUALIFICATION_SHEET in book.sheetnames:
        seen: dict[tuple[str, str], int] = {}
        for number, row in _rows(book[QUALIFICATION_SHEET], QUALIFICATION_COLUMNS):
            problems = list(qualification_errors(row).values())
            key = (_text(row["category"]), _text(row["number"]))
            if key[1] and key in seen:
                problems.append(f"证书编号 {key[1]} 与第 {seen[key]} 行重复")
            elif key[1] and organisation is not None and existing_qualification(organisation, *key):
                problems.append(f"证书编号 {key[1]} 的资质已登记")
            seen.setdefault(key, number)
            quals.append(row)
            for p in problems:
                errors.append(f"「{QUALIFICATION_SHEET}」第 {number} 行：{p}")
    if PERSON_SHEET in book.sheetnames:
        seen_cert: dict[str, int] = {}
        for number, row in _rows(book[PERSON_SHEET], PERSON_FIELDS):
            problems = list(person_errors(row).values())
            cert = _text(row["certificate_number"])
            if cert and cert in seen_cert:
                problems.append(f"证书编号 {cert} 与第 {seen_cert[cert]} 行重复")
            elif cert and RegisteredPerson.objects.filter(certificate_number=cert).exists():
                problems.append(f"证书编号 {cert} 已登记")
            seen_cert.setdefault(cert, number)
            persons.append(row)
            for p in problems:
                errors.append(f"「{PERSON_SHEET}」第 {number} 行：{p}")
    book.close()
    if errors:
        raise ValidationFailed(
            f"导入失败：共 {len(errors)} 处错误，未写入任何数据",
            code="import_rejected",
            details=errors,
        )
    if not quals and not persons:
        raise ValidationFailed("工作簿中没有可导入的数据行", code="empty_file")
    return {"qualifications": quals, "persons": persons}


def existing_qualification(organisation: Any, category: str, number: str) -> bool:
    return Qualification.objects.filter(
        organisation=organisation, category=category, number=number
    ).exists()
