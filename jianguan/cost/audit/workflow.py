"""The settlement audit (结算审计) as pure Python: its states, who holds the ball in each, the
two independent reviews, the per-line merge of their cuts and the reduction rate. No queries.

An audit firm appointed by the owner or the finance bureau and the finance bureau's own review
cut the final account line by line, independently (the same 双审 as progress claims); when
both are in, the lower of the two figures stands per line, the contractor confirms or disputes
each cut, a dispute goes to a meeting with minutes and a final figure, and the audit firm then
issues the report (审计报告) with the reduction rate (审减率)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")

# --- states -------------------------------------------------------------------------------
REVIEWING = "reviewing"  # both reviews open, independent
RESPONDING = "responding"  # both in; the contractor confirms or disputes each cut
DISPUTED = "disputed"  # some cuts disputed: the owner convenes a meeting (会商纪要)
AGREED = "agreed"  # every cut confirmed or settled at the meeting: the firm issues the report
REPORTED = "reported"  # report issued, the final account is audited

STATES = {
    REVIEWING: "审核中",
    RESPONDING: "待施工单位确认审减",
    DISPUTED: "争议待会商",
    AGREED: "待出具审计报告",
    REPORTED: "已出具审计报告",
}

FINANCE, AUDIT = "finance", "audit"
STAGES = {FINANCE: "财政评审", AUDIT: "审计复核"}

CONFIRMED, DISPUTED_LINE = "confirmed", "disputed"
RESPONSES = {CONFIRMED: "确认", DISPUTED_LINE: "有异议"}

APPOINTERS = {"owner": "建设单位", "finance_bureau": "财政评审机构"}


class Refused(Exception):
    """A step the state does not allow; services turn it into a 409 with `code`."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def check(state: str, allowed: Iterable[str], what: str) -> None:
    if state not in set(allowed):
        raise Refused(f"结算审计{STATES.get(state, state)}，不能{what}", code="wrong_state")


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def check_cut(claimed: Decimal, audited: Decimal) -> None:
    """A cut leaves an audited figure in [0, claimed] (审减 only: an increase is the
    contractor's own claim, not the auditor's). A deduction line (claimed < 0) can only be
    cut by deducting more: its audited figure stays at or below the claimed one."""
    if claimed < 0:
        if audited > claimed:
            raise Refused(
                f"扣减项的审定金额不能高于送审金额 {claimed:,.2f} 元", code="cut_out_of_range"
            )
        return
    if not Decimal(0) <= audited <= claimed:
        raise Refused(f"审定金额须在 0 与送审金额 {claimed:,.2f} 元之间", code="cut_out_of_range")


@dataclass(frozen=True)
class Merged:
    line_id: int
    claimed: Decimal
    finance: Decimal  # the finance review's figure (claimed when it did not cut)
    audit: Decimal
    proposed: Decimal  # the lower of the two: what the contractor confirms or disputes


def merge(
    claimed: Mapping[int, Decimal],
    finance_cuts: Mapping[int, Decimal],
    audit_cuts: Mapping[int, Decimal],
) -> list[Merged]:
    """One row per line that either review cut (the others stand at their claimed amount),
    in line-id order: the lower figure stands, as in the double review of progress claims."""
    rows = []
    for line_id in sorted(set(finance_cuts) | set(audit_cuts)):
        c = claimed[line_id]
        f, a = finance_cuts.get(line_id, c), audit_cuts.get(line_id, c)
        rows.append(Merged(line_id, c, f, a, min(f, a)))
    return rows


def settled_amounts(
    lines: Mapping[int, tuple[Decimal, Decimal | None, bool]],
    proposed: Mapping[int, Decimal],
    final: Mapping[int, Decimal],
) -> dict[int, Decimal]:
    """The settled figure of every line: a stage-settled line keeps its settled figure (not
    re-audited), a meeting's final figure beats the proposal, a confirmed proposal beats the
    claim. `lines` maps id -> (claimed, settled already or None, stage_settled)."""
    out = {}
    for line_id, (claimed, settled, stage) in lines.items():
        if stage:
            out[line_id] = settled if settled is not None else claimed
        elif line_id in final:
            out[line_id] = final[line_id]
        else:
            out[line_id] = proposed.get(line_id, claimed)
    return out


def reduction_ratio(submitted: Decimal, audited: Decimal) -> Decimal:
    """审减率 = (送审 − 审定) / 送审, to four places (0.0525 is 5.25 %)."""
    if submitted <= 0:
        return Decimal(0)
    return ((submitted - audited) / submitted).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def next_after_responses(disputed: int) -> str:
    return DISPUTED if disputed else AGREED


def review_visible(
    *,
    viewer_org: int | None,
    review_org: int,
    review_submitted: bool,
    viewer_review_submitted: bool | None,
) -> bool:
    """A review is seen by its own organisation always; by the other reviewer only once the
    viewer's own review is in (independence: neither sees the other's cuts first); by the
    others once submitted. `viewer_review_submitted` is None when the viewer reviews nothing."""
    if viewer_org is not None and viewer_org == review_org:
        return True
    if not review_submitted:
        return False
    return viewer_review_submitted is None or viewer_review_submitted
