"""Reads, always scoped to what the actor may see."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from jianguan.accounts.models import Membership, Organisation, OrganisationKind, User
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound
from jianguan.core.permissions import require


def organisation_list_visible_to(
    *, actor: Actor, kind: str | None = None, q: str | None = None, town: int | None = None
) -> QuerySet[Organisation]:
    require(actor, "accounts.organisation.view")
    qs = Organisation.objects.select_related("town").all()
    if kind:
        qs = qs.filter(kind=kind)
    if town:
        qs = qs.filter(town_id=town)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q.upper()))
    return qs.order_by("kind", "name")


def organisation_get_visible_to(*, actor: Actor, pk: int) -> Organisation:
    try:
        return organisation_list_visible_to(actor=actor).get(pk=pk)
    except Organisation.DoesNotExist as exc:
        raise NotFound("机构不存在", code="organisation_not_found") from exc


def organisation_counts_by_kind(*, actor: Actor) -> list[dict]:
    require(actor, "accounts.organisation.view")
    counts = dict(
        Organisation.objects.filter(is_active=True)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return [
        {"kind": kind, "label": label, "count": counts.get(kind, 0)}
        for kind, label in OrganisationKind.choices
    ]


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__kind", "organisation__name")
    )
