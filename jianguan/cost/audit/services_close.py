"""The settlement audit after the merge: the contractor confirms or disputes each cut, the
owner's meeting settles the disputed lines with minutes and a final figure, and the audit firm
issues the report, which audits the final account (cost_settlement) and, when the reduction
rate reaches the district's threshold, makes the contractor's audit_reduction credit record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from jianguan.core.actor import Actor
from jianguan.core.errors import PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now, today_local
from jianguan.cost.audit import workflow as wf
from jianguan.cost.audit.models import AuditLineResult, DisputeMeeting, SettlementAudit
from jianguan.cost.audit.services import (
    _lock,
    _notify,
    _reason,
    audit_url,
    on_behalf,
    parse_amount,
    run,
)
from jianguan.cost.settlement.models import FinalAccountLine
from jianguan.ledger.services import record
from jianguan.rules.lookup import period_end, rule_value

TEXT_MAX = {"venue": 120, "attendees": 500, "minutes": 5000}


def _line_ids(values: Any, label: str) -> list[int]:
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int):
            raise ValidationFailed(f"{label}须为清单行编号", code="line_not_found")
        out.append(v)
    return out


def cuts_respond(
    *, actor: Actor, audit: SettlementAudit, disputes: dict[int, Any] | None = None
) -> SettlementAudit:
    """The contractor's answer to every cut at once: those in `disputes` (line id → reason)
    are disputed, all the others confirmed."""
    disputes = dict(disputes or {})
    if not actor.can("cost_audit.respond"):
        raise PermissionDenied("无权确认审减", code="not_contractor")
    if actor.organisation_id != audit.account.contract.contractor_id:
        raise PermissionDenied("只能由本合同的施工单位确认审减", code="not_contractor")
    ids = _line_ids(disputes, "异议")
    reasons = {i: _reason(disputes[i], "异议理由") for i in ids}
    with transaction.atomic():
        audit = _lock(audit)
        run(wf.check, audit.state, [wf.RESPONDING], "确认审减")
        results = AuditLineResult.objects.filter(audit=audit)
        known = set(results.filter(line_id__in=ids).values_list("line_id", flat=True))
        if set(ids) - known:
            raise ValidationFailed(
                "只能对被审减的清单行提出异议",
                code="line_not_cut",
                details={"lines": sorted(set(ids) - known)},
            )
        results.update(response=wf.CONFIRMED, response_reason="")
        for line_id, reason in reasons.items():
            results.filter(line_id=line_id).update(
                response=wf.DISPUTED_LINE, response_reason=reason
            )
        audit.state = wf.next_after_responses(len(ids))
        if ids:
            audit.meeting_due_on = period_end("settlement.audit_meeting_days", start=today_local())
        audit.save()
        codes = (
            dict(FinalAccountLine.objects.filter(pk__in=ids).values_list("pk", "code"))
            if ids
            else {}
        )
        record(
            actor=actor,
            type="cost_audit.cuts_answered",
            obj=audit,
            payload={
                "reference": audit.reference,
                "confirmed": results.count() - len(ids),
                "disputed": [{"code": codes[i], "reason": reasons[i]} for i in sorted(ids)],
                "meeting_due_on": audit.meeting_due_on,
            },
        )
        contract = audit.account.contract
        _notify(
            [contract.employer_id, audit.firm_id, audit.finance_id],
            kind="cost_audit.answered",
            title=(
                f"{contract.project.name} 施工单位对 {len(ids)} 项审减有异议，待会商"
                if ids
                else f"{contract.project.name} 施工单位已确认全部审减，待出具审计报告"
            ),
            url=audit_url(audit),
        )
    return audit


def meeting_record(
    *,
    actor: Actor,
    audit: SettlementAudit,
    held_on: dt.date,
    venue: Any,
    attendees: Any,
    minutes: Any,
    figures: dict[int, Any],
) -> DisputeMeeting:
    """The owner's minutes of the dispute meeting, with the final figure of every disputed
    line (within [0, claimed])."""
    if not actor.can("cost_audit.meeting"):
        raise PermissionDenied("无权记录争议会商", code="not_owner")
    if actor.organisation_id != audit.account.contract.employer_id:
        raise PermissionDenied("争议会商由本合同的建设单位召集并记录", code="not_owner")
    texts = {}
    for name, label in (
        ("venue", "地点"),
        ("attendees", "参会单位与人员"),
        ("minutes", "会议纪要"),
    ):
        value = {"venue": venue, "attendees": attendees, "minutes": minutes}[name]
        value = value.strip() if isinstance(value, str) else ""
        if not value or len(value) > TEXT_MAX[name]:
            raise ValidationFailed(
                f"请填写{label}（不超过 {TEXT_MAX[name]} 字）", code=f"{name}_missing"
            )
        texts[name] = value
    if not isinstance(held_on, dt.date) or held_on > today_local():
        raise ValidationFailed("会商日期不能晚于今天", code="bad_date")
    ids = _line_ids(figures, "会商审定")
    amounts = {i: parse_amount(figures[i], "会商审定金额", signed=True) for i in ids}
    with transaction.atomic():
        audit = _lock(audit)
        run(wf.check, audit.state, [wf.DISPUTED], "记录会商纪要")
        disputed = {
            r.line_id: r
            for r in AuditLineResult.objects.filter(
                audit=audit, response=wf.DISPUTED_LINE
            ).select_related("line")
        }
        if set(ids) != set(disputed):
            raise ValidationFailed(
                "须对每一项有异议的审减给出会商审定金额，且只对这些行",
                code="figures_mismatch",
                details={"disputed": sorted(disputed), "given": sorted(ids)},
            )
        for line_id, amount in amounts.items():
            try:
                wf.check_cut(disputed[line_id].claimed_amount, amount)
            except wf.Refused as exc:
                raise ValidationFailed(
                    f"{disputed[line_id].line.code}：{exc}", code=exc.code
                ) from None
        meeting = DisputeMeeting.objects.create(
            audit=audit, held_on=held_on, recorded_by=actor.username, **texts
        )
        rows = list(disputed.values())
        for r in rows:
            r.final_amount, r.meeting = amounts[r.line_id], meeting
        AuditLineResult.objects.bulk_update(rows, ["final_amount", "meeting"], batch_size=1000)
        audit.state = wf.AGREED
        audit.save()
        record(
            actor=actor,
            type="cost_audit.meeting_recorded",
            obj=meeting,
            payload={
                "reference": audit.reference,
                "held_on": held_on,
                "venue": texts["venue"],
                "attendees": texts["attendees"],
                "minutes": texts["minutes"],
                "figures": [
                    {
                        "code": r.line.code,
                        "claimed": r.claimed_amount,
                        "proposed": r.proposed_amount,
                        "final": r.final_amount,
                    }
                    for r in sorted(rows, key=lambda r: r.line.sequence)
                ],
            },
        )
        contract = audit.account.contract
        _notify(
            [contract.contractor_id, audit.firm_id, audit.finance_id],
            kind="cost_audit.meeting",
            title=f"{contract.project.name} 结算争议会商纪要已记录，待出具审计报告",
            url=audit_url(audit),
        )
    return meeting


def settled_figures(audit: SettlementAudit) -> dict[int, Decimal]:
    """The settled figure of every audited line (two queries); stage-settled lines are not
    named: cost_settlement keeps what the stage settlement agreed."""
    lines = {
        pk: (claimed, None, False)
        for pk, claimed in FinalAccountLine.objects.filter(
            account_id=audit.account_id, stage_settled=False
        ).values_list("pk", "claimed_amount")
    }
    proposed, final = {}, {}
    for line_id, p, f in AuditLineResult.objects.filter(audit=audit).values_list(
        "line_id", "proposed_amount", "final_amount"
    ):
        proposed[line_id] = p
        if f is not None:
            final[line_id] = f
    return wf.settled_amounts(lines, proposed, final)


def report_number(audit: SettlementAudit) -> str:
    return f"JSSJ-{audit.account.contract.number}"[:40]


def report_issue(*, actor: Actor, audit: SettlementAudit) -> SettlementAudit:
    """The audit firm issues the report: every line gets its settled figure, the final
    account is audited (cost_settlement), and the reduction rate is recorded; at or above
    credit.audit_reduction_min_ratio the contractor gets an audit_reduction credit record."""
    from jianguan.compliance.services.credit import credit_record_make
    from jianguan.cost.settlement.services import final_account_audit_finish

    if not actor.can("cost_audit.report") or actor.organisation_id != audit.firm_id:
        raise PermissionDenied("审计报告由受托审计机构出具", code="not_firm")
    with transaction.atomic():
        audit = _lock(audit)
        run(wf.check, audit.state, [wf.AGREED], "出具审计报告")
        settled = settled_figures(audit)
        submitted = audit.submitted_amount or Decimal(0)
        number = report_number(audit)
        account = final_account_audit_finish(
            actor=on_behalf(actor),
            account=audit.account,
            settled=settled,
            report_reference=number,
        )
        audited = account.audited_amount
        on = today_local()
        threshold = Decimal(str(rule_value("credit.audit_reduction_min_ratio", on=on)))
        audit.audited_amount = audited
        audit.reduction_ratio = wf.reduction_ratio(submitted, audited)
        audit.report_number, audit.reported_at = number, now()
        audit.credit_recorded = submitted > 0 and audit.reduction_ratio >= threshold
        audit.state = wf.REPORTED
        audit.save()
        contract = audit.account.contract
        record(
            actor=actor,
            type="cost_audit.report_issued",
            obj=audit,
            payload={
                "reference": audit.reference,
                "report_number": number,
                "submitted_amount": submitted,
                "audited_amount": audited,
                "reduction": submitted - audited,
                "reduction_ratio": audit.reduction_ratio,
                "threshold": threshold,
                "credit_recorded": audit.credit_recorded,
            },
        )
        if audit.credit_recorded:
            credit_record_make(
                actor=actor,
                kind="audit_reduction",
                organisation=contract.contractor,
                occurred_on=on,
                description=(
                    f"{contract.project.name} 竣工结算审计审减 {submitted - audited:,.2f} 元，"
                    f"审减率 {audit.reduction_ratio:.2%}（{number}）"
                ),
                project=contract.project,
                source_type="settlement_audit",
                source_id=audit.pk,
            )
        _notify(
            [contract.contractor_id, contract.employer_id, audit.finance_id],
            kind="cost_audit.reported",
            title=f"{contract.project.name} 结算审计报告已出具，审减率 {audit.reduction_ratio:.2%}",
            url=audit_url(audit),
        )
    return audit
