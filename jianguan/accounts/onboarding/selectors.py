"""Reads for onboarding and people, scoped to the actor."""

from __future__ import annotations

from django.db.models import QuerySet

from jianguan.accounts.models import LoginRecord, Membership, OrganisationApplication
from jianguan.accounts.onboarding import workflow as wf
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound
from jianguan.core.permissions import require

LOGIN_HISTORY = 20


def application_list_for_review(
    *, actor: Actor, status: str | None = None
) -> QuerySet[OrganisationApplication]:
    require(actor, "accounts.application.review")
    qs = OrganisationApplication.objects.select_related("organisation", "reviewed_by")
    if status in wf.LABELS:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-submitted_at")


def application_pending_count(*, actor: Actor) -> int:
    return application_list_for_review(actor=actor, status=wf.SUBMITTED).count()


def application_get_for_review(*, actor: Actor, pk: int) -> OrganisationApplication:
    try:
        return application_list_for_review(actor=actor).get(pk=pk)
    except OrganisationApplication.DoesNotExist as exc:
        raise NotFound("入驻申请不存在", code="application_not_found") from exc


def staff_of(*, actor: Actor) -> QuerySet[Membership]:
    """The members of the administrator's own organisation, the deactivated included."""
    require(actor, "accounts.staff.manage")
    return (
        Membership.objects.filter(organisation_id=actor.organisation_id)
        .select_related("user")
        .order_by("-is_active", "user__username")
    )


def staff_get(*, actor: Actor, pk: int) -> Membership:
    membership = staff_of(actor=actor).filter(pk=pk).first()
    if membership is None or actor.organisation_id is None:
        raise NotFound("人员不存在", code="membership_not_found")
    return membership


def login_history(*, actor: Actor) -> list[LoginRecord]:
    """The actor's own latest logins (nobody else's)."""
    if not actor.is_authenticated or actor.user_id is None:
        return []
    return list(LoginRecord.objects.filter(user_id=actor.user_id).order_by("-at")[:LOGIN_HISTORY])
