"""Tender lifecycle and statutory periods. Pure: no queries, numbers come in from rule data.

Like ProZorro's procedure states, every transition and deadline is decided here from plain
values, and a refusal names the unmet rule with its article.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    PREQUALIFICATION = "prequalification"
    BIDDING = "bidding"
    OPENING = "opening"
    EVALUATION = "evaluation"
    PUBLICITY = "publicity"
    AWARDED = "awarded"
    CONTRACTED = "contracted"
    FAILED = "failed"
    CANCELLED = "cancelled"


LABELS = {
    Status.DRAFT: "草稿",
    Status.PUBLISHED: "已发布（文件发售中）",
    Status.PREQUALIFICATION: "资格预审",
    Status.BIDDING: "投标中",
    Status.OPENING: "开标",
    Status.EVALUATION: "评标",
    Status.PUBLICITY: "中标候选人公示",
    Status.AWARDED: "已定标",
    Status.CONTRACTED: "已签订合同",
    Status.FAILED: "流标",
    Status.CANCELLED: "已终止",
}

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.PUBLISHED, Status.CANCELLED}),
    # The deadline may come before the clock has marked the end of the sale.
    Status.PUBLISHED: frozenset(
        {
            Status.PREQUALIFICATION,
            Status.BIDDING,
            Status.OPENING,
            Status.FAILED,
            Status.CANCELLED,
        }
    ),
    Status.PREQUALIFICATION: frozenset({Status.BIDDING, Status.FAILED, Status.CANCELLED}),
    Status.BIDDING: frozenset({Status.OPENING, Status.FAILED, Status.CANCELLED}),
    Status.OPENING: frozenset({Status.EVALUATION, Status.FAILED}),
    Status.EVALUATION: frozenset({Status.PUBLICITY, Status.FAILED}),
    Status.PUBLICITY: frozenset({Status.AWARDED, Status.FAILED}),
    Status.AWARDED: frozenset({Status.CONTRACTED}),
    Status.CONTRACTED: frozenset(),
    Status.FAILED: frozenset(),
    Status.CANCELLED: frozenset(),
}
ACCEPTING_BIDS = frozenset({Status.PUBLISHED, Status.BIDDING})
PUBLIC = frozenset(Status) - {Status.DRAFT}


class TenderRuleError(ValueError):
    """A refused action: Chinese message, stable code and the article it rests on."""

    def __init__(self, message: str, code: str, article: str = ""):
        super().__init__(message)
        self.code = code
        self.article = article


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    article: str

    def __str__(self) -> str:
        return f"{self.message}（{self.article}）" if self.article else self.message


def check_transition(current: str, target: str) -> Status:
    try:
        source, goal = Status(current), Status(target)
    except ValueError:
        raise TenderRuleError(f"未知的招标状态：{target}", "unknown_status") from None
    if goal not in TRANSITIONS[source]:
        raise TenderRuleError(
            f"招标项目处于“{LABELS[source]}”，不能转为“{LABELS[goal]}”", "bad_transition"
        )
    return goal


@dataclass(frozen=True)
class Periods:
    """The numbers of the law for one tender, from rule data on its publication day."""

    documents_to_deadline_days: int  # 招标投标法 24
    documents_to_deadline_article: str
    sale_days: int  # 实施条例 16
    sale_article: str
    clarification_days: int  # 实施条例 21
    clarification_article: str
    objection_days: int  # 实施条例 22
    objection_article: str
    objection_answer_days: int
    min_bidders: int  # 实施条例 44
    min_bidders_article: str


def check_schedule(
    periods: Periods,
    *,
    documents_from: dt.datetime,
    sale_end: dt.datetime,
    deadline: dt.datetime,
    now: dt.datetime,
) -> list[Violation]:
    """Every statutory period the schedule breaks (an empty list: lawful)."""
    out = []
    if documents_from < now - dt.timedelta(minutes=5):
        out.append(Violation("documents_in_past", "招标文件发出时间不能早于现在", ""))
    if deadline - documents_from < dt.timedelta(days=periods.documents_to_deadline_days):
        out.append(
            Violation(
                "deadline_too_short",
                f"自招标文件发出之日起至投标截止不得少于{periods.documents_to_deadline_days}日",
                periods.documents_to_deadline_article,
            )
        )
    if sale_end - documents_from < dt.timedelta(days=periods.sale_days):
        out.append(
            Violation(
                "sale_too_short",
                f"招标文件发售期不得少于{periods.sale_days}日",
                periods.sale_article,
            )
        )
    if sale_end > deadline:
        out.append(Violation("sale_after_deadline", "招标文件发售截止不能晚于投标截止", ""))
    return out


def deadline_after_clarification(
    periods: Periods, *, deadline: dt.datetime, issued_at: dt.datetime
) -> dt.datetime:
    """实施条例 21: a clarification that may affect bids, issued less than N days before the
    deadline, pushes the deadline to N days after it (same time of day as before)."""
    earliest = issued_at + dt.timedelta(days=periods.clarification_days)
    if deadline >= earliest:
        return deadline
    moved = dt.datetime.combine(earliest.date(), deadline.timetz())
    return moved if moved >= earliest else moved + dt.timedelta(days=1)


def check_objection_window(
    periods: Periods, *, deadline: dt.datetime, now: dt.datetime
) -> dt.datetime:
    last = deadline - dt.timedelta(days=periods.objection_days)
    if now > last:
        raise TenderRuleError(
            f"对招标文件的异议应在投标截止{periods.objection_days}日前提出"
            f"（最迟 {last:%Y-%m-%d %H:%M}）",
            "objection_window_passed",
            periods.objection_article,
        )
    return last


def deadline_after_pause(
    deadline: dt.datetime, paused_at: dt.datetime, resumed_at: dt.datetime
) -> dt.datetime:
    """实施条例 22: the process stops while an objection is unanswered; the time it stood
    still is given back to the bidders."""
    return deadline + max(resumed_at - paused_at, dt.timedelta(0))


def check_bid_accepted(
    status: str, *, deadline: dt.datetime, now: dt.datetime, paused: bool
) -> None:
    if now >= deadline:
        raise TenderRuleError(
            f"投标截止时间（{deadline:%Y-%m-%d %H:%M:%S}）已过，平台拒收",
            "after_deadline",
            "《电子招标投标办法》第二十七条",
        )
    if paused:
        raise TenderRuleError(
            "招标文件异议处理期间暂停招标投标活动",
            "tender_paused",
            "《招标投标法实施条例》第二十二条",
        )
    if Status(status) not in ACCEPTING_BIDS:
        raise TenderRuleError(
            f"招标项目处于“{LABELS[Status(status)]}”，不接受投标", "not_accepting"
        )


def check_opening(valid_bids: int, min_bidders: int, article: str) -> Violation | None:
    """Fewer than the minimum bids: no opening, the tender fails (流标)."""
    if valid_bids < min_bidders:
        return Violation(
            "too_few_bids",
            f"投标人少于{min_bidders}个（{valid_bids}个），不得开标，招标失败",
            article,
        )
    return None


def bond_cap(estimate, ratio):
    """实施条例 26: the bid bond may not exceed this share of the estimated price."""
    return (estimate * ratio).quantize(type(estimate)("0.01"))


def unseal_outcome(bidder_fault: bool, fault_outcome: str, other_outcome: str) -> str:
    """办法 31: failing to unseal by the bidder's own fault revokes the bid (撤销); any other
    cause counts as a withdrawal (撤回)."""
    return fault_outcome if bidder_fault else other_outcome
