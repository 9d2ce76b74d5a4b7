"""The final account in Excel, in the GB 50500-2013 layout: 竣工结算汇总表 (表-05 style: the
parts of the account with their submitted and audited amounts) and 分部分项工程和单价措施项目
清单与计价表 (表-08 style: the BoQ lines with code, name, feature, unit, quantity, rate and
amount), then the other items (variations, 签证, claims, price adjustments, deductions).
Write-only workbook: 20,000 lines in about a second."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from jianguan.cost.settlement import workflow as wf

SUMMARY_ORDER = (
    wf.BOQ,
    wf.STAGE_SETTLED,
    wf.VARIATION,
    wf.VISA,
    wf.CLAIM,
    wf.PRICE_ADJUSTMENT,
    wf.DEDUCTION,
)
DETAIL_HEADER = [
    "序号",
    "项目编码",
    "项目名称",
    "项目特征描述",
    "计量单位",
    "工程量",
    "综合单价（元）",
    "送审合价（元）",
    "审定合价（元）",
    "备注",
]
OTHER_HEADER = ["序号", "类别", "编号", "项目名称", "送审金额（元）", "审定金额（元）", "说明"]


def _cells(sheet, values, font=None):
    row = []
    for v in values:
        cell = WriteOnlyCell(sheet, value=float(v) if isinstance(v, Decimal) else v)
        if isinstance(v, Decimal):
            cell.number_format = "#,##0.00" if v.as_tuple().exponent == -2 else "#,##0.000"
        if font is not None:
            cell.font = font
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
        row.append(cell)
    return row


def export(account, lines) -> bytes:
    """xlsx bytes of the account (a FinalAccount with contract and project) and its lines
    (an iterable of FinalAccountLine, in sequence order)."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    lines = list(lines)
    totals: dict[str, list[Decimal]] = {k: [Decimal(0), Decimal(0)] for k in SUMMARY_ORDER}
    for x in lines:
        totals[x.source_kind][0] += x.claimed_amount
        totals[x.source_kind][1] += (
            x.settled_amount if x.settled_amount is not None else x.claimed_amount
        )
    audited = account.audited_amount is not None

    summary = book.create_sheet("竣工结算汇总表")
    for col, width in zip("ABCDE", (8, 34, 18, 18, 30), strict=True):
        summary.column_dimensions[col].width = width
    c = account.contract
    summary.append(_cells(summary, ["竣工结算汇总表"], bold))
    summary.append(_cells(summary, [f"工程名称：{account.project.name}"]))
    summary.append(_cells(summary, [f"合同：{c.number} {c.title}"]))
    summary.append(_cells(summary, [f"结算编号：{account.number}　单位：元"]))
    summary.append(
        _cells(summary, ["序号", "汇总内容", "送审金额（元）", "审定金额（元）", "备注"], bold)
    )
    for i, kind in enumerate(SUMMARY_ORDER, 1):
        claimed, settled = totals[kind]
        note = "过程结算已确认，不再重复审核" if kind == wf.STAGE_SETTLED else ""
        summary.append(
            _cells(
                summary,
                [
                    i,
                    wf.SOURCE_KINDS[kind],
                    wf.money(claimed),
                    wf.money(settled) if audited else "",
                    note,
                ],
            )
        )
    claimed_total = wf.money(sum((t[0] for t in totals.values()), Decimal(0)))
    summary.append(
        _cells(
            summary,
            [
                "",
                "竣工结算总价合计",
                claimed_total,
                account.audited_amount if audited else "",
                f"审计报告：{account.report_reference}" if account.report_reference else "",
            ],
            bold,
        )
    )

    detail = book.create_sheet("分部分项工程和单价措施项目清单与计价表")
    for col, width in zip("ABCDEFGHIJ", (7, 16, 28, 36, 9, 14, 14, 16, 16, 24), strict=True):
        detail.column_dimensions[col].width = width
    detail.append(_cells(detail, ["分部分项工程和单价措施项目清单与计价表（竣工结算）"], bold))
    detail.append(_cells(detail, [f"工程名称：{account.project.name}　标段：{c.number}"]))
    detail.append(_cells(detail, DETAIL_HEADER, bold))
    n = 0
    for x in lines:
        if x.source_kind not in (wf.BOQ, wf.STAGE_SETTLED):
            continue
        n += 1
        detail.append(
            _cells(
                detail,
                [
                    n,
                    x.code,
                    x.name,
                    x.feature,
                    x.unit,
                    x.quantity,
                    x.unit_rate,
                    x.claimed_amount,
                    x.settled_amount if x.settled_amount is not None else "",
                    "过程结算已确认" if x.stage_settled else x.note,
                ],
            )
        )
    detail.append(
        _cells(
            detail,
            [
                "",
                "",
                "合计",
                "",
                "",
                "",
                "",
                wf.money(totals[wf.BOQ][0] + totals[wf.STAGE_SETTLED][0]),
                wf.money(totals[wf.BOQ][1] + totals[wf.STAGE_SETTLED][1]) if audited else "",
                "",
            ],
            bold,
        )
    )

    other = book.create_sheet("其他项目")
    for col, width in zip("ABCDEFG", (7, 14, 18, 30, 16, 16, 40), strict=True):
        other.column_dimensions[col].width = width
    other.append(_cells(other, ["其他项目（变更、签证、索赔、材料调差、扣减）"], bold))
    other.append(_cells(other, OTHER_HEADER, bold))
    n = 0
    for x in lines:
        if x.source_kind in (wf.BOQ, wf.STAGE_SETTLED):
            continue
        n += 1
        other.append(
            _cells(
                other,
                [
                    n,
                    wf.SOURCE_KINDS[x.source_kind],
                    x.code,
                    x.name,
                    x.claimed_amount,
                    x.settled_amount if x.settled_amount is not None else "",
                    x.note,
                ],
            )
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
