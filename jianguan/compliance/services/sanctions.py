"""Cards, blacklist entries and procurement bans: issued, appealed, repaired; all ledgered.

District card policy and the national credit rules come from rule data (card.*, blacklist.*,
procurement_ban.*, credit.*); the pure checks live in compliance/sanctions.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from jianguan.accounts.models import Organisation
from jianguan.compliance import sanctions as S
from jianguan.compliance.credit import SANCTION_KINDS
from jianguan.compliance.models import ReInspection, Sanction, SanctionAppeal
from jianguan.compliance.services.credit import credit_records_end_for, credit_records_for_event
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.services import record
from jianguan.rules.lookup import rule, rule_value

AUTO_ISSUER = "系统（依红黄牌规则自动作出）"


def _s(call, *args):
    try:
        return call(*args)
    except S.SanctionError as exc:
        raise ValidationFailed(str(exc), code=exc.code) from None


def require_regulator(actor: Actor) -> None:
    """The regulator (its kind and the sanction grant); else a Chinese 403 not_regulator."""
    if actor.is_system:
        return
    if not (actor.is_kind("regulator") and actor.can("compliance.sanction_issue")):
        raise PermissionDenied(
            "红黄牌、黑名单和政府采购禁入只能由监管部门作出", code="not_regulator"
        )


def _next_number(kind: str, year: int) -> str:
    prefix = f"{S.NUMBER_PREFIX[kind]}-{year}-"
    last = (
        Sanction.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{(int(last.rsplit('-', 1)[1]) + 1 if last else 1):04d}"


def _publication_months(on: dt.date, months: int | None) -> int:
    bounds = rule_value("credit.bad_record_publication", on=on)
    if months is None:
        return int(bounds["min"])
    return _s(S.check_range, months, bounds, "公布期限", "个月", "bad_publication_period")


def _clean(text: str, what: str, code: str, limit: int = 1000) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(f"请填写{what}", code=code)
    return text[:limit]


def _issue(
    *,
    actor: Actor,
    organisation: Organisation,
    kind: str,
    reason: str,
    legal_basis: str,
    on: dt.date,
    effective_to: dt.date,
    published_to: dt.date,
    trigger: str = "",
    evidence: Iterable[str] = (),
    automatic: bool = False,
    reinspections: Iterable[ReInspection] = (),
    source_cards: Iterable[Sanction] = (),
) -> Sanction:
    reinspections, source_cards = list(reinspections), list(source_cards)
    sanction = Sanction.objects.create(
        number=_next_number(kind, on.year),
        organisation=organisation,
        kind=kind,
        trigger=trigger,
        reason=reason[:1000],
        legal_basis=legal_basis[:500],
        automatic=automatic,
        issued_by=AUTO_ISSUER if automatic else actor.username,
        issued_by_organisation_id=None if automatic else actor.organisation_id,
        issued_on=on,
        effective_from=on,
        effective_to=effective_to,
        published_from=on,
        published_to=max(published_to, effective_to),
        evidence=[str(e)[:300] for e in evidence if str(e).strip()][:50],
    )
    if reinspections:
        sanction.reinspections.set(reinspections)
    if source_cards:
        sanction.source_cards.set(source_cards)
    record(
        actor=actor,
        type="compliance.sanction_issued",
        obj=sanction,
        payload={
            "number": sanction.number,
            "kind": kind,
            "organisation": organisation.credit_code,
            "trigger": trigger,
            "reason": sanction.reason,
            "legal_basis": sanction.legal_basis,
            "automatic": automatic,
            "effective": [sanction.effective_from, sanction.effective_to],
            "published": [sanction.published_from, sanction.published_to],
            "evidence": sanction.evidence,
            "reinspections": [r.pk for r in reinspections],
            "source_cards": [c.number for c in source_cards],
        },
    )
    credit_records_for_event(
        actor=actor,
        kind=SANCTION_KINDS[kind],
        organisation=organisation,
        occurred_on=on,
        description=f"{sanction.number} {S.KINDS[kind]}：{sanction.reason}"[:300],
        source_type="sanction",
        source_id=sanction.pk,
        expires_on_at_least=sanction.published_to,
    )
    return sanction


def _card_dates(on: dt.date, publication_months: int | None) -> tuple[dt.date, dt.date]:
    effective_to = S.add_months(on, int(rule_value("card.period", on=on))) - dt.timedelta(days=1)
    published_to = S.add_months(on, _publication_months(on, publication_months))
    return effective_to, published_to


def _red_check(*, actor: Actor, organisation: Organisation, on: dt.date) -> Sanction | None:
    """A second yellow card within the window (rule data) draws a red card."""
    needed = int(rule_value("card.red_after_yellow_cards", on=on))
    window = int(rule_value("card.red_window", on=on))
    yellows = list(
        Sanction.objects.filter(
            organisation=organisation,
            kind=S.YELLOW,
            issued_on__gt=S.add_months(on, -window),
            status__in=(S.ACTIVE, S.EXPIRED, S.REPAIRED),
        )
        .exclude(sanction__kind=S.RED)  # yellows already counted for a red card
        .order_by("issued_on", "pk")
    )
    if len(yellows) < needed:
        return None
    used = yellows[-needed:]
    effective_to, published_to = _card_dates(on, None)
    return _issue(
        actor=actor,
        organisation=organisation,
        kind=S.RED,
        reason=(f"{window}个月内累计被出示{needed}张黄牌（{'、'.join(c.number for c in used)}）"),
        legal_basis=f"{S.CARD_BASIS}：{rule('card.red_after_yellow_cards', on=on)}",
        on=on,
        effective_to=effective_to,
        published_to=published_to,
        evidence=[c.number for c in used],
        automatic=True,
        source_cards=used,
    )


@transaction.atomic
def card_check_after_failure(
    *, actor: Actor, organisation: Organisation, on: dt.date | None = None
) -> Sanction | None:
    """Called right after a failed re-inspection: N failures in a row (rule data) → yellow card.

    Failures already counted for an earlier card do not count again.
    """
    on = on or today_local()
    needed = int(rule_value("card.yellow_after_failed_rectifications", on=on))
    streak = []
    for item in (
        ReInspection.objects.filter(responsible_organisation=organisation)
        .order_by("-created_at", "-pk")
        .prefetch_related("sanctions")
        .select_related("order")
    ):
        if item.result != "failed":
            break
        if any(s.kind == S.YELLOW for s in item.sanctions.all()):
            break
        streak.append(item)
    if len(streak) < needed:
        return None
    used = list(reversed(streak[:needed]))
    effective_to, published_to = _card_dates(on, None)
    numbers = [r.order.number for r in used]
    yellow = _issue(
        actor=actor,
        organisation=organisation,
        kind=S.YELLOW,
        reason=f"连续{needed}次整改复查不合格（{'、'.join(numbers)}）",
        legal_basis=f"{S.CARD_BASIS}：{rule('card.yellow_after_failed_rectifications', on=on)}",
        on=on,
        effective_to=effective_to,
        published_to=published_to,
        evidence=[f"整改通知单 {n} 复查不合格" for n in numbers],
        automatic=True,
        reinspections=used,
    )
    _red_check(actor=actor, organisation=organisation, on=on)
    return yellow


@transaction.atomic
def card_issue(
    *,
    actor: Actor,
    organisation: Organisation,
    kind: str,
    reason: str,
    evidence: Iterable[str] = (),
    publication_months: int | None = None,
) -> Sanction:
    """The regulator issues a yellow card, or a red card for a serious case."""
    require_regulator(actor)
    if kind not in (S.YELLOW, S.RED):
        raise ValidationFailed("牌的类型须为黄牌或红牌", code="unknown_card_kind")
    reason = _clean(reason, "处理事由", "reason_missing")
    on = today_local()
    effective_to, published_to = _card_dates(on, publication_months)
    basis = S.CARD_BASIS + ("（情节严重）" if kind == S.RED else "")
    card = _issue(
        actor=actor,
        organisation=organisation,
        kind=kind,
        reason=reason,
        legal_basis=basis,
        on=on,
        effective_to=effective_to,
        published_to=published_to,
        evidence=evidence,
    )
    if kind == S.YELLOW:
        _red_check(actor=actor, organisation=organisation, on=on)
    return card


@transaction.atomic
def blacklist_issue(
    *,
    actor: Actor,
    organisation: Organisation,
    trigger: str,
    reason: str,
    evidence: Iterable[str] = (),
    accident_dates: Iterable[dt.date] = (),
) -> Sanction:
    """A blacklist entry for one of the national triggers (建市〔2017〕241号)."""
    require_regulator(actor)
    label = _s(S.check_trigger, trigger)
    reason = _clean(reason, "处理事由", "reason_missing")
    evidence = [str(e).strip() for e in evidence if str(e).strip()]
    if not evidence:
        raise ValidationFailed(
            "请列明认定依据材料（处罚决定书、事故调查报告、判决书等）", code="evidence_missing"
        )
    on = today_local()
    if trigger == "large_accidents":
        needed = int(rule_value("blacklist.large_accidents_count_min", on=on))
        window = int(rule_value("blacklist.large_accidents_window", on=on))
        dates = S.large_accidents_in_window(list(accident_dates), on, window)
        if len(dates) < needed:
            raise ValidationFailed(
                f"{window}年内较大事故须达到{needed}次，当前{len(dates)}次",
                code="too_few_accidents",
            )
        evidence += [f"较大事故 {d.isoformat()}" for d in dates]
    period = rule("blacklist.period", on=on)
    effective_to = S.add_months(on, 12 * int(period.value)) - dt.timedelta(days=1)
    after = int(rule_value("credit.post_blacklist_bad_record_publication", on=on))
    return _issue(
        actor=actor,
        organisation=organisation,
        kind=S.BLACKLIST,
        trigger=trigger,
        reason=f"{label}：{reason}",
        legal_basis=f"{S.BLACKLIST_BASIS}；{period.name}{period.value}年",
        on=on,
        effective_to=effective_to,
        published_to=S.add_months(effective_to, 12 * after),
        evidence=evidence,
    )


@transaction.atomic
def procurement_ban_issue(
    *,
    actor: Actor,
    organisation: Organisation,
    years: int,
    reason: str,
    evidence: Iterable[str] = (),
    publication_months: int | None = None,
) -> Sanction:
    """禁止参加政府采购活动 1–3 年 (政府采购法 77; years from rule data)."""
    require_regulator(actor)
    on = today_local()
    bounds = rule_value("procurement_ban.period", on=on)
    years = _s(S.check_range, years, bounds, "禁入期限", "年", "bad_ban_period")
    reason = _clean(reason, "处理事由", "reason_missing")
    effective_to = S.add_months(on, 12 * years) - dt.timedelta(days=1)
    return _issue(
        actor=actor,
        organisation=organisation,
        kind=S.PROCUREMENT_BAN,
        reason=reason,
        legal_basis=f"{S.BAN_BASIS}（禁入{years}年）",
        on=on,
        effective_to=effective_to,
        published_to=S.add_months(on, _publication_months(on, publication_months)),
        evidence=evidence,
    )


@transaction.atomic
def appeal_submit(*, actor: Actor, sanction: Sanction, text: str) -> SanctionAppeal:
    """申诉 by the sanctioned organisation within the appeal window (rule data)."""
    sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
    if actor.organisation_id != sanction.organisation_id or not actor.has_role("admin", "staff"):
        raise PermissionDenied("只有被处理单位可以提出申诉", code="not_sanctioned_party")
    if sanction.status != S.ACTIVE:
        raise Conflict("该决定已不在生效状态，不能申诉", code="not_active")
    if sanction.appeals.filter(status=S.APPEAL_SUBMITTED).exists():
        raise Conflict("已有待复核的申诉", code="appeal_pending")
    on = today_local()
    _s(
        S.check_appeal_window,
        sanction.issued_on,
        int(rule_value("card.appeal_window_days", on=on)),
        on,
    )
    appeal = SanctionAppeal.objects.create(
        sanction=sanction,
        organisation_id=actor.organisation_id,
        text=_clean(text, "申诉理由", "text_missing", 5000),
        submitted_by=actor.username,
        submitted_on=on,
    )
    record(
        actor=actor,
        type="compliance.appeal_submitted",
        obj=sanction,
        payload={"number": sanction.number, "appeal": appeal.pk, "text": appeal.text},
    )
    return appeal


@transaction.atomic
def appeal_review(
    *, actor: Actor, appeal: SanctionAppeal, decision: str, note: str
) -> SanctionAppeal:
    """The regulator upholds the decision or revokes it; a revocation takes effect at once."""
    require_regulator(actor)
    appeal = SanctionAppeal.objects.select_for_update().select_related("sanction").get(pk=appeal.pk)
    if decision not in (S.APPEAL_UPHELD, S.APPEAL_REVOKED):
        raise ValidationFailed("复核结论须为“维持”或“撤销”", code="bad_decision")
    if appeal.status != S.APPEAL_SUBMITTED:
        raise Conflict("该申诉已复核", code="appeal_reviewed")
    note = _clean(note, "复核意见", "note_missing")
    appeal.status = decision
    appeal.reviewed_by = actor.username
    appeal.reviewed_at = now()
    appeal.decision_note = note
    appeal.save()
    sanction = appeal.sanction
    if decision == S.APPEAL_REVOKED:
        sanction.status = S.REVOKED
        sanction.closed_at = now()
        sanction.closed_note = f"申诉撤销：{note}"[:500]
        sanction.save()
        credit_records_end_for(
            actor=actor, source_type="sanction", source_id=sanction.pk, reason=f"申诉撤销：{note}"
        )
    record(
        actor=actor,
        type="compliance.appeal_reviewed",
        obj=sanction,
        payload={
            "number": sanction.number,
            "appeal": appeal.pk,
            "decision": decision,
            "note": note,
        },
    )
    return appeal


@transaction.atomic
def sanction_repair(*, actor: Actor, sanction: Sanction, note: str) -> Sanction:
    """信用修复: ends the record's effect and publication, no earlier than the minimum period."""
    require_regulator(actor)
    sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
    if sanction.status != S.ACTIVE:
        raise Conflict("只有生效中的记录可以信用修复", code="not_active")
    note = _clean(note, "修复说明", "note_missing")
    on = today_local()
    _s(
        S.check_repair,
        sanction.published_from,
        int(rule_value("credit.repair_min_publication", on=on)),
        on,
    )
    sanction.status = S.REPAIRED
    sanction.published_to = on
    sanction.effective_to = min(sanction.effective_to, on)
    sanction.closed_at = now()
    sanction.closed_note = f"信用修复：{note}"[:500]
    sanction.save()
    credit_records_end_for(
        actor=actor, source_type="sanction", source_id=sanction.pk, reason=f"信用修复：{note}"
    )
    record(
        actor=actor,
        type="compliance.sanction_repaired",
        obj=sanction,
        payload={"number": sanction.number, "note": note, "repaired_on": on},
    )
    return sanction
