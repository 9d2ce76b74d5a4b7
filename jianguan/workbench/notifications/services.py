"""Notifications: the only code that writes them.

Where notifications come from:
- ``inbox_refresh`` (a chronograph job): every active user's to-do list, as each of its
  organisations sees it (core.todo), becomes notifications — once when an item appears, once
  when its statutory due date comes within ``NOTIFY_DUE_SOON_DAYS`` and once when it is
  overdue. The key "kind|url|stage" is unique per user, so a second run adds nothing;
- ``notify``: an immediate event, called by a service with ``transaction.on_commit``.

Each notification is in the inbox at once. E-mail and SMS are Delivery rows, sent by the task
worker (tasks.deliver), never inside the request: the request (or job) only enqueues after its
transaction commits. A failed attempt is recorded (attempts, last error) and retried by
``deliveries_retry_due`` after a back-off, up to ``NOTIFY_MAX_ATTEMPTS``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import User
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, ValidationFailed
from jianguan.core.timeutil import SHANGHAI, now, to_local, today_local
from jianguan.core.todo import TodoItem, todo_for
from jianguan.workbench.notifications import events
from jianguan.workbench.notifications.models import (
    CHANNEL_EMAIL,
    CHANNEL_SMS,
    EMAIL_DIGEST,
    EMAIL_IMMEDIATE,
    EMAIL_MODES,
    FAILED,
    PENDING,
    RETRYING,
    SENDING,
    SENT,
    SMS_MODES,
    SMS_URGENT,
    Delivery,
    Notification,
    NotificationPreference,
)
from jianguan.workbench.notifications.senders import NotAddressable, sender_for

log = logging.getLogger("jianguan.notifications")

# Minutes to wait after the 1st, 2nd, ... failed attempt (product settings, not law).
RETRY_BACKOFF_MINUTES = (1, 5, 30, 120)
# A delivery left "sending" this long belongs to a worker that died: it is tried again.
STALE_SENDING = dt.timedelta(minutes=15)
STAGE_RANK = {events.STAGE_NEW: 0, events.STAGE_DUE_SOON: 1, events.STAGE_OVERDUE: 2}


def due_soon_days() -> int:
    # How early "due soon" warns is a product setting ("2 days before"), not a legal number.
    return int(getattr(settings, "NOTIFY_DUE_SOON_DAYS", 2))


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFY_MAX_ATTEMPTS", 5))


def preference_of(user: Any) -> NotificationPreference:
    """The user's preference, or the defaults (unsaved) when it never chose."""
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref or NotificationPreference(user=user)


# --- creating notifications ------------------------------------------------------------------


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    url: str = "",
    body: str = "",
    urgent: bool = False,
) -> list[Notification]:
    """An immediate event for these users (Users, Actors or user ids). Services call it
    through ``transaction.on_commit`` so nobody hears of a change that was rolled back."""
    ids = sorted({_user_id(r) for r in recipients} - {None})
    users = User.objects.filter(pk__in=ids, is_active=True)
    with transaction.atomic():
        made = [
            _create(user, kind=kind, title=title, url=url, body=body, urgent=urgent)
            for user in users
        ]
    return made


def _user_id(recipient: Any) -> int | None:
    if isinstance(recipient, Actor):
        return recipient.user_id
    return getattr(recipient, "pk", recipient)


def _create(user: Any, *, kind: str, title: str, url: str, body: str, urgent: bool, **extra):
    notification = Notification.objects.create(
        user=user, kind=kind, title=title[:300], url=url, body=body, urgent=urgent, **extra
    )
    _dispatch(notification, preference_of(user))
    return notification


def _dispatch(notification: Notification, pref: NotificationPreference) -> list[Delivery]:
    """E-mail and SMS by the user's preference; the inbox always has it."""
    if notification.kind in (pref.muted_kinds or []):
        return []
    user, made = notification.user, []
    subject = f"[建管云] {notification.title}"
    text = _message_text(notification)
    if pref.email == EMAIL_IMMEDIATE and user.email:
        made.append(_delivery(user, CHANNEL_EMAIL, subject, text, notification=notification))
    if pref.sms == SMS_URGENT and notification.urgent and user.phone:
        made.append(_delivery(user, CHANNEL_SMS, notification.title, notification.body,
                              notification=notification))  # fmt: skip
    return made


def _message_text(n: Notification) -> str:
    lines = [f"{events.label_for(n.kind)}：{n.title}"]
    if n.body:
        lines.append(n.body)
    if n.url:
        lines.append(f"办理：{_absolute(n.url)}")
    lines.append("")
    lines.append("—— 建管云（可在“通知偏好”中调整接收方式）")
    return "\n".join(lines)


def _absolute(url: str) -> str:
    base = getattr(settings, "PUBLIC_BASE_URL", "").rstrip("/")
    return base + url if url.startswith("/") else url


def _delivery(user, channel, subject, body, **extra) -> Delivery:
    delivery = Delivery.objects.create(
        user=user, channel=channel, subject=subject[:300], body=body, **extra
    )
    _enqueue_after_commit(delivery.pk)
    return delivery


