"""The portal's own per-user state: only whether the first-login guide was dismissed."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class GuideDismissal(models.Model):
    """A user who has closed the first-login guide: the dashboard stops showing it.

    A row, not a session key, so the guide shows on a person's first login only, not on
    every new session; and not a field on the user, so accounts knows nothing of the portal.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name="用户",
    )
    dismissed_at = models.DateTimeField("关闭时间", auto_now_add=True)

    class Meta:
        verbose_name = "新手引导关闭记录"
        verbose_name_plural = "新手引导关闭记录"

    def __str__(self) -> str:
        return f"{self.user_id}"
