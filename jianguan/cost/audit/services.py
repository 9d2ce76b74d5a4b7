"""The only writes of the settlement audit, up to the merge of the two reviews: the engagement
of the audit firm, each review's cuts (one by one or in bulk, drafts until submitted) and the
submission that, once both are in, puts the lower figure per line before the contractor.
The contractor's answers, the meeting and the report are in services_close."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum

from jianguan.accounts.models import Organisation
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now, today_local
from jianguan.cost.audit import workflow as wf
from jianguan.cost.audit.models import AuditCut, AuditLineResult, AuditReview, SettlementAudit
from jianguan.cost.settlement.models import FinalAccount, FinalAccountLine
from jianguan.ledger.services import record
from jianguan.rules.lookup import period_end

REASON_MAX = 500
OPINION_MAX = 1000
REFERENCE_MAX = 60
BULK_MAX = 50_000


def run(call, *args) -> Any:
    """A pure workflow check; its refusal becomes a 409 (or a 400 for a bad figure)."""
    try:
        return call(*args)
    except wf.Refused as exc:
        cls = ValidationFailed if exc.code == "cut_out_of_range" else Conflict
        raise cls(str(exc), code=exc.code) from None


def parse_amount(value: Any, label: str = "审定金额", *, signed: bool = False) -> Decimal:
    """A money figure in yuan: finite, at most two decimals, not negative unless `signed`
    (the audited figure of a deduction line)."""
    if isinstance(value, bool) or value is None:
        raise ValidationFailed(f"{label}须为金额（元）", code="bad_amount")
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(f"{label}须为金额（元）", code="bad_amount") from None
    if not amount.is_finite() or (amount < 0 and not signed):
        raise ValidationFailed(f"{label}须为不小于 0 的有限金额", code="bad_amount")
    if abs(amount) >= Decimal("1e14"):
        raise ValidationFailed(f"{label}超出范围", code="bad_amount")
    if amount != amount.quantize(wf.FEN):
        raise ValidationFailed(f"{label}最多精确到分", code="bad_amount")
    return amount.quantize(wf.FEN)


def _reason(reason: Any, label: str = "审减理由") -> str:
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationFailed(f"请填写{label}", code="reason_missing")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(f"{label}不超过 {REASON_MAX} 字", code="reason_too_long")
    return reason


def on_behalf(actor: Actor) -> Actor:
    """The actor as cost_settlement sees it when the audit moves the final account: the audit
    has already checked its own grants and parties (an owner appoints; a firm that is not the
    contract's named auditor reports), so the settlement's party check is passed, while its
    ledger entry still names this user and organisation."""
    fields = {f.name: getattr(actor, f.name) for f in dataclasses.fields(Actor)}
    return Actor(**{**fields, "is_system": True})


def _notify(org_ids: Iterable[int | None], *, kind: str, title: str, url: str) -> None:
    from jianguan.accounts.models import Membership
    from jianguan.workbench.notifications.services import notify

    ids = [i for i in org_ids if i]
    users = list(
        Membership.objects.filter(organisation_id__in=ids, is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    if users:
        transaction.on_commit(lambda: notify(recipients=users, kind=kind, title=title, url=url))


def audit_url(audit: SettlementAudit) -> str:
    from django.urls import reverse

    return reverse("cost_audit:audit", args=[audit.pk])


def _lock(audit: SettlementAudit) -> SettlementAudit:
    return (
        SettlementAudit.objects.select_for_update()
        .select_related("account__contract__project", "account__contract__contractor")
        .get(pk=audit.pk)
    )


# --- the engagement ------------------------------------------------------------------------


def audit_engage(
    *,
    actor: Actor,
    account: FinalAccount,
    firm: Organisation | int,
    reference: str,
    on: dt.date | None = None,
) -> SettlementAudit:
    """The owner or the finance bureau appoints an audit firm on a submitted final account:
    both reviews open at once, with the review period of the rule data."""
    from jianguan.cost.settlement.services import final_account_audit_start

    contract = account.contract
    if not actor.can("cost_audit.engage"):
        raise PermissionDenied("无权委托结算审计", code="not_appointer")
    if actor.organisation_id not in (contract.employer_id, contract.finance_bureau_id):
        raise PermissionDenied("结算审计由本合同的建设单位或财政评审机构委托", code="not_appointer")
    reference = reference.strip() if isinstance(reference, str) else ""
    if not reference or len(reference) > REFERENCE_MAX:
        raise ValidationFailed(
            f"请填写委托书编号（不超过 {REFERENCE_MAX} 字）", code="reference_missing"
        )
    firm_id = getattr(firm, "pk", firm)
    firm = Organisation.objects.filter(pk=firm_id if isinstance(firm_id, int) else None).first()
    if firm is None or firm.kind != "auditor":
        raise ValidationFailed("受托单位须为审计机构", code="firm_not_auditor")
    if not contract.finance_bureau_id:
        raise ValidationFailed("本合同未指定财政评审机构，不能开展双审", code="finance_missing")
    on = on or today_local()
    with transaction.atomic():
        account = FinalAccount.objects.select_for_update().get(pk=account.pk)
        if SettlementAudit.objects.filter(account=account).exists():
            raise Conflict("本竣工结算已委托审计", code="already_engaged")
        final_account_audit_start(actor=on_behalf(actor), account=account)
        audit = SettlementAudit.objects.create(
            account=account,
            firm=firm,
            finance_id=contract.finance_bureau_id,
            appointed_by_org_id=actor.organisation_id,
            appointed_by=actor.username,
            appointed_at=now(),
            reference=reference,
            review_due_on=period_end("settlement.audit_review_days", start=on),
            submitted_amount=account.submitted_amount,
        )
        AuditReview.objects.bulk_create(
            [
                AuditReview(audit=audit, stage=wf.FINANCE, organisation_id=audit.finance_id),
                AuditReview(audit=audit, stage=wf.AUDIT, organisation_id=firm.pk),
            ]
        )
        record(
            actor=actor,
            type="cost_audit.engaged",
            obj=audit,
            payload={
                "contract": contract.number,
                "firm": firm.name,
                "finance": contract.finance_bureau.name,
                "appointed_by": actor.organisation_name,
                "reference": reference,
                "submitted_amount": account.submitted_amount,
                "review_due_on": audit.review_due_on,
            },
        )
        _notify(
            [firm.pk, contract.finance_bureau_id, contract.contractor_id],
            kind="cost_audit.engaged",
            title=f"{contract.project.name} 竣工结算已委托审计（{reference}）",
            url=audit_url(audit),
        )
    return audit


# --- the reviews ---------------------------------------------------------------------------


def _own_open_review(actor: Actor, review: AuditReview) -> tuple[AuditReview, SettlementAudit]:
    if not actor.can("cost_audit.review") or review.organisation_id != actor.organisation_id:
        raise PermissionDenied("只能由本审核单位操作本环节审核", code="not_your_review")
    audit = _lock(review.audit)
    review = AuditReview.objects.select_for_update().get(pk=review.pk)
    if review.submitted_at is not None:
        raise Conflict("本环节审核意见已提交，不能再修改", code="review_submitted")
    run(wf.check, audit.state, [wf.REVIEWING], "审减")
    review.audit = audit
    return review, audit


def _checked_rows(
    audit: SettlementAudit, rows: list[tuple[Any, Any, Any]]
) -> list[tuple[int, Decimal, str]]:
    """Every row checked against the account's lines (one query): the line exists, is not
    stage-settled, and the figure is within [0, claimed]. The first bad row refuses them all."""
    if len(rows) > BULK_MAX:
        raise ValidationFailed(f"一次最多 {BULK_MAX} 行", code="too_many_rows")
    ids = []
    for line_id, _, _ in rows:
        if isinstance(line_id, bool) or not isinstance(line_id, int):
            raise ValidationFailed("清单行编号须为整数", code="line_not_found")
        ids.append(line_id)
    if len(set(ids)) != len(ids):
        raise ValidationFailed("同一清单行重复出现", code="duplicate_line")
    qs = FinalAccountLine.objects.filter(account_id=audit.account_id)
    if len(ids) <= 500:  # else the whole account in one read beats a huge IN list
        qs = qs.filter(pk__in=ids)
    lines = {
        pk: (code, claimed, stage)
        for pk, code, claimed, stage in qs.values_list(
            "pk", "code", "claimed_amount", "stage_settled"
        )
    }
    out = []
    for line_id, amount, reason in rows:
        if line_id not in lines:
            raise NotFound(
                f"竣工结算中没有编号为 {line_id} 的清单行",
                code="line_not_found",
                details={"line": line_id},
            )
        code, claimed, stage = lines[line_id]
        if stage:
            raise ValidationFailed(
                f"{code} 已在过程结算中结算，不再审计",
                code="stage_settled",
                details={"line": line_id},
            )
        audited = parse_amount(amount, signed=claimed < 0)
        try:
            wf.check_cut(claimed, audited)
        except wf.Refused as exc:
            raise ValidationFailed(
                f"{code}：{exc}",
                code=exc.code,
                details={"line": line_id, "min": "0.00", "max": str(claimed)},
            ) from None
        out.append((line_id, audited, _reason(reason)))
    return out


def cuts_set(*, actor: Actor, review: AuditReview, rows: list[tuple[Any, Any, Any]]) -> int:
    """Draft cuts in bulk: (line id, audited amount, reason) per line; a second cut of a line
    replaces the first. All or nothing; recorded in the ledger when the review is submitted."""
    with transaction.atomic():
        review, audit = _own_open_review(actor, review)
        checked = _checked_rows(audit, list(rows))
        AuditCut.objects.bulk_create(
            [
                AuditCut(review_id=review.pk, line_id=i, audited_amount=a, reason=r)
                for i, a, r in checked
            ],
            update_conflicts=True,
            unique_fields=["review", "line"],
            update_fields=["audited_amount", "reason"],
            batch_size=2000,
        )
        if review.reviewer != actor.username:
            review.reviewer = actor.username
            review.save(update_fields=["reviewer", "updated_at"])
    return len(checked)


def cut_set(
    *, actor: Actor, review: AuditReview, line: Any, audited_amount: Any, reason: Any
) -> AuditCut:
    line_id = getattr(line, "pk", line)
    cuts_set(actor=actor, review=review, rows=[(line_id, audited_amount, reason)])
    return AuditCut.objects.get(review=review, line_id=line_id)


def cut_remove(*, actor: Actor, review: AuditReview, line: Any) -> None:
    with transaction.atomic():
        review, _ = _own_open_review(actor, review)
        AuditCut.objects.filter(review=review, line_id=getattr(line, "pk", line)).delete()


def _reduction(review: AuditReview) -> Decimal:
    got = review.cuts.aggregate(c=Sum("line__claimed_amount"), a=Sum("audited_amount"))
    return (got["c"] or Decimal(0)) - (got["a"] or Decimal(0))


def review_submit(*, actor: Actor, review: AuditReview, opinion: Any = "") -> AuditReview:
    """Submit one review; its cuts go on the ledger together. When the other is in too, the
    two are merged and the contractor is asked to confirm or dispute each cut."""
    opinion = opinion.strip() if isinstance(opinion, str) else ""
    if len(opinion) > OPINION_MAX:
        raise ValidationFailed(f"审核意见不超过 {OPINION_MAX} 字", code="opinion_too_long")
    with transaction.atomic():
        review, audit = _own_open_review(actor, review)
        submitted = audit.submitted_amount or Decimal(0)
        review.reviewed_amount = submitted - _reduction(review)
        review.opinion, review.reviewer, review.submitted_at = opinion, actor.username, now()
        review.save()
        cuts = list(
            review.cuts.order_by("line__sequence").values_list(
                "line__code", "line__claimed_amount", "audited_amount", "reason"
            )
        )
        record(
            actor=actor,
            type="cost_audit.review_submitted",
            obj=review,
            payload={
                "audit": audit.reference,
                "stage": review.stage,
                "opinion": opinion,
                **cuts_payload(cuts),
                "reviewed_amount": review.reviewed_amount,
                "reduction": submitted - review.reviewed_amount,
            },
        )
        if not audit.reviews.filter(submitted_at__isnull=True).exists():
            reviews_merge(actor=actor, audit=audit)
    return review


CUTS_LISTED = 1000


def cuts_payload(cuts: list[tuple[str, Decimal, Decimal, str]]) -> dict:
    """What the ledger keeps of a review's cuts: their number, the SM3 of the cut table (one
    line "code\tclaimed\taudited\treason" per cut, in line order: anyone holding the
    exported cuts can check them) and, up to CUTS_LISTED cuts, the cuts themselves. The
    canonical JSON of 6,000 cuts alone took seconds; the rows stay in AuditCut, never
    changed after the submission."""
    from jianguan.ledger.services import sm3_hex

    table = "\n".join(f"{c}\t{a:.2f}\t{b:.2f}\t{r}" for c, a, b, r in cuts)
    out: dict = {"cut_count": len(cuts), "cuts_sm3": sm3_hex(table.encode("utf-8"))}
    if len(cuts) <= CUTS_LISTED:
        out["cuts"] = [{"code": c, "claimed": a, "audited": b, "reason": r} for c, a, b, r in cuts]
    return out


def reviews_merge(*, actor: Actor, audit: SettlementAudit, on: dt.date | None = None) -> int:
    """Both reviews in: one row per cut line with both figures and the lower proposed (bulk).
    Called by review_submit inside its transaction."""
    reviews = {r.stage: r for r in audit.reviews.all()}
    cuts: dict[str, dict[int, tuple[Decimal, str]]] = {wf.FINANCE: {}, wf.AUDIT: {}}
    for stage, line_id, amount, reason in AuditCut.objects.filter(review__audit=audit).values_list(
        "review__stage", "line_id", "audited_amount", "reason"
    ):
        cuts[stage][line_id] = (amount, reason)
    lines = FinalAccountLine.objects.filter(account_id=audit.account_id)
    claimed = dict(lines.values_list("pk", "claimed_amount"))
    merged = wf.merge(
        claimed,
        {k: v[0] for k, v in cuts[wf.FINANCE].items()},
        {k: v[0] for k, v in cuts[wf.AUDIT].items()},
    )

    def reasons(line_id: int) -> str:
        parts = [
            f"{wf.STAGES[s]}：{cuts[s][line_id][1]}"
            for s in (wf.FINANCE, wf.AUDIT)
            if line_id in cuts[s]
        ]
        return "；".join(parts)[:1010]

    AuditLineResult.objects.bulk_create(
        [
            AuditLineResult(
                audit_id=audit.pk,
                line_id=m.line_id,
                claimed_amount=m.claimed,
                finance_amount=m.finance,
                audit_amount=m.audit,
                proposed_amount=m.proposed,
                reasons=reasons(m.line_id),
            )
            for m in merged
        ],
        batch_size=2000,
    )
    cut_total = sum((m.claimed - m.proposed for m in merged), Decimal(0))
    audit.proposed_amount = (audit.submitted_amount or Decimal(0)) - cut_total
    on = on or today_local()
    if merged:
        audit.state = wf.RESPONDING
        audit.response_due_on = period_end("settlement.audit_response_days", start=on)
    else:
        audit.state = wf.AGREED
    audit.save()
    record(
        actor=actor,
        type="cost_audit.reviews_merged",
        obj=audit,
        payload={
            "reference": audit.reference,
            "finance_amount": reviews[wf.FINANCE].reviewed_amount,
            "audit_amount": reviews[wf.AUDIT].reviewed_amount,
            "proposed_amount": audit.proposed_amount,
            "cut_lines": len(merged),
            "response_due_on": audit.response_due_on,
        },
    )
    contract = audit.account.contract
    _notify(
        [contract.contractor_id, contract.employer_id, audit.firm_id, audit.finance_id],
        kind="cost_audit.merged",
        title=f"{contract.project.name} 结算审核完成，审减 {len(merged)} 项待施工单位确认",
        url=audit_url(audit),
    )
    return len(merged)
