"""The settlement audit report (结算审计报告): a Chinese PDF on core.pdf (embedded font,
verification seal, SM3 on the ledger) and its Excel version in the GB 50500 layout (汇总表 and
分部分项明细 with 送审 / 审定 / 审减 side by side).

Issued only once the report is out (state reported): by then both reviews, the contractor's
answers and the meeting are in, so every figure may be shown to every party. The PDF lists
the summary by source, every disputed line with its final figure and the largest cuts; the
full line list is the Excel (20,000 lines do not belong in a printed report)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict
from jianguan.core.pdf import Seal, esc, grid, person, render, style
from jianguan.core.timeutil import to_local
from jianguan.cost.audit import workflow as wf
from jianguan.cost.audit import xlsx
from jianguan.cost.audit.models import AuditLineResult, SettlementAudit
from jianguan.cost.settlement import workflow as swf
from jianguan.cost.settlement.models import FinalAccountLine
from jianguan.ledger.services import document_issue

TOP_CUTS = 100


def _yuan(value) -> str:
    return "—" if value is None else f"{Decimal(value):,.2f}"


def _ratio(value) -> str:
    return "—" if value is None else f"{Decimal(value) * 100:.2f}%"


def _lines(audit: SettlementAudit):
    """(line values, result by line id): two queries for the whole account."""
    lines = list(
        FinalAccountLine.objects.filter(account_id=audit.account_id)
        .order_by("sequence")
        .values_list(
            "pk",
            "sequence",
            "source_kind",
            "code",
            "name",
            "unit",
            "quantity",
            "unit_rate",
            "claimed_amount",
            "settled_amount",
            "stage_settled",
        )
    )
    results = {
        r[0]: r[1:]
        for r in AuditLineResult.objects.filter(audit=audit).values_list(
            "line_id", "reasons", "response", "final_amount", "proposed_amount"
        )
    }
    return lines, results


def summary(audit: SettlementAudit, lines=None) -> list[tuple[str, Decimal, Decimal]]:
    """(source label, submitted, audited) per source kind, in the settlement's order."""
    lines = lines if lines is not None else _lines(audit)[0]
    by: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in lines:
        claimed, settled = row[8], row[9]
        by[row[2]][0] += claimed
        by[row[2]][1] += settled if settled is not None else claimed
    return [(swf.SOURCE_KINDS[k], v[0], v[1]) for k, v in by.items() if k in swf.SOURCE_KINDS]


def report_facts(audit: SettlementAudit) -> dict:
    c = audit.account.contract
    lines, results = _lines(audit)
    review = {r.stage: r for r in audit.reviews.select_related("organisation")}
    cut_rows = []
    disputed = []
    for pk, seq, _kind, code, name, _unit, _qty, _rate, claimed, settled, _stage in lines:
        if pk not in results:
            continue
        reasons, response, final, proposed = results[pk]
        audited = settled if settled is not None else (final if final is not None else proposed)
        cut_rows.append((seq, code, name, claimed, audited, claimed - audited, reasons))
        if response == wf.DISPUTED_LINE:
            disputed.append((seq, code, name, claimed, proposed, final))
    cut_rows.sort(key=lambda r: -r[5])
    submitted = audit.submitted_amount or Decimal(0)
    audited = audit.audited_amount
    return {
        "rows": [
            ("项目", f"{c.project.code} {c.project.name}"),
            ("合同", f"{c.number} {c.title}"),
            ("竣工结算", audit.account.number),
            ("发包人", c.employer.name),
            ("承包人", c.contractor.name),
            ("委托单位", audit.appointed_by_org.name),
            ("审计机构", audit.firm.name),
            ("财政评审机构", audit.finance.name),
            ("委托书编号", audit.reference),
            ("委托时间", f"{to_local(audit.appointed_at):%Y-%m-%d}"),
        ],
        "reviews": [
            (wf.STAGES[s], r.organisation.name, _yuan(r.reviewed_amount))
            for s, r in sorted(review.items())
        ],
        "summary": [(k, _yuan(s), _yuan(a), _yuan(s - a)) for k, s, a in summary(audit, lines)],
        "totals": [
            ("送审金额（元）", _yuan(submitted)),
            ("审定金额（元）", _yuan(audited)),
            ("审减金额（元）", _yuan(submitted - audited) if audited is not None else "—"),
            ("审减率", _ratio(audit.reduction_ratio)),
            ("审减项数", f"{len(cut_rows)} 项（其中施工单位有异议并经会商 {len(disputed)} 项）"),
        ],
        "disputed": [
            (str(s), code, name, _yuan(c_), _yuan(p), _yuan(f))
            for s, code, name, c_, p, f in disputed
        ],
        "cuts": [
            (str(s), code, name, _yuan(c_), _yuan(a), _yuan(d), reason)
            for s, code, name, c_, a, d, reason in cut_rows[:TOP_CUTS]
        ],
        "cut_count": len(cut_rows),
        "number": audit.report_number,
        "signer": person(review[wf.AUDIT].reviewer) if wf.AUDIT in review else "—",
        "reported_at": f"{to_local(audit.reported_at):%Y-%m-%d}" if audit.reported_at else "—",
    }


def _table(rows, widths, *, header: bool = True, size: float = 8, wrap=None):
    """A grid; only the columns in `wrap` (all when None) are wrapped paragraphs: a plain
    string cell costs a fraction of a CJK paragraph's line breaking (the cut list is most of
    the report's rendering time)."""
    body = style(size, leading=size * 1.4)
    cols = set(range(len(widths))) if wrap is None else set(wrap)
    table = grid(
        [
            [
                Paragraph(esc(str(cell)), body) if (i in cols or n == 0) else str(cell)
                for i, cell in enumerate(row)
            ]
            for n, row in enumerate(rows)
        ],
        [w * mm for w in widths],
        header=header,
        repeat_rows=1 if header else 0,
        font_size=size,
    )
    return table


