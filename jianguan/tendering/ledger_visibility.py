"""Who may read the ledger entries of tenders, bids and complaints, declared next to the
objects' own visibility (selectors.bid_get_visible_to) and registered from apps.py.

招标投标法 22: before the opening nobody may learn the names or the number of the (potential)
bidders. So until a tender is opened (its status is past the opening, or a bid of it has been
unsealed: the same test as `bid_get_visible_to`), every entry that names a bidder is
withheld, even from holders of ledger.view_all (regulators, audit firms):

* every entry of a bid (received, withdrawn, bond refunded …): only the bidder itself;
* on the tender: bid keys, prequalification applications and reviews, objections and their
  answers, and the invitation list of an invited tender: only the organisation that wrote
  the entry;
* every entry of a complaint: the complainant and the supervising department that handles it.

Each embargo is a query over the objects' CURRENT state, so it lifts by itself at the
opening; from then on the ordinary rules apply (ledger.view_all, and a bid's entries for
whoever may see the opened bid). The author of an entry may always read it back.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from jianguan.core.actor import Actor

BEFORE_OPENING = "开标前不得透露潜在投标人的名称、数量（招标投标法第二十二条），仅投标人本单位可见"

# entry types on the tender object that name a (potential) bidder
BIDDER_NAMING_TYPES = (
    "tendering.bidder_key_registered",
    "tendering.prequal_applied",
    "tendering.prequal_reviewed",
    "tendering.objection_filed",
    "tendering.objection_answered",
)


def _code(actor: Actor) -> str:
    return getattr(actor.organisation, "credit_code", "") or ""


def _own_entries(actor: Actor) -> Q | None:
    code = _code(actor)
    return Q(actor_organisation=code) if code else None


def unopened_tenders():
    """Tenders whose bids are still sealed: not past the opening and no bid unsealed."""
    from jianguan.tendering.models import Bid, Tender
    from jianguan.tendering.selectors import OPENED_STATES

    unsealed = Bid.objects.filter(tender=OuterRef("pk"), opened_at__isnull=False)
    return Tender.objects.exclude(status__in=OPENED_STATES).exclude(Exists(unsealed))


def _sealed_bids_of_others(actor: Actor):
    from jianguan.tendering.models import Bid
    from jianguan.tendering.selectors import OPENED_STATES

    sealed = Bid.objects.exclude(tender__status__in=OPENED_STATES).filter(opened_at__isnull=True)
    if actor.organisation_id is not None:
        sealed = sealed.exclude(bidder_id=actor.organisation_id)
    return sealed


def _invited_unopened(actor: Actor):
    from jianguan.tendering.models import Invitation

    invited = Invitation.objects.filter(tender=OuterRef("pk"))
    return unopened_tenders().filter(Exists(invited))


def _complaints_before_opening(actor: Actor):
    from jianguan.tendering.models import Complaint

    if actor.is_kind("regulator") and actor.can("tendering.supervise"):
        return None  # the supervising department handles the complaint
    qs = Complaint.objects.filter(tender__in=unopened_tenders())
    if actor.organisation_id is not None:
        qs = qs.exclude(complainant_id=actor.organisation_id)
    return qs


def _bid_rule(actor: Actor, object_id: str) -> bool:
    """The bid's entries for whoever may see the bid (its bidder; after opening also the
    tenderer, its agency and the supervising department)."""
    from jianguan.core.errors import DomainError
    from jianguan.tendering.selectors import bid_get_visible_to

    if not object_id.isascii() or not object_id.isdigit():
        return False
    try:
        bid_get_visible_to(actor=actor, pk=int(object_id))
    except DomainError:
        return False
    return True


def register_all() -> None:
    from jianguan.ledger.visibility import embargo, register

    register("tendering", "bid", _bid_rule)
    embargo(
        "tendering",
        "bid",
        objects=_sealed_bids_of_others,
        unless=_own_entries,
        reason=BEFORE_OPENING,
    )
    embargo(
        "tendering",
        "tender",
        types=BIDDER_NAMING_TYPES,
        objects=lambda actor: unopened_tenders(),
        unless=_own_entries,
        reason=BEFORE_OPENING,
    )
    embargo(
        "tendering",
        "tender",
        types=("tendering.tender_created",),
        objects=_invited_unopened,
        unless=_own_entries,
        reason="邀请招标的受邀单位名单在开标前保密（招标投标法第二十二条）",
    )
    embargo(
        "tendering",
        "complaint",
        objects=_complaints_before_opening,
        unless=_own_entries,
        reason="开标前，投诉人名称仅投诉人与受理投诉的行政监督部门可见（招标投标法第二十二条）",
    )
