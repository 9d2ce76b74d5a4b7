"""Credit scores (信用评价): record kinds, decay and the daily score. Pure Python, no Django.

A score on day D is the district's base score plus the contribution of every record that
counts on D, clamped to the published range. Points are held in integer hundredths so that
the sum of the traced contributions equals the score exactly ("why 842.50?").

A record counts on D when the platform knew it before D began (``recorded_on < D``: the
score for D is published at the start of D from what was known the day before, and reading
it again later gives the same number), it has happened (``occurred_on <= D``), it is still
in its publication period (``D < expires_on``, 建市〔2017〕241号: good records 3 years, bad
records 6 months to 3 years) and nobody ended it (``D < ends_on``: revoked on appeal,
repaired, corrected). Linear decay lets an old record weigh less than a fresh one; the
decay mode is rule data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

GOOD, BAD = "good", "bad"


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    group: str  # GOOD adds points, BAD subtracts them
    manual: bool  # a regulator may enter it by hand (others come from platform events)

    @property
    def sign(self) -> int:
        return 1 if self.group == GOOD else -1

    @property
    def points_rule(self) -> str:
        return f"credit.points.{self.code}"

    @property
    def validity_rule(self) -> str:
        return f"credit.validity.{self.code}"


_KINDS = [
    Kind("award_national", "获国家级表彰奖励", GOOD, True),
    Kind("award_provincial", "获省部级表彰奖励", GOOD, True),
    Kind("award_municipal", "获市级表彰奖励", GOOD, True),
    Kind("on_time_completion", "工程按期竣工", GOOD, True),
    Kind("clean_inspection", "监督检查未发现问题", GOOD, False),
    Kind("finding_general", "监督检查发现一般问题", BAD, False),
    Kind("finding_major", "监督检查发现较大问题", BAD, False),
    Kind("finding_serious", "监督检查发现重大问题", BAD, False),
    Kind("rectification_failed", "整改复查不合格", BAD, False),
    Kind("yellow_card", "被出示黄牌", BAD, False),
    Kind("red_card", "被出示红牌", BAD, False),
    Kind("blacklist", "被列入黑名单", BAD, False),
    Kind("procurement_ban", "被禁止参加政府采购活动", BAD, False),
    Kind("audit_reduction", "进度款审计审减", BAD, True),
    Kind("wage_arrears", "拖欠农民工工资", BAD, True),
]
KINDS: dict[str, Kind] = {k.code: k for k in _KINDS}
GROUP_LABELS = {GOOD: "良好记录", BAD: "不良记录"}

# Finding severity (compliance.workflow.SEVERITIES) → record kind.
FINDING_KINDS = {
    "general": "finding_general",
    "major": "finding_major",
    "serious": "finding_serious",
}
# Sanction kind (compliance.sanctions.KINDS) → record kind.
SANCTION_KINDS = {
    "yellow": "yellow_card",
    "red": "red_card",
    "blacklist": "blacklist",
    "procurement_ban": "procurement_ban",
}

LINEAR, NONE = "linear", "none"
DECAY_MODES = {LINEAR: "线性衰减至公布期满", NONE: "公布期内不衰减"}


class CreditError(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def check_kind(code: str, *, manual_only: bool = False) -> Kind:
    kind = KINDS.get(code)
    if kind is None:
        raise CreditError(f"未知的信用记录类型：{code}", "unknown_credit_kind")
    if manual_only and not kind.manual:
        raise CreditError(
            f"“{kind.label}”由平台根据检查、整改和处理决定自动记录，不能手工录入",
            "credit_kind_automatic",
        )
    return kind


def to_centi(value: Decimal | int | str) -> int:
    return int((Decimal(value) * 100).to_integral_value())


def from_centi(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class Entry:
    """One record as the engine sees it; ``points`` signed, in hundredths of a point."""

    record_id: int
    kind: str
    points: int
    occurred_on: dt.date
    recorded_on: dt.date
    expires_on: dt.date
    ends_on: dt.date | None = None


@dataclass(frozen=True)
class Params:
    base: int  # hundredths
    floor: int
    cap: int
    decay: str


def counts_on(e: Entry, on: dt.date) -> bool:
    return (
        e.recorded_on < on
        and e.occurred_on <= on < e.expires_on
        and (e.ends_on is None or on < e.ends_on)
    )


def _round_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, in integers (exact)."""
    magnitude = (abs(numerator) * 2 + denominator) // (2 * denominator)
    return magnitude if numerator >= 0 else -magnitude


def contribution(e: Entry, on: dt.date, decay: str) -> int:
    if not counts_on(e, on):
        return 0
    if decay == NONE:
        return e.points
    span = (e.expires_on - e.occurred_on).days
    return _round_div(e.points * (e.expires_on - on).days, span)


@dataclass(frozen=True)
class Breakdown:
    on: dt.date
    base: int
    lines: list[tuple[Entry, int]]  # records that count and their contribution
    clamp: int  # what the floor or cap added (0 inside the range)

    @property
    def total(self) -> int:
        return self.base + sum(c for _, c in self.lines) + self.clamp

    @property
    def good(self) -> int:
        return sum(c for _, c in self.lines if c > 0)

    @property
    def bad(self) -> int:
        return sum(c for _, c in self.lines if c < 0)


def explain(entries: Iterable[Entry], on: dt.date, params: Params) -> Breakdown:
    lines = [(e, contribution(e, on, params.decay)) for e in entries if counts_on(e, on)]
    lines.sort(key=lambda item: (item[1], item[0].record_id))
    raw = params.base + sum(c for _, c in lines)
    clamped = min(max(raw, params.floor), params.cap)
    return Breakdown(on=on, base=params.base, lines=lines, clamp=clamped - raw)


def score(entries: Iterable[Entry], on: dt.date, params: Params) -> tuple[int, int, int, int]:
    """(score, good, bad, count) without keeping the lines: the daily batch's inner loop."""
    good = bad = count = 0
    linear = params.decay == LINEAR
    for e in entries:
        if not (
            e.recorded_on < on
            and e.occurred_on <= on < e.expires_on
            and (e.ends_on is None or on < e.ends_on)
        ):
            continue
        if linear:
            c = _round_div(e.points * (e.expires_on - on).days, (e.expires_on - e.occurred_on).days)
        else:
            c = e.points
        count += 1
        if c > 0:
            good += c
        else:
            bad += c
    raw = params.base + good + bad
    return min(max(raw, params.floor), params.cap), good, bad, count


def digest(scores: Iterable[tuple[str, int]]) -> str:
    """SHA-256 of the day's published scores, sorted by subject: the ledger commits to it."""
    h = hashlib.sha256()
    for subject, value in sorted(scores):
        h.update(f"{subject}:{value}\n".encode())
    return h.hexdigest()