def report_pdf(audit: SettlementAudit, seal: Seal | None = None) -> bytes:
    f = report_facts(audit)
    head = style(12, leading=18)
    story = [
        Paragraph("建设工程竣工结算审计报告", style(20, centre=True)),
        Spacer(1, 3 * mm),
        Paragraph(f"报告编号：{esc(f['number'])}", style(10, centre=True)),
        Spacer(1, 5 * mm),
        _table(f["rows"], [40, 130], header=False, size=10),
        Spacer(1, 4 * mm),
        Paragraph("一、审定结果", head),
        _table(f["totals"], [40, 130], header=False, size=10),
        Spacer(1, 3 * mm),
        Paragraph("二、独立双审（财政评审与审计复核，逐项取较低者）", head),
        _table([("审核环节", "审核单位", "审定金额（元）")] + f["reviews"], [40, 85, 45]),
        Spacer(1, 3 * mm),
        Paragraph("三、竣工结算审核汇总表（GB 50500）", head),
        _table(
            [("费用类别", "送审（元）", "审定（元）", "审减（元）")] + f["summary"],
            [55, 40, 40, 35],
        ),
    ]
    if f["disputed"]:
        story += [
            Spacer(1, 3 * mm),
            Paragraph("四、争议事项及会商结果", head),
            _table(
                [("序号", "项目编码", "项目名称", "送审（元）", "初审审定（元）", "会商审定（元）")]
                + f["disputed"],
                [12, 28, 50, 27, 27, 26],
                wrap=(2,),
            ),
        ]
    shown = min(f["cut_count"], TOP_CUTS)
    story += [
        Spacer(1, 3 * mm),
        Paragraph(
            f"五、审减明细（共 {f['cut_count']} 项，列示审减金额最大的 {shown} 项；全部明细见同名 Excel 附表）",
            head,
        ),
        _table(
            [("序号", "项目编码", "项目名称", "送审（元）", "审定（元）", "审减（元）", "审减理由")]
            + f["cuts"],
            [11, 24, 34, 23, 23, 21, 34],
            wrap=(2, 6),
        ),
        Spacer(1, 5 * mm),
        Paragraph(
            f"审计机构：{esc(rows_get(f['rows'], '审计机构'))}　　审计负责人：{esc(f['signer'])}"
            f"　　报告日期：{f['reported_at']}",
            style(10, leading=15),
        ),
        Paragraph("本报告由建管云生成，可扫码或凭验证码核验。", style(9, leading=13)),
    ]
    return render(story, title=f"竣工结算审计报告 {f['number']}", margins_mm={"top": 16}, seal=seal)


def rows_get(rows, key: str) -> str:
    return next((v for k, v in rows if k == key), "")


def report_document(*, actor: Actor, audit: SettlementAudit) -> bytes:
    if audit.state != wf.REPORTED:
        raise Conflict("审计报告尚未出具", code="report_not_issued")
    review = audit.reviews.filter(stage=wf.AUDIT).first()
    _, content = document_issue(
        actor=actor,
        obj=audit,
        kind="cost_audit.report",
        kind_label="竣工结算审计报告",
        title=f"竣工结算审计报告 {audit.report_number}",
        issuer=audit.firm.name,
        signer=person(review.reviewer) if review else "—",
        render=lambda seal: report_pdf(audit, seal),
    )
    return content


HEADER = [
    "序号",
    "项目编码",
    "项目名称",
    "计量单位",
    "工程量",
    "综合单价",
    "送审金额",
    "审定金额",
    "审减金额",
    "审减理由",
    "来源",
    "施工单位意见",
]
WIDTHS = [7, 16, 30, 9, 12, 12, 14, 14, 14, 40, 16, 12]


def report_xlsx(audit: SettlementAudit) -> bytes:
    """The Excel version: 汇总表 then 明细表 of every line (jianguan.cost.audit.xlsx: 20,000
    lines in well under a second, where openpyxl took 15 s)."""
    lines, results = _lines(audit)
    summary_rows: list[list] = [
        [f"竣工结算审核汇总表　{audit.account.number}　{audit.report_number}"],
        ["费用类别", "送审金额（元）", "审定金额（元）", "审减金额（元）", "审减率"],
    ]
    tot_s = tot_a = Decimal(0)
    for label, s, a in summary(audit, lines):
        summary_rows.append([label, s, a, s - a, wf.reduction_ratio(s, a)])
        tot_s, tot_a = tot_s + s, tot_a + a
    summary_rows.append(["合计", tot_s, tot_a, tot_s - tot_a, wf.reduction_ratio(tot_s, tot_a)])

    def detail():
        yield HEADER
        for pk, seq, kind, code, name, unit, qty, rate, claimed, settled, stage in lines:
            res = results.get(pk)
            audited = settled if settled is not None else claimed
            yield [
                seq,
                code,
                name,
                unit,
                qty,
                rate,
                claimed,
                audited,
                claimed - audited,
                res[0] if res else ("过程结算已确认，不再审计" if stage else ""),
                swf.SOURCE_KINDS.get(kind, kind),
                wf.RESPONSES.get(res[1], "") if res else "",
            ]

    return xlsx.workbook(
        [
            ("竣工结算审核汇总表", [24, 18, 18, 18, 12], summary_rows, 2),
            ("分部分项审核明细表", WIDTHS, detail(), 1),
        ]
    )
