"""Random, conflict-free draw of an evaluation committee (评标专家抽取). Pure: no Django.

Law (see /work/shared/RULES.md B1, 3.4): experts are drawn at random from the pool by specialty and
nobody may designate them (招标投标法实施条例 46); members with an interest must withdraw
(招标投标法 37; 《评标委员会和评标方法暂行规定》 art. 12 **(recalled; verify)**); staff of the
supervising department may not sit (条例 46); replacements are drawn the same way (条例 48).
The 3-year employment look-back follows 政府采购法实施条例 9. Every number (look-back years,
seat limit, window) is a field of :class:`Request` so the rule data can supply it.

Procedure, and why each step exists:

1. :func:`exclusions` gives every reason a candidate may not sit; :func:`pool_snapshot` splits the
   pool and hashes the eligible part together with the request, so the pool is fixed before chance
   enters.
2. :func:`new_seed` takes 32 bytes from the OS CSPRNG; :func:`commitment` hashes pool digest, seed,
   time and officer. The service records it on the ledger **before** the names are revealed, so
   nobody can re-roll the seed until a wanted name comes up without leaving a trace.
3. :func:`draw` ranks the eligible candidates of each specialty by ``HMAC-SHA256(seed,
   f"{specialty}:{id}")`` ascending and takes the first ``count``, skipping anyone already drawn for an
   earlier specialty. The next ``alternates_per_specialty`` non-members in rank order are the
   alternates. Anyone holding the seed and the pool can re-run it (:func:`verify`).
4. :func:`replace` hands a declined seat to the next alternate; the swap is recorded in
   ``DrawResult.replacements`` so that :func:`verify` can replay it.

Canonical JSON here is ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)``:
for our payloads (ASCII keys, strings and integers, no floats) it is byte-identical to RFC 8785.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from datetime import date
from fractions import Fraction
from typing import Any

__all__ = [
    "Candidate",
    "DrawError",
    "DrawResult",
    "Employment",
    "Request",
    "Seat",
    "canonical_json",
    "check_composition",
    "commitment",
    "draw",
    "exclusions",
    "new_seed",
    "pool_snapshot",
    "rank_key",
    "replace",
    "verify",
]


@dataclass(frozen=True)
class Employment:
    organisation: str  # 统一社会信用代码
    start: date
    end: date | None = None  # None: still employed


@dataclass(frozen=True)
class Seat:
    """A committee the expert sat on."""

    tenderer: str
    on: date


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    specialties: frozenset[str]
    economic: bool  # 经济 (True) vs 技术 (False) expert
    employments: tuple[Employment, ...] = ()
    related_organisations: frozenset[str] = frozenset()  # declared relatives / economic interests
    regulator_staff: bool = False  # staff of the supervising department
    punished_for_tendering: bool = False  # punished for tendering offences (still in force)
    suspended: bool = False
    available: bool = True
    seats: tuple[Seat, ...] = ()


@dataclass(frozen=True)
class Request:
    tender: str
    on: date
    tenderer: str
    agency: str | None
    bidders: frozenset[str]
    needs: tuple[tuple[str, int], ...]  # (specialty code, count) in draw order
    lookback_years: int = 3
    max_seats_same_tenderer: int = 2
    seat_window_days: int = 365
    alternates_per_specialty: int = 3


@dataclass(frozen=True)
class DrawResult:
    members: tuple[tuple[str, int], ...]  # (specialty, candidate id) in draw order
    alternates: tuple[tuple[str, tuple[int, ...]], ...]  # (specialty, ids in rank order)
    pool_digest: str
    seed_hex: str
    # Addition: (specialty, declined id, replacement id) in the order they happened; lets verify()
    # replay replacements instead of failing on any result that went through replace().
    replacements: tuple[tuple[str, int, int], ...] = field(default=())


class DrawError(ValueError):
    """A draw that cannot be made; ``code`` is stable for the API, ``message`` is Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def canonical_json(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February in a non-leap target year
        return d.replace(year=d.year - years, day=28)


def exclusions(c: Candidate, r: Request) -> list[str]:
    """Every reason (Chinese) why ``c`` may not sit on the committee for ``r``; empty = eligible."""
    reasons: list[str] = []
    cutoff = _years_before(r.on, r.lookback_years)
    roles = [(r.tenderer, "招标人")]
    if r.agency:
        roles.append((r.agency, "招标代理机构"))
    roles += [(b, "投标人") for b in sorted(r.bidders)]
    # An employment counts if any part of it lies in [cutoff, r.on]: one that ended exactly
    # lookback_years ago still counts, one that ended the day before does not.
    employers = {
        e.organisation
        for e in c.employments
        if e.start <= r.on and (e.end is None or e.end >= cutoff)
    }
    for org, role in roles:
        if org in employers:
            reasons.append(f"近{r.lookback_years}年曾受雇于{role} {org}")
    for org, role in roles:
        if org in c.related_organisations:
            reasons.append(f"与{role}存在申报的亲属或利害关系：{org}")
    if c.regulator_staff:
        reasons.append("为行政监督部门工作人员")
    if c.punished_for_tendering:
        reasons.append("因招标投标违法行为受过处罚")
    if c.suspended or not c.available:
        reasons.append("暂停或不可用")
    # Seats in the closed window [on − window, on] for the same tenderer (frequency cap).
    recent = sum(
        1
        for s in c.seats
        if s.tenderer == r.tenderer and 0 <= (r.on - s.on).days <= r.seat_window_days
    )
    if recent >= r.max_seats_same_tenderer:
        reasons.append(f"近{r.seat_window_days}日内为同一招标人评标已达{recent}次")
    return reasons


def _needed(r: Request) -> list[str]:
    return [spec for spec, _ in r.needs]


def _check_request(candidates: Sequence[Candidate], r: Request) -> None:
    specs = _needed(r)
    if not r.needs:
        raise DrawError("bad_request", "抽取需求为空")
    if len(set(specs)) != len(specs):
        raise DrawError("bad_request", "抽取需求中专业重复，请合并为一项")
    for spec, count in r.needs:
        if count < 1:
            raise DrawError("bad_request", f"专业「{spec}」抽取人数须至少为1，现为{count}")
    ids = [c.id for c in candidates]
    if len(set(ids)) != len(ids):
        raise DrawError("bad_request", "专家库快照中存在重复的专家编号")


def _request_json(r: Request) -> dict[str, Any]:
    return {
        "tender": r.tender,
        "on": r.on.isoformat(),
        "tenderer": r.tenderer,
        "agency": r.agency,
        "bidders": sorted(r.bidders),
        "needs": [[spec, count] for spec, count in r.needs],
        "lookback_years": r.lookback_years,
        "max_seats_same_tenderer": r.max_seats_same_tenderer,
        "seat_window_days": r.seat_window_days,
        "alternates_per_specialty": r.alternates_per_specialty,
    }


def pool_snapshot(
    candidates: Sequence[Candidate], r: Request
) -> tuple[str, list[int], dict[int, list[str]]]:
    """(sha256 hex of the canonical pool, eligible ids ascending, excluded id -> reasons).

    The digest also commits to each eligible candidate's *needed* specialties (an addition to
    "ids + request"): the draw depends on them, so a later edit of a specialty shows up.
    """
    _check_request(candidates, r)
    needed = set(_needed(r))
    eligible: list[Candidate] = []
    excluded: dict[int, list[str]] = {}
    for c in sorted(candidates, key=lambda c: c.id):
        why = exclusions(c, r)
        if why:
            excluded[c.id] = why
        else:
            eligible.append(c)
    payload = {
        "type": "expert_pool",
        "request": _request_json(r),
        "eligible": [[c.id, sorted(c.specialties & needed)] for c in eligible],
    }
    return hashlib.sha256(canonical_json(payload)).hexdigest(), [c.id for c in eligible], excluded


def commitment(*, pool_digest: str, seed_hex: str, at_iso: str, officer: str) -> str:
    """sha256 hex over canonical JSON; goes on the ledger before the names are revealed."""
    payload = {
        "type": "expert_draw_commitment",
        "pool_digest": pool_digest,
        "seed_hex": seed_hex,
        "at": at_iso,
        "officer": officer,
    }
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def new_seed() -> bytes:
    # secrets uses os.urandom, the same source as secrets.SystemRandom.
    return secrets.token_bytes(32)


def rank_key(seed: bytes, specialty: str, candidate_id: int) -> bytes:
    """The HMAC a candidate is ranked by within a specialty (lower = drawn earlier)."""
    return hmac.new(seed, f"{specialty}:{candidate_id}".encode(), hashlib.sha256).digest()


def _ranked(seed: bytes, specialty: str, pool: Sequence[Candidate], skip: set[int]) -> list[int]:
    ids = [c.id for c in pool if specialty in c.specialties and c.id not in skip]
    return sorted(ids, key=lambda i: rank_key(seed, specialty, i))


def draw(candidates: Sequence[Candidate], r: Request, *, seed: bytes) -> DrawResult:
    """Deterministic given ``seed``; raises :class:`DrawError` rather than return a partial committee."""
    if len(seed) < 16:
        raise DrawError("bad_seed", "随机种子长度不足（至少16字节）")
    digest, eligible_ids, _ = pool_snapshot(candidates, r)
    ok = set(eligible_ids)
    pool = [c for c in candidates if c.id in ok]
    members: list[tuple[str, int]] = []
    taken: set[int] = set()
    for spec, count in r.needs:
        ranked = _ranked(seed, spec, pool, taken)
        if len(ranked) < count:
            total = sum(1 for c in pool if spec in c.specialties)
            already = total - len(ranked)
            note = f"（其中{already}名已在前序专业中抽中）" if already else ""
            raise DrawError(
                "too_few_experts",
                f"专业「{spec}」符合回避规定的可抽取专家{total}名{note}，需要{count}名，无法组建评标委员会",
            )
        for cid in ranked[:count]:
            members.append((spec, cid))
            taken.add(cid)
    # Alternates come after all members are fixed, so no member is anyone's alternate. One person
    # may be an alternate for two specialties; replace() skips whoever is already sitting.
    alternates = tuple(
        (spec, tuple(_ranked(seed, spec, pool, taken)[: r.alternates_per_specialty]))
        for spec, _ in r.needs
    )
    return DrawResult(tuple(members), alternates, digest, seed.hex())


def replace(
    candidates: Sequence[Candidate],
    r: Request,
    *,
    seed: bytes,
    result: DrawResult,
    declined_id: int,
) -> tuple[DrawResult, int]:
    """Give ``declined_id``'s seat to the next alternate of the same specialty, in rank order.

    Alternates who are already sitting, declined earlier, or now show a conflict in ``candidates``
    (e.g. a conflict declared at check-in) are skipped. Raises ``DrawError("no_alternate_left")``
    when the list is used up: a supplementary draw is then needed.
    """
    if result.seed_hex != seed.hex():
        raise DrawError("seed_mismatch", "随机种子与抽取结果不一致")
    spec = next((s for s, cid in result.members if cid == declined_id), None)
    if spec is None:
        raise DrawError("not_a_member", f"专家 {declined_id} 不是本次评标委员会成员")
    by_id = {c.id: c for c in candidates}
    sitting = {cid for _, cid in result.members}
    declined = {d for _, d, _ in result.replacements} | {declined_id}
    for cid in dict(result.alternates).get(spec, ()):
        c = by_id.get(cid)
        if cid in sitting or cid in declined or c is None or exclusions(c, r):
            continue
        members = tuple((s, cid if m == declined_id else m) for s, m in result.members)
        alternates = tuple(
            (s, tuple(a for a in alts if a != cid)) if s == spec else (s, alts)
            for s, alts in result.alternates
        )
        new = dc_replace(
            result,
            members=members,
            alternates=alternates,
            replacements=(*result.replacements, (spec, declined_id, cid)),
        )
        return new, cid
    raise DrawError(
        "no_alternate_left",
        f"专业「{spec}」候补专家已用尽，须按原规则补充抽取",
    )


def verify(candidates: Sequence[Candidate], r: Request, *, seed: bytes, result: DrawResult) -> bool:
    """True when re-running the draw (and replaying any replacements) gives ``result`` exactly."""
    try:
        again = draw(candidates, r, seed=seed)
        for _, declined, expected in result.replacements:
            again, got = replace(candidates, r, seed=seed, result=again, declined_id=declined)
            if got != expected:
                return False
    except DrawError:
        return False
    return again == result


_LAW = "招标投标法第三十七条"
_REGS = "招标投标法实施条例第四十六条"


def check_composition(
    *,
    experts: int,
    economic: int,
    tenderer_reps: int,
    min_size: int = 5,
    odd: bool = True,
    expert_share_min: Fraction = Fraction(2, 3),
    tenderer_rep_share_max: Fraction = Fraction(1, 3),
    min_economic: int = 0,
) -> list[str]:
    """Chinese violations of the committee's make-up; empty = lawful.

    ``experts`` counts technical plus economic experts, ``economic`` the economic ones among them.
    ``min_economic`` (addition, default 0: the law names no minimum) lets a tender require e.g. one
    economic expert. Shares are exact fractions, so 2 of 6 is exactly 1/3 with no rounding doubt.
    """
    problems: list[str] = []
    if min(experts, economic, tenderer_reps) < 0 or economic > experts:
        return [f"人数有误：专家{experts}人、其中经济专家{economic}人、招标人代表{tenderer_reps}人"]
    total = experts + tenderer_reps
    if total < min_size:
        problems.append(f"评标委员会成员共{total}人，少于{min_size}人（{_LAW}）")
    if odd and total % 2 == 0:
        problems.append(f"评标委员会成员共{total}人，应为单数（{_LAW}）")
    if total == 0:
        return problems
    if Fraction(tenderer_reps, total) > tenderer_rep_share_max:
        problems.append(
            f"招标人代表{tenderer_reps}人，超过成员总数{total}人的{tenderer_rep_share_max}（{_LAW}）"
        )
    if Fraction(experts, total) < expert_share_min:
        problems.append(
            f"技术、经济等方面的专家{experts}人，少于成员总数{total}人的{expert_share_min}"
            f"（{_LAW}；专家应从评标专家库中随机抽取，{_REGS}）"
        )
    if economic < min_economic:
        problems.append(f"经济专家{economic}人，少于招标文件要求的{min_economic}人")
    return problems
