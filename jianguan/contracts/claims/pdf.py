"""工程进度款支付证书 as a Chinese PDF (on core.pdf: embedded font, verification seal).

Issued only for an approved (or paid) claim: by then every review of the round has been
submitted, so the finance and audit figures may be shown to every party.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from jianguan.contracts import workflow
from jianguan.contracts.claims import deductions
from jianguan.contracts.models import Payment, PaymentClaim
from jianguan.core.actor import Actor
from jianguan.core.pdf import Seal, esc, grid, person, render, style
from jianguan.core.timeutil import to_local
from jianguan.ledger.models import LedgerEntry
from jianguan.ledger.services import document_issue

ISSUABLE = {workflow.C_APPROVED, workflow.C_PAID}


def _yuan(value: Decimal | None) -> str:
    return "—" if value is None else f"{Decimal(value):,.2f} 元"


def _ratio(value: Decimal | None) -> str:
    return "—" if value is None else f"{Decimal(value) * 100:.2f}%"


def approval_entry(claim: PaymentClaim) -> LedgerEntry | None:
    """The ledger entry that recorded the claim's approval (its index goes on the certificate)."""
    return (
        LedgerEntry.objects.filter(
            object_app="contracts",
            object_model="paymentclaim",
            object_id=str(claim.pk),
            type="contracts.claim_approved",
        )
        .order_by("-index")
        .first()
    )


def stage_rows(claim: PaymentClaim) -> list[tuple[str, str, str, str]]:
    """(stage, reviewer organisation, accepted cumulative value, reduction) of the submitted
    reviews of the claim's last round, in chain order."""
    reviews = {
        r.stage: r
        for r in claim.reviews.filter(round=claim.round, submitted_at__isnull=False)
        .select_related("organisation")
        .order_by("started_at", "pk")
    }
    rows = []
    for stage in workflow.CHAIN:
        r = reviews.get(stage)
        if r is None:
            continue
        rows.append(
            (
                workflow.REVIEW_STAGES[stage],
                r.organisation.name,
                _yuan(r.reviewed_value),
                _yuan(r.reduction),
            )
        )
    return rows


def certificate_facts(claim: PaymentClaim) -> dict:
    """Everything the certificate shows, as plain strings (also used by the tests)."""
    c = claim.contract
    paid = Payment.objects.filter(claim__contract=c, claim__sequence__lte=claim.sequence).aggregate(
        s=Sum("amount")
    )["s"] or Decimal("0.00")
    entry = approval_entry(claim)
    signed = claim.chief_supervisor_signed_at
    return {
        "number": claim.number,
        "rows": [
            ("项目", f"{c.project.code} {c.project.name}"),
            ("合同", f"{c.number} {c.title}"),
            ("发包人", c.employer.name),
            ("承包人", c.contractor.name),
            ("监理单位", c.supervisor.name if c.supervisor_id else "—"),
            ("财政评审机构", c.finance_bureau.name if c.finance_bureau_id else "—"),
            ("第三方审计机构", c.auditor.name if c.auditor_id else "—"),
            ("期数", f"第 {claim.sequence} 期"),
            ("计量期", f"{claim.period_start:%Y-%m-%d} 至 {claim.period_end:%Y-%m-%d}"),
            ("现合同价", _yuan(c.current_value)),
            ("申报累计完成产值", _yuan(claim.claimed_cumulative_value)),
            ("申报本期完成产值", _yuan(claim.claimed_value)),
        ],
        "stages": stage_rows(claim),
        "summary": [
            ("审定累计完成产值", _yuan(claim.approved_cumulative_value)),
            ("审定本期完成产值", _yuan(claim.approved_value)),
            ("进度款支付比例", _ratio(c.progress_ratio)),
            ("本期应付金额", _yuan(claim.payable_amount)),
            ("本期扣留质量保证金", _yuan(claim.retention_amount)),
            *[(label, _yuan(amount)) for label, amount in deductions.lines(claim)],
            ("本期实付金额", _yuan(deductions.net_payable(claim)) if claim.approved_at else "—"),
            ("累计已支付", _yuan(paid)),
            ("当前状态", workflow.CLAIM_STATUSES.get(claim.status, claim.status)),
        ],
        "chief_supervisor": claim.chief_supervisor or "（未签字）",
        "chief_signed_at": f"{to_local(signed):%Y-%m-%d %H:%M}" if signed else "—",
        "approved_at": f"{to_local(claim.approved_at):%Y-%m-%d %H:%M}"
        if claim.approved_at
        else "—",
        "ledger_index": f"#{entry.index}" if entry else "—",
    }


def _table(rows, widths, header: bool = False) -> Table:
    body = style(10, leading=14)
    return grid(
        [[Paragraph(esc(str(cell)), body) for cell in row] for row in rows], widths, header=header
    )


def certificate_pdf(claim: PaymentClaim, seal: Seal | None = None) -> bytes:
    facts = certificate_facts(claim)
    body = style(11, leading=16)
    head = style(12, leading=18)
    story = [
        Paragraph("工程进度款支付证书", style(20, centre=True)),
        Spacer(1, 3 * mm),
        Paragraph(f"编号：{esc(facts['number'])}", style(10, centre=True)),
        Spacer(1, 6 * mm),
        _table(facts["rows"], [40 * mm, 130 * mm]),
        Spacer(1, 5 * mm),
        Paragraph("逐级审核（监理 → 建设单位 → 财政评审 → 审计复审）", head),
        Spacer(1, 2 * mm),
        _table(
            [("审核环节", "审核单位", "审定累计产值", "本环节审减")] + facts["stages"],
            [30 * mm, 60 * mm, 40 * mm, 40 * mm],
            header=True,
        ),
        Spacer(1, 5 * mm),
        Paragraph("审定与支付", head),
        Spacer(1, 2 * mm),
        _table(facts["summary"], [40 * mm, 130 * mm]),
        Spacer(1, 6 * mm),
        Paragraph(
            f"总监理工程师：{esc(facts['chief_supervisor'])}　　签字时间：{facts['chief_signed_at']}",
            body,
        ),
        Paragraph(
            f"审定时间：{facts['approved_at']}　　存证记录序号：{facts['ledger_index']}", body
        ),
        Spacer(1, 4 * mm),
        Paragraph(
            # The issue time is in the seal's footer; a "generated today" date here would make
            # every day's download a new document.
            "本证书由建管云生成；审定记录可凭存证序号在公开存证日志中校验，本证书可扫码验真。",
            style(9, leading=13),
        ),
    ]
    return render(
        story, title=f"工程进度款支付证书 {claim.number}", margins_mm={"top": 18}, seal=seal
    )


def certificate_document(*, actor: Actor, claim: PaymentClaim) -> bytes:
    """The certificate as issued by the employer, signed by the chief supervisor (质量管理条例
    37): sealed and on the ledger."""
    _, content = document_issue(
        actor=actor,
        obj=claim,
        kind="contracts.payment_certificate",
        kind_label="工程进度款支付证书",
        title=f"工程进度款支付证书 {claim.number}",
        issuer=claim.contract.employer.name,
        signer=person(claim.chief_supervisor) if claim.chief_supervisor else "（未签字）",
        render=lambda seal: certificate_pdf(claim, seal),
    )
    return content
