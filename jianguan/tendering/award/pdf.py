"""中标通知书 and 中标结果通知书 as Chinese PDFs (招标投标法 45)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from jianguan.core.actor import Actor
from jianguan.core.pdf import Seal, esc, pairs, person, render, style
from jianguan.core.timeutil import to_local
from jianguan.ledger.services import document_issue
from jianguan.tendering.models import Award, Bid


def _document(
    title: str, addressee: str, text: str, rows, award: Award, seal: Seal | None = None
) -> bytes:
    body = style(11, leading=17)
    tender = award.tender
    story = [
        Paragraph(title, style(22, centre=True)),
        Spacer(1, 4 * mm),
        Paragraph(f"招标编号：{esc(tender.code)}", style(10, centre=True)),
        Spacer(1, 8 * mm),
        Paragraph(f"{esc(addressee)}：", body),
        Paragraph(esc(text), body),
        Spacer(1, 6 * mm),
        pairs(rows, body, [40 * mm, 130 * mm]),
        Spacer(1, 12 * mm),
        Paragraph(f"招标人：{esc(tender.tenderer.name)}（盖章）", body),
        Paragraph(f"日期：{to_local(award.decided_at):%Y年%m月%d日}", body),
    ]
    return render(story, title=title, seal=seal)


def award_notice_pdf(award: Award, seal: Seal | None = None) -> bytes:
    tender = award.tender
    rows = [
        ("招标项目", tender.title),
        ("所属工程", f"{tender.project.code} {tender.project.name}"),
        ("标段", f"第{award.lot.number}标段 {award.lot.title}"),
        ("中标价", f"{award.value:,.2f} 元"),
        ("工期", f"{award.bid.duration_days} 日历天" if award.bid.duration_days else "按投标文件"),
        ("合同签订期限", award.contract_due.isoformat()),
    ]
    text = (
        "经评标委员会评审、中标候选人公示期满，确定你单位为上述招标项目的中标人。请于合同签订"
        "期限前，按照招标文件和你单位的投标文件与招标人订立书面合同（《中华人民共和国招标投标法》"
        "第四十五条、第四十六条）。"
    )
    return _document("中标通知书", award.supplier.name, text, rows, award, seal)


def result_notice_pdf(award: Award, bid: Bid, seal: Seal | None = None) -> bytes:
    rows = [
        ("招标项目", award.tender.title),
        ("标段", f"第{award.lot.number}标段 {award.lot.title}"),
        ("中标人", award.supplier.name),
        ("中标价", f"{award.value:,.2f} 元"),
        ("你单位投标状态", Bid.STATUSES.get(bid.status, bid.status)),
        ("投标保证金退还期限", bid.bond_refund_due.isoformat() if bid.bond_refund_due else "—"),
    ]
    text = "上述招标项目已确定中标人，现将中标结果通知你单位。感谢你单位参与投标。"
    return _document("中标结果通知书", bid.bidder.name, text, rows, award, seal)


def award_notice_document(*, actor: Actor, award: Award) -> bytes:
    """The award notice as issued by the tenderer: sealed and on the ledger."""
    _, content = document_issue(
        actor=actor,
        obj=award,
        kind="tendering.award_notice",
        kind_label="中标通知书",
        title=f"中标通知书 {award.tender.code} 第{award.lot.number}标段",
        issuer=award.tender.tenderer.name,
        signer=person(award.decided_by),
        render=lambda seal: award_notice_pdf(award, seal),
    )
    return content


def result_notice_document(*, actor: Actor, award: Award, bid: Bid) -> bytes:
    """One bidder's result notice: sealed and on the ledger (recorded on the bid)."""
    _, content = document_issue(
        actor=actor,
        obj=bid,
        kind="tendering.result_notice",
        kind_label="中标结果通知书",
        title=f"中标结果通知书 {award.tender.code} 第{award.lot.number}标段",
        issuer=award.tender.tenderer.name,
        signer=person(award.decided_by),
        render=lambda seal: result_notice_pdf(award, bid, seal),
    )
    return content
