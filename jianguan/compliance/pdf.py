"""整改通知单 as a Chinese PDF (reportlab, STSong-Light CID font)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jianguan.compliance import workflow
from jianguan.compliance.models import RectificationOrder
from jianguan.projects.pdf import INK, _esc, _font, _style


def order_lines(order: RectificationOrder) -> list[tuple[str, str]]:
    finding = order.finding
    inspection = finding.inspection
    return [
        ("通知单编号", order.number),
        ("项目", f"{order.project.code} {order.project.name}"),
        ("责任单位", order.responsible_organisation.name),
        ("检查类型", workflow.INSPECTION_KINDS.get(inspection.kind, inspection.kind)),
        ("检查日期", inspection.inspected_on.isoformat()),
        ("问题类型", workflow.FINDING_TYPES.get(finding.type, finding.type)),
        ("严重程度", workflow.SEVERITIES.get(finding.severity, finding.severity)),
        ("现场部位", finding.location or "—"),
        ("问题描述", finding.description),
        ("整改期限", order.due_on.isoformat()),
        ("停工整改", "是：复查通过前不得复工" if order.stop_work else "否"),
        ("当前状态", workflow.ORDER_LABELS[workflow.OrderStatus(order.status)]),
    ]


def order_pdf(order: RectificationOrder) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        title=f"整改通知单 {order.number}",
    )
    body = _style(11, leading=16)
    story = [
        Paragraph("整改通知单", _style(22, centre=True)),
        Spacer(1, 4 * mm),
        Paragraph(f"编号：{_esc(order.number)}", _style(10, centre=True)),
        Spacer(1, 8 * mm),
        Paragraph(
            f"{_esc(order.responsible_organisation.name)}：",
            body,
        ),
        Paragraph(
            "经检查，你单位在下列工程中存在以下问题，请于整改期限前完成整改，并将整改情况"
            "及证明材料通过建管云平台回复，经复查合格后方可闭合。",
            body,
        ),
        Spacer(1, 6 * mm),
    ]
    rows = [[Paragraph(_esc(k), body), Paragraph(_esc(v), body)] for k, v in order_lines(order)]
    table = Table(rows, colWidths=[35 * mm, 135 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), _font()),
                ("GRID", (0, 0), (-1, -1), 0.5, INK),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 10 * mm),
        Paragraph(
            f"检查人：{_esc(order.issued_by)}　　下达日期：{order.issued_on.isoformat()}", body
        ),
    ]
    doc.build(story)
    return buf.getvalue()
