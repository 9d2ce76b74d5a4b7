"""Who sees a committee and its score sheets: one declaration for the pages and the API.

- The supervising officer who drew the committee, and the regulator's staff who hold
  `experts.draw` (the evaluation supervisors), see the committee and every sheet.
- A member of the committee sees the committee and their own sheets; the other members'
  sheets only once every present member has submitted (and only if they sat on it).
- Everyone else (bidders, the tenderer, agencies, auditors, the public) gets the same 404 as
  for a committee that does not exist, before and after the award. They learn what the law
  publishes elsewhere: the candidates, the ranking and the scores in the publicity; after the
  award the tenderer and its agency also receive the evaluation report.
- Names of the members are shown to the officer, and to everyone who sees the committee once
  they are revealed at the award.
"""

from __future__ import annotations

from dataclasses import dataclass

from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.experts.models import Committee, Member, Sheet
from jianguan.tendering.access import involved


@dataclass(frozen=True)
class CommitteeAccess:
    officer: bool = False  # drew the committee and supervises its evaluation
    supervisor: bool = False  # regulator staff holding experts.draw
    member: Member | None = None  # the actor's own seat
    revealed: bool = False  # names and seed published at the award

    @property
    def visible(self) -> bool:
        """Sees the committee at every stage (and at least their own sheets)."""
        return self.officer or self.supervisor or self.member is not None

    @property
    def sees_names(self) -> bool:
        return self.officer or self.revealed


def committee_access(actor: Actor, committee: Committee) -> CommitteeAccess:
    if not actor.is_authenticated:
        return CommitteeAccess()
    member = None
    if actor.user_id is not None:
        member = (
            committee.members.filter(expert__user_id=actor.user_id).select_related("expert").first()
        )
    return CommitteeAccess(
        officer=actor.is_system or (bool(actor.username) and actor.username == committee.officer),
        supervisor=actor.is_system or actor.can("experts.draw"),
        member=member,
        revealed=committee.revealed_at is not None,
    )


def _not_found() -> NotFound:
    return NotFound("评标委员会不存在", code="committee_not_found")


def _get(actor: Actor, pk: int) -> Committee | None:
    if not actor.is_authenticated:
        raise PermissionDenied("请先登录", code="unauthenticated")
    return Committee.objects.select_related("tender").filter(pk=pk).first()


def committee_get_visible_to(*, actor: Actor, pk: int) -> tuple[Committee, CommitteeAccess]:
    """The committee and what the actor is to it; 404 when the actor may not see it."""
    committee = _get(actor, pk)
    access = committee_access(actor, committee) if committee else CommitteeAccess()
    if committee is None or not access.visible:
        raise _not_found()
    return committee, access


def all_submitted(committee: Committee) -> bool:
    """Every present (checked-in) member has sheets and has submitted all of them."""
    present = committee.members.filter(status=Member.CHECKED_IN)
    # A present member who has not saved a sheet yet has none: count members, not sheets.
    submitted = present.filter(sheets__submitted_at__isnull=False).distinct().count()
    return (
        submitted > 0
        and submitted == present.count()
        and not Sheet.objects.filter(member__in=present, submitted_at__isnull=True).exists()
    )


def visible_sheets(
    *, actor: Actor, committee: Committee, access: CommitteeAccess | None = None
) -> list[Sheet]:
    """The sheets the actor may read; 404 (as for the committee) to anyone not involved."""
    access = access or committee_access(actor, committee)
    if not access.visible:
        raise _not_found()
    qs = (
        Sheet.objects.filter(member__committee=committee)
        .select_related("member__expert", "bid")
        .order_by("member__order", "bid_id")
    )
    if access.officer or access.supervisor:
        return list(qs)
    member = access.member
    if member.status == Member.CHECKED_IN and all_submitted(committee):
        return list(qs)
    return list(qs.filter(member=member))


def report_committee_get(*, actor: Actor, pk: int) -> Committee:
    """评标报告: for those who see the committee; after the award (names revealed) also for
    the tenderer and its agency. Anyone else: 404."""
    committee = _get(actor, pk)
    access = committee_access(actor, committee) if committee else CommitteeAccess()
    # The tenderer, or the agency while its entrustment is in force (withdrawal stops it).
    party = committee is not None and access.revealed and involved(actor, committee.tender)
    if not (access.visible or party):
        raise NotFound("评标报告不存在", code="report_not_found")
    return committee


# --- the dashboard (工作台) -----------------------------------------------------------------


def dashboard_seats(*, actor: Actor, limit: int = 20) -> dict:
    """An expert's own seats (newest first) with its sheets saved and submitted on each: two
    queries. Only the expert's own seat is read, never the other members (their names stay
    secret until the award) nor their sheets."""
    from django.db.models import Count, Q

    if not actor.user_id:
        return {"seats": [], "count": 0, "to_score": 0}
    seats = Member.objects.filter(expert__user_id=actor.user_id).select_related("committee__tender")
    shown = list(seats.order_by("-sat_on", "-pk")[:limit])
    sheets = {
        row["member_id"]: row
        for row in Sheet.objects.filter(member__in=[s.pk for s in shown])
        .values("member_id")
        .annotate(n=Count("pk"), open=Count("pk", filter=Q(submitted_at__isnull=True)))
    }
    rows = []
    to_score = 0
    for seat in shown:
        counts = sheets.get(seat.pk, {"n": 0, "open": 0})
        tender = seat.committee.tender
        scoring = (
            seat.status == Member.CHECKED_IN
            and tender.status == "evaluation"
            and seat.committee.result is None
            and (counts["n"] == 0 or counts["open"] > 0)
        )
        to_score += scoring
        rows.append({"seat": seat, "tender": tender, "sheets": counts, "scoring": scoring})
    return {"seats": rows, "count": seats.count(), "to_score": to_score}