def _enqueue_after_commit(delivery_id: int) -> None:
    from jianguan.workbench.notifications.tasks import deliver

    transaction.on_commit(lambda: deliver.enqueue(delivery_id))


# --- the to-do list as notifications --------------------------------------------------------


def _stage(item: TodoItem, today: dt.date) -> str:
    if item.overdue:
        return events.STAGE_OVERDUE
    if item.due is not None:
        due = to_local(item.due).date() if isinstance(item.due, dt.datetime) else item.due
        if (due - today).days <= due_soon_days():
            return events.STAGE_DUE_SOON
    return events.STAGE_NEW


def _due_moment(due: dt.datetime | dt.date | None) -> dt.datetime | None:
    if due is None or isinstance(due, dt.datetime):
        return due
    # A clock in days runs to the end of its last day (Beijing time).
    return dt.datetime.combine(due, dt.time(23, 59, 59), tzinfo=SHANGHAI)


def _due_text(due: dt.datetime | dt.date | None) -> str:
    if due is None:
        return ""
    if isinstance(due, dt.datetime):
        return "期限：" + to_local(due).strftime("%Y-%m-%d %H:%M")
    return "期限：" + due.isoformat()


def _items_of(user: User, today: dt.date) -> dict[str, TodoItem]:
    """The user's to-do items across its organisations, by "kind|url" (one item per object)."""
    org_ids = sorted({m.organisation_id for m in user.memberships.all() if m.is_active})
    actors: list[Actor] = [actor_for(user, org_id) for org_id in org_ids] or [actor_for(user)]
    items: dict[str, TodoItem] = {}
    for actor in actors:
        for item in todo_for(actor, today):
            items.setdefault(f"{item.kind}|{item.url}", item)
    return items


def inbox_refresh(
    *, today: dt.date | None = None, usernames: list[str] | None = None
) -> dict[str, int]:
    """Turn every active user's to-do list into notifications (the chronograph job); only
    the named users' when ``usernames`` is given (the demo fills the demo logins' inboxes and
    leaves the other few hundred demo users to the first chronograph run)."""
    today = today or today_local()
    users = User.objects.filter(is_active=True, memberships__is_active=True).distinct()
    if usernames is not None:
        users = users.filter(username__in=usernames)
    made = {stage: 0 for stage in STAGE_RANK}
    for user in users.prefetch_related("memberships"):
        for stage in _refresh_user(user, today):
            made[stage] += 1
    return made


def _refresh_user(user: User, today: dt.date) -> list[str]:
    items = _items_of(user, today)
    if not items:
        return []
    keys = [f"{base}|{stage}" for base in items for stage in STAGE_RANK]
    seen: dict[str, int] = {}
    for key in Notification.objects.filter(user=user, key__in=keys).values_list("key", flat=True):
        base, _, stage = key.rpartition("|")
        seen[base] = max(seen.get(base, -1), STAGE_RANK[stage])
    pref = preference_of(user)
    made = []
    with transaction.atomic():
        for base, item in items.items():
            stage = _stage(item, today)
            # Only a later stage than any already notified: an item first seen overdue gives
            # one "overdue" notification, not three.
            if STAGE_RANK[stage] <= seen.get(base, -1):
                continue
            n = Notification.objects.create(
                user=user,
                kind=item.kind,
                title=f"{events.STAGE_LABELS[stage]}：{item.title}"[:300],
                url=item.url,
                body=_due_text(item.due),
                key=f"{base}|{stage}",
                stage=stage,
                due=_due_moment(item.due),
                urgent=stage == events.STAGE_OVERDUE,
            )
            _dispatch(n, pref)
            made.append(stage)
    return made


# --- reading ---------------------------------------------------------------------------------


def notification_mark_read(*, actor: Actor, notification_id: int) -> Notification:
    """Only the recipient may; anyone else gets 404, as if it did not exist."""
    n = Notification.objects.filter(pk=notification_id, user_id=actor.user_id).first()
    if n is None or actor.user_id is None:
        raise NotFound("通知不存在", code="notification_not_found")
    if n.read_at is None:
        n.read_at = now()
        Notification.objects.filter(pk=n.pk, read_at=None).update(read_at=n.read_at)
    return n


def notification_mark_all_read(*, actor: Actor) -> int:
    return Notification.objects.filter(user_id=actor.user_id, read_at=None).update(read_at=now())


# --- preferences -----------------------------------------------------------------------------


def preference_update(
    *, actor: Actor, email: str, sms: str, muted_kinds: Iterable[str] = ()
) -> NotificationPreference:
    if actor.user_id is None:
        raise NotFound("用户不存在", code="user_not_found")
    if email not in EMAIL_MODES:
        raise ValidationFailed("电子邮件接收方式无效", code="bad_email_mode")
    if sms not in SMS_MODES:
        raise ValidationFailed("短信接收方式无效", code="bad_sms_mode")
    known = events.events()
    muted = sorted(set(muted_kinds))
    unknown = [k for k in muted if k not in known]
    if unknown:
        raise ValidationFailed("存在未知的通知类型", code="unknown_kind", details=unknown)
    pref, _ = NotificationPreference.objects.update_or_create(
        user_id=actor.user_id, defaults={"email": email, "sms": sms, "muted_kinds": muted}
    )
    return pref


