"""Reads: a user sees its own notifications only (there is nothing else to scope by)."""

from __future__ import annotations

from django.db.models import QuerySet

from jianguan.core.actor import Actor
from jianguan.workbench.notifications.models import Notification


def notifications_for(*, actor: Actor, unread: bool | None = None) -> QuerySet[Notification]:
    if actor.user_id is None:
        return Notification.objects.none()
    qs = Notification.objects.filter(user_id=actor.user_id)
    if unread is True:
        qs = qs.filter(read_at=None)
    elif unread is False:
        qs = qs.exclude(read_at=None)
    return qs


def unread_count(*, user_id: int | None) -> int:
    """The bell: one count on the (user, read_at) index."""
    if user_id is None:
        return 0
    return Notification.objects.filter(user_id=user_id, read_at=None).count()
