"""Who may read the ledger entries of an evaluation committee, declared next to the
committee's own visibility (views.committee) and registered from apps.py.

招标投标法 37: the committee's members are secret until the result is set (the award). The
experts.* entries of a committee name them through their actors (an expert submits and
signs) and their payloads, and the score sheets say who gave which scores. So, until the
tender is awarded, even against ledger.view_all (regulators, audit firms):

* every experts.* entry of the committee is read only by the supervising officer, holders
  of ``experts.draw`` (the regulator's evaluation officers) and the expert who wrote it;
* the score entries (sheets submitted, the computed result, report signatures) also by the
  committee's members once every present member has submitted (as `visible_sheets`).

After the award the committee's ordinary rule applies: its officer, its members, holders of
``experts.draw``, and ledger.view_all. Bidders never read them.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from jianguan.core.actor import Actor

AWARDED = ("awarded", "contracted")
SCORE_TYPES = ("experts.sheets_submitted", "experts.evaluation_computed", "experts.report_signed")
BEFORE_AWARD = "定标前评标委员会成员名单及评分保密（招标投标法第三十七条）"


def _committee_rule(actor: Actor, object_id: str) -> bool:
    from jianguan.experts.models import Committee

    if not object_id.isascii() or not object_id.isdigit():
        return False
    if actor.can("experts.draw"):
        return True
    own = Q(officer=actor.username) if actor.username else Q(pk__in=[])
    if actor.user_id is not None:
        own |= Q(members__expert__user_id=actor.user_id)
    return Committee.objects.filter(own, pk=int(object_id)).exists()


def all_submitted():
    """Committees where every present member has submitted (the test of visible_sheets)."""
    from jianguan.experts.models import Committee, Member, Sheet

    present = {"member__committee": OuterRef("pk"), "member__status": Member.CHECKED_IN}
    pending = Sheet.objects.filter(**present, submitted_at__isnull=True)
    some = Sheet.objects.filter(**present)
    return Committee.objects.filter(Exists(some)).exclude(Exists(pending))


def _before_award(actor: Actor):
    from jianguan.experts.models import Committee

    if actor.can("experts.draw"):
        return None
    qs = Committee.objects.exclude(tender__status__in=AWARDED)
    if actor.username:
        qs = qs.exclude(officer=actor.username)
    return qs


def _spared(actor: Actor) -> Q | None:
    """The expert's own entries; the score entries of a committee the actor sits on once
    every present member has submitted."""
    from jianguan.experts.models import Member
    from jianguan.ledger.visibility import ledger_ids

    if not actor.username or actor.user_id is None:
        return None
    mine = all_submitted().filter(
        Exists(
            Member.objects.filter(
                committee=OuterRef("pk"),
                expert__user_id=actor.user_id,
                status=Member.CHECKED_IN,
            )
        )
    )
    return Q(actor_user=actor.username) | (
        Q(type__in=SCORE_TYPES) & Q(object_id__in=ledger_ids(mine))
    )


def register_all() -> None:
    from jianguan.ledger.visibility import embargo, register

    register("experts", "committee", _committee_rule)
    embargo(
        "experts",
        "committee",
        types=("experts.",),
        objects=_before_award,
        unless=_spared,
        reason=BEFORE_AWARD,
    )