# --- the daily digest ------------------------------------------------------------------------


def digest_send(*, day: dt.date | None = None) -> int:
    """One e-mail per user who chose the digest (the default), listing the day's unread
    notifications not yet in a digest. A user gets at most one digest a day."""
    day = day or today_local()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)
    end = start + dt.timedelta(days=1)
    users = (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(notification_preference__isnull=True) | Q(notification_preference__email=EMAIL_DIGEST))
        .exclude(notification_deliveries__digest_day=day)
        .select_related("notification_preference")
    )  # fmt: skip
    sent = 0
    for user in users:
        pending = list(
            Notification.objects.filter(
                user=user, read_at=None, digested_on=None, created_at__gte=start, created_at__lt=end
            ).order_by("created_at", "pk")
        )
        muted = set(preference_of(user).muted_kinds or [])
        pending = [n for n in pending if n.kind not in muted]
        if not pending:
            continue
        with transaction.atomic():
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(digested_on=day)
            _delivery(
                user,
                CHANNEL_EMAIL,
                f"[建管云] 每日摘要（{day:%Y-%m-%d}）：{len(pending)} 条未读通知",
                digest_text(user, day, pending),
                digest_day=day,
            )
        sent += 1
    return sent


def digest_text(user: Any, day: dt.date, notifications: list[Notification]) -> str:
    lines = [f"{user.display_name or user.username}，您好：", ""]
    lines.append(f"{day:%Y年%m月%d日} 您有 {len(notifications)} 条未读通知：")
    for i, n in enumerate(notifications, 1):
        lines.append(f"{i}. 【{events.label_for(n.kind)}】{n.title}")
        if n.body:
            lines.append(f"   {n.body.splitlines()[0]}")
        if n.url:
            lines.append(f"   {_absolute(n.url)}")
    lines += ["", f"查看全部：{_absolute('/workbench/inbox/')}", "—— 建管云"]
    return "\n".join(lines)


def digest_if_due() -> int:
    """The chronograph asks often; the digest goes once the day's digest hour has passed."""
    if to_local(now()).hour < int(getattr(settings, "NOTIFY_DIGEST_HOUR", 18)):
        return 0
    return digest_send(day=today_local())


# --- sending (run by the task worker) --------------------------------------------------------


def delivery_attempt(*, delivery_id: int) -> str:
    """One attempt at one delivery. Claimed with a conditional update, so two workers (or a
    retry racing a late first run) never send the same message twice."""
    claimed = Delivery.objects.filter(pk=delivery_id, status=PENDING).update(
        status=SENDING, attempts=F("attempts") + 1, updated_at=now()
    )
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("user").get(pk=delivery_id)
    try:
        sender_for(delivery.channel).send(delivery.user, delivery.subject, delivery.body)
    except NotAddressable as exc:
        _record_failure(delivery, exc, final=True)
        return FAILED
    except Exception as exc:  # any failure of a channel is recorded and retried
        log.warning("delivery %s via %s failed: %s", delivery.pk, delivery.channel, exc)
        final = delivery.attempts >= max_attempts()
        _record_failure(delivery, exc, final=final)
        return FAILED if final else RETRYING
    Delivery.objects.filter(pk=delivery.pk).update(
        status=SENT, sent_at=now(), last_error="", next_attempt_at=None, updated_at=now()
    )
    return SENT


def _record_failure(delivery: Delivery, exc: Exception, *, final: bool) -> None:
    wait = RETRY_BACKOFF_MINUTES[min(delivery.attempts, len(RETRY_BACKOFF_MINUTES)) - 1]
    Delivery.objects.filter(pk=delivery.pk).update(
        status=FAILED if final else RETRYING,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        next_attempt_at=None if final else now() + dt.timedelta(minutes=wait),
        updated_at=now(),
    )


def deliveries_retry_due(*, at: dt.datetime | None = None) -> int:
    """Put deliveries whose back-off has passed back on the queue (a chronograph job), and
    those a dead worker left "sending"."""
    at = at or now()
    Delivery.objects.filter(status=SENDING, updated_at__lt=at - STALE_SENDING).update(
        status=RETRYING, next_attempt_at=at, last_error="发送进程中断", updated_at=at
    )
    due = list(
        Delivery.objects.filter(status=RETRYING, next_attempt_at__lte=at).values_list(
            "pk", flat=True
        )
    )
    with transaction.atomic():
        Delivery.objects.filter(pk__in=due, status=RETRYING).update(status=PENDING, updated_at=at)
        for pk in due:
            _enqueue_after_commit(pk)
    return len(due)
