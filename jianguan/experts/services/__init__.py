"""Expert pool writes and the committee draw. The draw itself is pure (experts/draw.py): here
its inputs are read, its commitment goes on the ledger before any name is known, and the
seed is published at the award so anyone can re-run it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Q

from jianguan.accounts.models import Organisation
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import SHANGHAI, iso_utc, now
from jianguan.experts import draw, specialties
from jianguan.experts.models import Committee, Declaration, Employment, Expert, Member, Punishment
from jianguan.ledger.services import record
from jianguan.rules.lookup import rule_value
from jianguan.tendering.models import Bid, Tender

DRAW_STATES = ("opening", "evaluation")


def _today() -> dt.date:
    return now().astimezone(SHANGHAI).date()


def _codes(raw: Iterable[str]) -> list[str]:
    codes = sorted({str(c).strip().upper() for c in raw or ()})
    unknown = [c for c in codes if c not in specialties.SPECIALTIES]
    if not codes or unknown:
        raise ValidationFailed(
            f"评标专业须取自专业分类目录（未知：{'、'.join(unknown) or '未填写'}）",
            code="unknown_specialty",
        )
    return codes


@transaction.atomic
def expert_register(
    *,
    actor: Actor,
    name: str,
    title: str,
    experience_years: int,
    specialties_codes: Sequence[str],
    employer: Organisation | None = None,
    employer_name: str = "",
    phone: str = "",
    id_number_masked: str = "",
    regulator_staff: bool = False,
    user=None,
) -> Expert:
    require(actor, "experts.manage")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写专家姓名", code="name_missing")
    if title not in Expert.TITLES:
        raise ValidationFailed("请选择职称", code="bad_title")
    minimum = int(rule_value("expert.experience_years_min", on=_today()))
    if not isinstance(experience_years, int) or experience_years < minimum:
        raise ValidationFailed(
            f"评标专家应从事相关领域工作满{minimum}年（招标投标法第三十七条）",
            code="experience_too_short",
        )
    expert = Expert.objects.create(
        user=user,
        name=name[:50],
        title=title,
        experience_years=experience_years,
        specialties=_codes(specialties_codes),
        employer=employer,
        employer_name=(employer.name if employer else employer_name)[:200],
        phone=phone[:20],
        id_number_masked=id_number_masked[:20],
        regulator_staff=regulator_staff,
        registered_by=actor.username,
    )
    if employer is not None:
        Employment.objects.create(
            expert=expert,
            organisation_code=employer.credit_code,
            organisation_name=employer.name,
            start=_today(),
        )
    record(
        actor=actor,
        type="experts.registered",
        obj=expert,
        payload={"name": expert.name, "title": title, "specialties": expert.specialties},
    )
    return expert


@transaction.atomic
def employment_add(
    *,
    actor: Actor,
    expert: Expert,
    organisation_code: str,
    organisation_name: str,
    start: dt.date,
    end: dt.date | None = None,
) -> Employment:
    require(actor, "experts.manage")
    code = (organisation_code or "").strip().upper()
    if len(code) != 18:
        raise ValidationFailed("统一社会信用代码应为18位", code="bad_credit_code")
    if end is not None and end < start:
        raise ValidationFailed("结束日期不能早于开始日期", code="bad_dates")
    item = Employment.objects.create(
        expert=expert,
        organisation_code=code,
        organisation_name=(organisation_name or code)[:200],
        start=start,
        end=end,
    )
    record(
        actor=actor,
        type="experts.employment_added",
        obj=expert,
        payload={"organisation": code, "start": start, "end": end},
    )
    return item


@transaction.atomic
def declaration_add(
    *, actor: Actor, expert: Expert, organisation_code: str, organisation_name: str, relation: str
) -> Declaration:
    """The expert (or the pool's administrator) declares a relative or interest."""
    own = actor.user_id is not None and expert.user_id == actor.user_id
    if not own:
        require(actor, "experts.manage")
    code = (organisation_code or "").strip().upper()
    if len(code) != 18 or not (relation or "").strip():
        raise ValidationFailed("请填写单位统一社会信用代码（18位）及关系", code="bad_declaration")
    item = Declaration.objects.create(
        expert=expert,
        organisation_code=code,
        organisation_name=(organisation_name or code)[:200],
        relation=relation.strip()[:100],
    )
    record(actor=actor, type="experts.declared", obj=expert, payload={"organisation": code})
    return item


@transaction.atomic
def punishment_record(
    *, actor: Actor, expert: Expert, reason: str, tendering_offence: bool, until: dt.date | None
) -> Punishment:
    require(actor, "experts.manage")
    if not (reason or "").strip():
        raise ValidationFailed("请填写处理事由", code="reason_missing")
    item = Punishment.objects.create(
        expert=expert,
        decided_on=_today(),
        reason=reason.strip()[:500],
        tendering_offence=tendering_offence,
        until=until,
        decided_by=actor.username,
    )
    record(
        actor=actor,
        type="experts.punished",
        obj=expert,
        payload={"reason": item.reason, "tendering_offence": tendering_offence, "until": until},
    )
    return item


def candidates(on: dt.date) -> list[draw.Candidate]:
    """Every expert as the pure draw sees it, with what the conflict rules need."""
    seats: dict[int, list[draw.Seat]] = {}
    for expert_id, tenderer, sat_on in Member.objects.exclude(status=Member.DECLINED).values_list(
        "expert_id", "committee__tender__tenderer__credit_code", "sat_on"
    ):
        seats.setdefault(expert_id, []).append(draw.Seat(tenderer=tenderer, on=sat_on))
    out = []
    experts = Expert.objects.prefetch_related("employments", "declarations", "punishments")
    for e in experts:
        punished = any(
            p.tendering_offence and (p.until is None or p.until >= on) for p in e.punishments.all()
        )
        out.append(
            draw.Candidate(
                id=e.pk,
                name=e.name,
                specialties=frozenset(e.specialties),
                economic=all(specialties.is_economic(c) for c in e.specialties),
                employments=tuple(
                    draw.Employment(x.organisation_code, x.start, x.end)
                    for x in e.employments.all()
                ),
                related_organisations=frozenset(d.organisation_code for d in e.declarations.all()),
                regulator_staff=e.regulator_staff,
                punished_for_tendering=punished,
                suspended=e.suspended_until is not None and e.suspended_until >= on,
                available=e.available,
                seats=tuple(seats.get(e.pk, ())),
            )
        )
    return out


def _request(tender: Tender, needs: Sequence[tuple[str, int]], on: dt.date) -> draw.Request:
    bidders = frozenset(
        Bid.objects.filter(tender=tender)
        .exclude(status__in=(Bid.REPLACED,))
        .values_list("bidder__credit_code", flat=True)
    )
    return draw.Request(
        tender=tender.code,
        on=on,
        tenderer=tender.tenderer.credit_code,
        agency=tender.agency.credit_code if tender.agency_id else None,
        bidders=bidders,
        needs=tuple(needs),
        lookback_years=int(rule_value("expert.procurement_conflict_lookback", on=on)),
    )


def _needs(raw: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    needs = [(str(code).upper(), int(n)) for code, n in raw or ()]
    _codes([c for c, _ in needs])
    if any(n < 1 for _, n in needs):
        raise ValidationFailed("每个专业至少抽取1人", code="bad_needs")
    return needs


def _committee_checks(needs, tenderer_reps: int) -> None:
    experts_n = sum(n for _, n in needs)
    economic = sum(n for c, n in needs if specialties.is_economic(c))
    problems = draw.check_composition(
        experts=experts_n, economic=economic, tenderer_reps=tenderer_reps
    )
    if problems:
        raise ValidationFailed("；".join(problems), code="bad_composition")


@transaction.atomic
def committee_draw(
    *, actor: Actor, tender: Tender, needs: Iterable[tuple[str, int]], tenderer_reps: int = 0
) -> Committee:
    """After the bid deadline, by the supervising officer: commitment first, then the draw."""
    require(actor, "experts.draw")
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status not in DRAW_STATES:
        raise Conflict("评标专家须在投标截止后、评标结束前抽取", code="not_drawing_time")
    if Committee.objects.filter(tender=tender).exists():
        raise Conflict("本项目已抽取评标专家", code="already_drawn")
    needs = _needs(needs)
    _committee_checks(needs, tenderer_reps)
    at = now()
    on = at.astimezone(SHANGHAI).date()
    pool = candidates(on)
    request = _request(tender, needs, on)
    digest, eligible, excluded = draw.pool_snapshot(pool, request)
    seed = draw.new_seed()
    commitment = draw.commitment(
        pool_digest=digest, seed_hex=seed.hex(), at_iso=iso_utc(at), officer=actor.username
    )
    try:
        result = draw.draw(pool, request, seed=seed)
    except draw.DrawError as exc:
        raise ValidationFailed(str(exc), code=exc.code) from None
    committee = Committee.objects.create(
        tender=tender,
        officer=actor.username,
        needs=needs,
        tenderer_reps=tenderer_reps,
        pool_digest=digest,
        commitment=commitment,
        committed_at=at,
        seed_hex=seed.hex(),
        alternates=[[s, list(ids)] for s, ids in result.alternates],
        excluded={str(k): v for k, v in excluded.items()},
        snapshot=[[c.id, sorted(c.specialties)] for c in pool if c.id in set(eligible)],
    )
    for i, (specialty, expert_id) in enumerate(result.members, 1):
        Member.objects.create(
            committee=committee, expert_id=expert_id, specialty=specialty, order=i, sat_on=on
        )
    # Only the digest, the commitment, time and officer: no name, no seed until the award.
    record(
        actor=actor,
        type="experts.draw_committed",
        obj=committee,
        payload={
            "tender": tender.code,
            "pool_digest": digest,
            "commitment": commitment,
            "at": iso_utc(at),
            "officer": actor.username,
            "needs": needs,
            "pool": len(pool),
            "excluded": len(excluded),
        },
    )
    return committee


@transaction.atomic
def member_check_in(*, actor: Actor, member: Member, present: bool, note: str = "") -> Member:
    """签到; an expert who declines or declares a conflict is replaced by the next alternate."""
    require(actor, "experts.draw")
    member = (
        Member.objects.select_for_update().select_related("committee__tender").get(pk=member.pk)
    )
    committee = member.committee
    if actor.username != committee.officer and not actor.is_system:
        raise PermissionDenied("只有抽取专家的监督人员可以办理签到", code="not_officer")
    if member.status != Member.DRAWN:
        raise Conflict("该专家已办理签到或回避", code="member_done")
    replacement = None
    if present:
        member.status = Member.CHECKED_IN
    else:
        if not (note or "").strip():
            raise ValidationFailed("请说明回避或不能参加的原因", code="note_required")
        member.status, member.note = Member.DECLINED, note.strip()[:300]
        replacement = _replace(committee, member)
    member.save()
    record(
        actor=actor,
        type="experts.member_checked_in",
        obj=committee,
        payload={
            "tender": committee.tender.code,
            "order": member.order,
            "present": present,
            "replacement_order": replacement.order if replacement else None,
        },
    )
    return member


def _replace(committee: Committee, member: Member) -> Member:
    on = member.sat_on
    pool = candidates(on)
    request = _request(committee.tender, [tuple(n) for n in committee.needs], on)
    current = draw.DrawResult(
        members=tuple(
            (m.specialty, m.expert_id) for m in committee.members.exclude(status=Member.DECLINED)
        )
        + ((member.specialty, member.expert_id),),
        alternates=tuple((s, tuple(ids)) for s, ids in committee.alternates),
        pool_digest=committee.pool_digest,
        seed_hex=committee.seed_hex,
    )
    try:
        result, new_id = draw.replace(
            pool,
            request,
            seed=bytes.fromhex(committee.seed_hex),
            result=current,
            declined_id=member.expert_id,
        )
    except draw.DrawError as exc:
        raise ValidationFailed(str(exc), code=exc.code) from None
    committee.alternates = [[s, list(ids)] for s, ids in result.alternates]
    committee.save(update_fields=["alternates", "updated_at"])
    order = committee.members.count() + 1
    return Member.objects.create(
        committee=committee, expert_id=new_id, specialty=member.specialty, order=order, sat_on=on
    )


@transaction.atomic
def committee_reveal(*, actor: Actor, committee: Committee) -> Committee:
    """At the award the names and the seed become public: anyone can re-run the draw."""
    require(actor, "experts.draw")
    committee = Committee.objects.select_for_update().select_related("tender").get(pk=committee.pk)
    if committee.tender.status not in ("awarded", "contracted"):
        raise Conflict("定标后方可公开评标委员会名单", code="not_awarded")
    if committee.revealed_at is not None:
        raise Conflict("已公开", code="already_revealed")
    committee.revealed_at = now()
    committee.save(update_fields=["revealed_at", "updated_at"])
    members = committee.members.select_related("expert").filter(~Q(status=Member.DECLINED))
    record(
        actor=actor,
        type="experts.committee_revealed",
        obj=committee,
        payload={
            "tender": committee.tender.code,
            "seed": committee.seed_hex,
            "members": [[m.specialty, m.expert_id, m.expert.name] for m in members],
        },
    )
    return committee


from jianguan.experts.selectors import visible_sheets  # noqa: E402, F401  (a read, kept here)
from jianguan.experts.services.scoring import (  # noqa: E402, F401  (re-exported)
    evaluation_compute,
    report_sign,
    sheet_save,
    sheets_submit,
)
