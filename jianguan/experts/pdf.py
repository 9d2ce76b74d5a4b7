"""评标报告 as a Chinese PDF: the committee, the scores by part, the ranking, the K and the
outliers flagged for the chair, and who signed online (with the result digest)."""

from __future__ import annotations

import hashlib
import json

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from jianguan.core.actor import Actor
from jianguan.core.pdf import Seal, esc, grid, render, style
from jianguan.core.timeutil import to_local
from jianguan.experts import specialties
from jianguan.experts.models import Committee, Member
from jianguan.ledger.services import document_issue
from jianguan.tendering.models import Bid


def result_digest(result: dict) -> str:
    text = json.dumps(result, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _table(rows, widths):
    return grid(rows, [w * mm for w in widths], font_size=9, repeat_rows=1)


def evaluation_report_pdf(committee: Committee, seal: Seal | None = None) -> bytes:
    tender, result = committee.tender, committee.result or {}
    body = style(10, leading=15)
    bids = {str(b.pk): b for b in Bid.objects.filter(tender=tender).select_related("bidder")}
    members = committee.members.select_related("expert").exclude(status=Member.DECLINED)
    story = [
        Paragraph("评标报告", style(20, centre=True)),
        Spacer(1, 3 * mm),
        Paragraph(f"{esc(tender.code)} {esc(tender.title)}", style(11, centre=True)),
        Spacer(1, 6 * mm),
        Paragraph(f"评标办法：综合评估法；下浮系数 K = {esc(result.get('k', '—'))}", body),
        Paragraph(f"结果摘要（SHA-256）：{result_digest(result)}", body),
        Spacer(1, 4 * mm),
        Paragraph("一、评标委员会", body),
        _table(
            [["序号", "姓名", "专业", "签到"]]
            + [
                [
                    str(m.order),
                    m.expert.name,
                    specialties.label(m.specialty),
                    m.get_status_display(),
                ]
                for m in members
            ],
            [15, 40, 60, 40],
        ),
        Spacer(1, 4 * mm),
        Paragraph("二、评分汇总及排序", body),
    ]
    rows = [["排名", "投标人", "专家评分", "信用", "报价", "合计"]]
    for bid_id, total, rank in result.get("ranking", []):
        line = result["lines"][bid_id]
        experts_part = sum(float(v) for v in line["criteria"].values())
        rows.append(
            [
                str(rank),
                bids[bid_id].bidder.name,
                f"{experts_part:.2f}",
                line["credit"],
                line["price"],
                total,
            ]
        )
    story.append(_table(rows, [14, 66, 24, 20, 24, 24]))
    if result.get("invalid"):
        story += [Spacer(1, 3 * mm), Paragraph("否决或无效的投标：", body)]
        story += [
            Paragraph(f"{esc(bids[b].bidder.name)}：{esc(r)}", body)
            for b, r in result["invalid"].items()
            if b in bids
        ]
    if result.get("outliers"):
        story += [Spacer(1, 3 * mm), Paragraph("提请评标委员会主任关注的偏离评分：", body)]
        story += [
            Paragraph(esc(o.get("message_zh", str(o))), body) for o in result["outliers"][:50]
        ]
    story += [Spacer(1, 6 * mm), Paragraph("三、在线签署", body)]
    signed = [
        [
            m.expert.name,
            to_local(m.signature.signed_at).strftime("%Y-%m-%d %H:%M"),
            m.signature.report_sha256[:16],
        ]
        for m in members
        if hasattr(m, "signature")
    ]
    story.append(_table([["专家", "签署时间", "所签结果摘要"]] + signed, [40, 50, 60]))
    return render(
        story,
        title=f"评标报告 {tender.code}",
        margins_mm={"left": 18, "right": 18, "top": 18},
        seal=seal,
    )


def evaluation_report_document(*, actor: Actor, committee: Committee) -> bytes:
    """The report as issued by the committee: sealed and on the ledger. The signers are the
    experts who signed it online (the report itself lists them)."""
    tender = committee.tender
    names = [
        m.expert.name
        for m in committee.members.select_related("expert", "signature").order_by("order")
        if hasattr(m, "signature")
    ]
    signer = "、".join(names) or "（尚无专家签署）"
    _, content = document_issue(
        actor=actor,
        obj=committee,
        kind="experts.evaluation_report",
        kind_label="评标报告",
        title=f"评标报告 {tender.code} {tender.title}"[:300],
        issuer=f"{tender.code} 评标委员会（招标人：{tender.tenderer.name}）"[:200],
        signer=signer if len(signer) <= 100 else signer[:97] + "等",
        render=lambda seal: evaluation_report_pdf(committee, seal),
    )
    return content
