"""整改通知单 and 处理决定通知书 as Chinese PDFs (on core.pdf), issued through the ledger:
`*_document()` seals (QR code, issuer, signer) and records each issue (ledger.document_issue)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from jianguan.compliance import workflow
from jianguan.compliance.models import RectificationOrder
from jianguan.core.actor import Actor
from jianguan.core.pdf import Seal, esc, pairs, person, render, style
from jianguan.ledger.services import document_issue


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


def order_pdf(order: RectificationOrder, seal: Seal | None = None) -> bytes:
    body = style(11, leading=16)
    story = [
        Paragraph("整改通知单", style(22, centre=True)),
        Spacer(1, 4 * mm),
        Paragraph(f"编号：{esc(order.number)}", style(10, centre=True)),
        Spacer(1, 8 * mm),
        Paragraph(
            f"{esc(order.responsible_organisation.name)}：",
            body,
        ),
        Paragraph(
            "经检查，你单位在下列工程中存在以下问题，请于整改期限前完成整改，并将整改情况"
            "及证明材料通过建管云平台回复，经复查合格后方可闭合。",
            body,
        ),
        Spacer(1, 6 * mm),
    ]
    story += [
        pairs(order_lines(order), body, [35 * mm, 135 * mm]),
        Spacer(1, 10 * mm),
        Paragraph(
            f"检查人：{esc(person(order.issued_by))}　　下达日期：{order.issued_on.isoformat()}",
            body,
        ),
    ]
    return render(story, title=f"整改通知单 {order.number}", seal=seal)


def order_document(*, actor: Actor, order: RectificationOrder) -> bytes:
    """The order as issued: sealed and on the ledger (the same bytes while it is unchanged)."""
    _, content = document_issue(
        actor=actor,
        obj=order,
        kind="compliance.rectification_order",
        kind_label="整改通知单",
        title=f"整改通知单 {order.number}",
        issuer=order.finding.inspection.inspector_organisation.name,
        signer=person(order.issued_by),
        render=lambda seal: order_pdf(order, seal),
    )
    return content


def sanction_lines(sanction) -> list[tuple[str, str]]:
    from jianguan.compliance import sanctions

    rows = [
        ("决定编号", sanction.number),
        ("被处理单位", sanction.organisation.name),
        ("统一社会信用代码", sanction.organisation.credit_code),
        ("处理类型", sanctions.KINDS[sanction.kind]),
    ]
    if sanction.trigger:
        rows.append(("黑名单情形", sanctions.TRIGGERS.get(sanction.trigger, sanction.trigger)))
    rows += [
        ("事由", sanction.reason),
        ("依据", sanction.legal_basis),
        ("依据材料", "；".join(sanction.evidence) or "—"),
        ("有效期", f"{sanction.effective_from.isoformat()} 至 {sanction.effective_to.isoformat()}"),
        ("公布期", f"{sanction.published_from.isoformat()} 至 {sanction.published_to.isoformat()}"),
        ("作出", f"{person(sanction.issued_by)}　{sanction.issued_on.isoformat()}"),
        ("当前状态", sanctions.STATUSES.get(sanction.status, sanction.status)),
    ]
    return rows


def sanction_pdf(sanction, seal: Seal | None = None) -> bytes:
    """处理决定通知书 (yellow/red card, blacklist, procurement ban), with the appeal notice."""
    from jianguan.compliance import sanctions
    from jianguan.rules.lookup import rule_value

    title = f"{sanctions.KINDS[sanction.kind]}决定通知书"
    body = style(11, leading=16)
    days = rule_value("card.appeal_window_days", on=sanction.issued_on)
    table = pairs(sanction_lines(sanction), body, [35 * mm, 135 * mm])
    story = [
        Paragraph(esc(title), style(20, centre=True)),
        Spacer(1, 4 * mm),
        Paragraph(f"编号：{esc(sanction.number)}", style(10, centre=True)),
        Spacer(1, 8 * mm),
        Paragraph(f"{esc(sanction.organisation.name)}：", body),
        Paragraph(
            "根据下列事实和依据，对你单位作出如下处理决定，有效期内将在准入核验中予以限制，"
            "并在公布期内向社会公开。",
            body,
        ),
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 8 * mm),
        Paragraph(f"如对本决定有异议，可自决定作出之日起{days}日内通过建管云平台提出申诉。", body),
    ]
    return render(story, title=title, seal=seal)


def sanction_document(*, actor: Actor, sanction) -> bytes:
    """The decision notice as issued: sealed and on the ledger."""
    from jianguan.compliance import sanctions

    kind_label = f"{sanctions.KINDS[sanction.kind]}决定通知书"
    issuer = sanction.issued_by_organisation
    _, content = document_issue(
        actor=actor,
        obj=sanction,
        kind="compliance.sanction_notice",
        kind_label=kind_label[:50],
        title=f"{kind_label} {sanction.number}",
        issuer=issuer.name if issuer else "监督机构（系统依规则自动作出）",
        signer=person(sanction.issued_by),
        render=lambda seal: sanction_pdf(sanction, seal),
    )
    return content
