"""Who may read the ledger entries of an evaluation committee, declared next to the
committee's own visibility (experts.selectors) and registered from apps.py.

招标投标法 37: the committee's members are secret until the result is set. The experts.*
entries of a committee name them through their actors (an expert submits and signs) and
their payloads, and the score sheets say who gave which scores. So, even against
ledger.view_all (regulators, audit firms):

* until the committee is revealed (names and seed published, possible only after the
  award), every experts.* entry of the committee is read only by its supervising officer,
  holders of ``experts.draw`` (the regulator's evaluation supervisors) and the expert who
  wrote it; the score sheets also by the committee's present members once every present
  member has submitted;
* the score sheets (``experts.sheets_submitted``) stay with those people for good: the
  law publishes the candidates' scores, not each expert's sheet.

Otherwise the committee's ordinary rule applies: its officer, its members and holders of
``experts.draw``, plus ledger.view_all. Bidders never read them.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from jianguan.core.actor import Actor

SHEET_TYPES = ("experts.sheets_submitted",)
BEFORE_REVEAL = "定标并公开评标委员会名单前，评标委员会成员名单及评分保密（招标投标法第三十七条）"
SHEETS = "专家个人评分表仅本人、监督人员及（全部到场专家提交后）本委员会成员可见"


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
    """Committees where every present (checked-in) member has submitted their sheets."""
    from jianguan.experts.models import Committee, Member, Sheet

    present = Member.objects.filter(committee=OuterRef("pk"), status=Member.CHECKED_IN)
    submitted = Sheet.objects.filter(member=OuterRef("pk"), submitted_at__isnull=False)
    pending = Sheet.objects.filter(
        member__committee=OuterRef("pk"),
        member__status=Member.CHECKED_IN,
        submitted_at__isnull=True,
    )
    return (
        Committee.objects.filter(Exists(present))
        .exclude(Exists(present.exclude(Exists(submitted))))
        .exclude(Exists(pending))
    )


def _not_supervising(actor: Actor):
    """Committees the actor neither supervises nor holds experts.draw for (None: all)."""
    from jianguan.experts.models import Committee

    if actor.can("experts.draw"):
        return None
    qs = Committee.objects.all()
    if actor.username:
        qs = qs.exclude(officer=actor.username)
    return qs


def _unrevealed(actor: Actor):
    qs = _not_supervising(actor)
    return None if qs is None else qs.filter(revealed_at__isnull=True)


def _spared(actor: Actor) -> Q | None:
    """The expert's own entries; the sheets of a committee the actor sits on (present) once
    every present member has submitted."""
    from jianguan.experts.models import Member
    from jianguan.ledger.visibility import ledger_ids

    if not actor.username or actor.user_id is None:
        return None
    seat = Member.objects.filter(
        committee=OuterRef("pk"), expert__user_id=actor.user_id, status=Member.CHECKED_IN
    )
    mine = all_submitted().filter(Exists(seat))
    return Q(actor_user=actor.username) | (
        Q(type__in=SHEET_TYPES) & Q(object_id__in=ledger_ids(mine))
    )


def register_all() -> None:
    from jianguan.ledger.visibility import embargo, register

    register("experts", "committee", _committee_rule)
    embargo(
        "experts",
        "committee",
        types=("experts.",),
        objects=_unrevealed,
        unless=_spared,
        reason=BEFORE_REVEAL,
    )
    embargo(
        "experts",
        "committee",
        types=SHEET_TYPES,
        objects=_not_supervising,
        unless=_spared,
        reason=SHEETS,
    )
