"""Tendering procedures as small classes on one base: what differs is data, not code paths.

公开招标（资格后审）, 公开招标（资格预审）and 邀请招标 share the lifecycle in workflow.py;
each says whether it has a prequalification step, whether bidders are invited, and which
rule sets its minimum number of bidders.
"""

from __future__ import annotations

from typing import ClassVar


class Procedure:
    code: ClassVar[str]
    label: ClassVar[str]
    prequalification: ClassVar[bool] = False
    invited: ClassVar[bool] = False
    ocds_method: ClassVar[str] = "open"
    min_bidders_rule: ClassVar[str] = "bidders.min"
    min_invitees_rule: ClassVar[str | None] = None
    evaluation_method: ClassVar[str] = "lowest_evaluated_price"  # 经评审的最低投标价法


class OpenPostQualification(Procedure):
    code = "open_post"
    label = "公开招标（资格后审）"


class OpenPrequalification(Procedure):
    code = "open_prequal"
    label = "公开招标（资格预审）"
    prequalification = True


class Invited(Procedure):
    code = "invited"
    label = "邀请招标"
    invited = True
    ocds_method = "selective"
    min_invitees_rule = "tender.invited_bidders_min"  # 招标投标法 17: at least 3 invitees


PROCEDURES: dict[str, type[Procedure]] = {
    p.code: p for p in (OpenPostQualification, OpenPrequalification, Invited)
}
LABELS = {code: p.label for code, p in PROCEDURES.items()}


def procedure(code: str) -> type[Procedure]:
    from jianguan.tendering.workflow import TenderRuleError

    if code not in PROCEDURES:
        raise TenderRuleError(f"未知的招标方式：{code}", "unknown_procedure")
    return PROCEDURES[code]
