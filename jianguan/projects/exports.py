"""Excel export of the register (台账导出): write-only openpyxl, one row per project."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from decimal import Decimal
from typing import IO

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from jianguan.core.timeutil import to_local
from jianguan.projects.models import FundingSource, Project, ProjectType, WarningLevel
from jianguan.projects.workflow import STAGE_LABELS

# (header, column width)
COLUMNS: list[tuple[str, int]] = [
    ("项目编号", 16),
    ("项目名称", 40),
    ("项目类型", 10),
    ("资金来源", 10),
    ("批复概算（元）", 18),
    ("乡镇街道", 12),
    ("建设单位", 32),
    ("当前阶段", 10),
    ("预警等级", 10),
    ("经度", 12),
    ("纬度", 12),
    ("竣工日期", 12),
    ("登记时间", 18),
]
HEADERS = [h for h, _ in COLUMNS]
FIELDS = (
    "code",
    "name",
    "type",
    "funding",
    "budget",
    "town__name",
    "owner__name",
    "stage",
    "warning_level",
    "longitude",
    "latitude",
    "completion_date",
    "created_at",
)
MONEY_FORMAT = "#,##0.00"
SPOOL_BYTES = 8 * 1024 * 1024


def _rows(qs: QuerySet[Project]) -> Iterable[tuple]:
    types, funding = dict(ProjectType.choices), dict(FundingSource.choices)
    levels = dict(WarningLevel.choices)
    stages = {s.value: label for s, label in STAGE_LABELS.items()}
    for row in qs.values_list(*FIELDS).iterator(chunk_size=2000):
        (code, name, type_, fund, budget, town, owner, stage, level, lon, lat, done, created) = row
        yield (
            code,
            name,
            types.get(type_, type_),
            funding.get(fund, fund),
            budget,
            town,
            owner,
            stages.get(stage, stage),
            levels.get(level, str(level)),
            float(lon) if lon is not None else None,
            float(lat) if lat is not None else None,
            done,
            to_local(created).replace(tzinfo=None) if created else None,
        )


def register_workbook(qs: QuerySet[Project]) -> IO[bytes]:
    """The filtered register as .xlsx in a spooled temporary file, positioned at 0."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目台账")
    ws.freeze_panes = "A2"
    for i, (_, width) in enumerate(COLUMNS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DCE6F2")
    centre = Alignment(horizontal="center", vertical="center")
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font, cell.fill, cell.alignment = bold, fill, centre
        header.append(cell)
    ws.append(header)
    budget_col = HEADERS.index("批复概算（元）")
    formats = {
        budget_col: MONEY_FORMAT,
        HEADERS.index("竣工日期"): "yyyy-mm-dd",
        HEADERS.index("登记时间"): "yyyy-mm-dd hh:mm",
    }
    for values in _rows(qs):
        row: list = list(values)
        if isinstance(row[budget_col], Decimal):
            row[budget_col] = row[budget_col].quantize(Decimal("0.01"))
        for col, value in enumerate(row):
            if col in formats and value is not None:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = formats[col]
                row[col] = cell
            elif isinstance(value, str) and value.startswith("="):
                # Text, never a formula: a project named "=HYPERLINK(...)" stays a name.
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"
                row[col] = cell
        ws.append(row)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    wb.save(out)
    out.seek(0)
    return out
