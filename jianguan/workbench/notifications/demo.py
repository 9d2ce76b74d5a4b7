"""Demo notifications: the personas' inboxes filled from their to-do lists, plus one message."""

from __future__ import annotations

from jianguan.accounts.models import User
from jianguan.workbench.notifications.models import Notification
from jianguan.workbench.notifications.services import inbox_refresh, notify

WELCOME_URL = "/workbench/preferences/"


def seed() -> dict:
    from jianguan.accounts.demo import DEMO_LOGINS

    made = inbox_refresh(usernames=list(DEMO_LOGINS))
    # Seeders run again on every `seed_demo`: welcome only those not yet welcomed.
    welcomed = Notification.objects.filter(kind="workbench.message", url=WELCOME_URL)
    users = (
        User.objects.filter(is_active=True, memberships__is_active=True)
        .exclude(pk__in=welcomed.values("user_id"))
        .distinct()
    )
    notify(
        recipients=list(users),
        kind="workbench.message",
        title="消息通知已启用：待办、临近期限与逾期事项将在此提醒",
        url=WELCOME_URL,
        body="可在“通知偏好”中选择电子邮件即时发送、每日摘要或不发送，以及紧急事项短信提醒。",
    )
    return made
