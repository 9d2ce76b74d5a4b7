"""Notifications from the to-do list and from events; preferences; the daily digest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from jianguan.accounts.actors import actor_for
from jianguan.core.errors import NotFound, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.workbench.notifications import services
from jianguan.workbench.notifications.models import Delivery, Notification
from jianguan.workbench.tests.notify_fixtures import (  # noqa: F401  (the "work" fixture)
    KIND,
    make_user,
    run_worker,
    work_fixture,
)

pytestmark = pytest.mark.django_db


def keys(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("key", flat=True))


def test_each_new_todo_item_becomes_one_notification_and_a_second_run_adds_none(work):
    alice = make_user("alice")
    bob = make_user("bob")
    work.give("alice", "1")
    work.give("alice", "2")
    work.give("bob", "3")

    made = services.inbox_refresh()
    assert made["new"] == 3
    assert keys(alice) == [
        f"{KIND}|/compliance/orders/1/|new",
        f"{KIND}|/compliance/orders/2/|new",
    ]
    n = Notification.objects.get(user=bob)
    assert n.title == "新待办：整改通知书 3 待回复"
    assert n.url == "/compliance/orders/3/" and n.kind == KIND and not n.urgent

    assert services.inbox_refresh() == {"new": 0, "due_soon": 0, "overdue": 0}
    assert Notification.objects.count() == 3


def test_a_refresh_for_named_users_leaves_the_others_for_the_next_run(work):
    alice = make_user("alice")
    bob = make_user("bob")
    work.give("alice", "1")
    work.give("bob", "2")
    assert services.inbox_refresh(usernames=["alice"])["new"] == 1
    assert keys(alice) and not keys(bob)
    assert services.inbox_refresh()["new"] == 1
    assert keys(bob) == [f"{KIND}|/compliance/orders/2/|new"]


def test_due_soon_then_overdue_are_notified_once_each(work, settings):
    settings.NOTIFY_DUE_SOON_DAYS = 2
    alice = make_user("alice")
    today = today_local()
    work.give("alice", "1", due=today + dt.timedelta(days=5))
    services.inbox_refresh(today=today)
    assert [k.rsplit("|", 1)[1] for k in keys(alice)] == ["new"]

    # Three days later the clock is two days from its end: "due soon", once.
    later = today + dt.timedelta(days=3)
    services.inbox_refresh(today=later)
    services.inbox_refresh(today=later)
    soon = Notification.objects.get(user=alice, stage="due_soon")
    assert soon.title.startswith("即将到期：")
    assert soon.body == f"期限：{(today + dt.timedelta(days=5)).isoformat()}"
    assert not soon.urgent

    # The provider says it is overdue: one urgent notification.
    work.give("alice", "1", due=today + dt.timedelta(days=5), overdue=True)
    services.inbox_refresh(today=today + dt.timedelta(days=6))
    services.inbox_refresh(today=today + dt.timedelta(days=7))
    late = Notification.objects.get(user=alice, stage="overdue")
    assert late.urgent and late.title.startswith("已逾期：")
    assert Notification.objects.filter(user=alice).count() == 3


def test_lead_time_is_the_setting(work, settings):
    alice = make_user("alice")
    today = today_local()
    work.give("alice", "1", due=today + dt.timedelta(days=3))
    settings.NOTIFY_DUE_SOON_DAYS = 2
    services.inbox_refresh(today=today)
    assert Notification.objects.get(user=alice).stage == "new"
    settings.NOTIFY_DUE_SOON_DAYS = 3
    services.inbox_refresh(today=today)
    assert Notification.objects.filter(user=alice, stage="due_soon").count() == 1


def test_an_item_first_seen_overdue_gives_one_notification_not_three(work):
    alice = make_user("alice")
    work.give("alice", "9", due=today_local() - dt.timedelta(days=1), overdue=True)
    services.inbox_refresh()
    assert [k.rsplit("|", 1)[1] for k in keys(alice)] == ["overdue"]


def test_a_datetime_clock_is_shown_in_beijing_time(work):
    alice = make_user("alice")
    due = dt.datetime(2030, 3, 1, 1, 30, tzinfo=dt.UTC)  # 09:30 in Beijing
    work.give("alice", "1", due=due)
    services.inbox_refresh(today=dt.date(2030, 2, 1))
    n = Notification.objects.get(user=alice)
    assert n.body == "期限：2030-03-01 09:30" and n.due == due


def test_inactive_users_get_nothing(work):
    alice = make_user("alice")
    alice.is_active = False
    alice.save(update_fields=["is_active"])  # test setup, not product code
    work.give("alice", "1")
    assert services.inbox_refresh()["new"] == 0
    assert services.notify(recipients=[alice], kind="workbench.message", title="x") == []


def test_notify_an_event_to_several_users(django_capture_on_commit_callbacks):
    alice, bob = make_user("alice"), make_user("bob")
    with django_capture_on_commit_callbacks(execute=True):
        made = services.notify(
            recipients=[alice, actor_for(bob), bob.pk],
            kind="workbench.message",
            title="系统维护",
            url="/x/",
        )
    assert sorted(n.user_id for n in made) == sorted([alice.pk, bob.pk])
    assert all(n.key == "" for n in made)


def test_mark_read_is_for_the_recipient_only():
    alice, bob = make_user("alice"), make_user("bob")
    (n,) = services.notify(recipients=[alice], kind="workbench.message", title="只给 alice")
    with pytest.raises(NotFound):
        services.notification_mark_read(actor=actor_for(bob), notification_id=n.pk)
    assert Notification.objects.get(pk=n.pk).read_at is None
    services.notification_mark_read(actor=actor_for(alice), notification_id=n.pk)
    assert Notification.objects.get(pk=n.pk).read_at is not None
    services.notify(recipients=[alice, bob], kind="workbench.message", title="二")
    assert services.notification_mark_all_read(actor=actor_for(alice)) == 1
    assert Notification.objects.filter(user=bob, read_at=None).count() == 1


def test_preferences_are_validated():
    alice = make_user("alice")
    actor = actor_for(alice)
    with pytest.raises(ValidationFailed) as e:
        services.preference_update(actor=actor, email="sometimes", sms="off")
    assert e.value.code == "bad_email_mode"
    with pytest.raises(ValidationFailed) as e:
        services.preference_update(actor=actor, email="off", sms="always")
    assert e.value.code == "bad_sms_mode"
    with pytest.raises(ValidationFailed) as e:
        services.preference_update(actor=actor, email="off", sms="off", muted_kinds=["nope"])
    assert e.value.code == "unknown_kind"
    pref = services.preference_update(
        actor=actor, email="immediate", sms="urgent", muted_kinds=["workbench.message"]
    )
    assert services.preference_of(alice).pk == pref.pk and pref.muted_kinds == ["workbench.message"]


def test_preferences_choose_the_channels(work, django_capture_on_commit_callbacks):
    immediate = make_user("imm", email="imm@example.cn", phone="13800000001")
    digest = make_user("dig", email="dig@example.cn", phone="13800000002")
    off = make_user("off", email="off@example.cn", phone="13800000003")
    muted = make_user("mut", email="mut@example.cn", phone="13800000004")
    services.preference_update(actor=actor_for(immediate), email="immediate", sms="urgent")
    services.preference_update(actor=actor_for(off), email="off", sms="off")
    services.preference_update(
        actor=actor_for(muted), email="immediate", sms="urgent", muted_kinds=[KIND]
    )
    for name in ("imm", "dig", "off", "mut"):
        work.give(name, "1")
        work.give(name, "2", due=today_local() - dt.timedelta(days=1), overdue=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.inbox_refresh()

    def channels(user):
        return sorted(Delivery.objects.filter(user=user).values_list("channel", flat=True))

    # Immediate e-mail for both; SMS for the overdue (urgent) one only.
    assert channels(immediate) == ["email", "email", "sms"]
    assert channels(digest) == [] and channels(off) == [] and channels(muted) == []
    # The inbox has everything, whatever the preference.
    for user in (immediate, digest, off, muted):
        assert Notification.objects.filter(user=user).count() == 2

    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["imm@example.cn", "imm@example.cn"]


def test_digest_lists_the_days_unread_notifications_once(work, django_capture_on_commit_callbacks):
    alice = make_user("alice", email="alice@example.cn")
    bob = make_user("bob", email="bob@example.cn")  # will read everything
    make_user("carol")  # no e-mail address: no digest
    dave = make_user("dave", email="dave@example.cn")
    services.preference_update(actor=actor_for(dave), email="immediate", sms="off")
    for name in ("alice", "bob", "carol", "dave"):
        work.give(name, "1")
        work.give(name, "2", due=today_local() - dt.timedelta(days=2), overdue=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.inbox_refresh()
    run_worker()  # dave's immediate e-mails
    assert [m.to for m in mail.outbox] == [["dave@example.cn"]] * 2
    mail.outbox.clear()
    read = Notification.objects.filter(user=alice, url="/compliance/orders/1/").get()
    services.notification_mark_read(actor=actor_for(alice), notification_id=read.pk)
    services.notification_mark_all_read(actor=actor_for(bob))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.digest_send() == 1  # alice only
        assert services.digest_send() == 0  # one digest a day
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["alice@example.cn"]
    assert message.subject == f"[建管云] 每日摘要（{today_local():%Y-%m-%d}）：1 条未读通知"
    assert "1. 【整改回复（测试）】已逾期：整改通知书 2 待回复" in message.body
    assert "/compliance/orders/2/" in message.body
    assert "整改通知书 1" not in message.body  # read: not in the digest
    assert "/workbench/inbox/" in message.body
    delivery = Delivery.objects.get(user=alice)
    assert delivery.status == "sent" and delivery.digest_day == today_local()


def test_digest_waits_for_its_hour(work, settings, django_capture_on_commit_callbacks):
    make_user("alice", email="alice@example.cn")
    work.give("alice", "1")
    services.inbox_refresh()
    settings.NOTIFY_DIGEST_HOUR = 24  # never reached
    assert services.digest_if_due() == 0
    settings.NOTIFY_DIGEST_HOUR = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digest_if_due() == 1


def test_work_for_each_of_the_users_organisations_is_notified(work):
    """A user in two organisations has the to-do list of each; notified once per item."""
    from jianguan.accounts import services as accounts
    from jianguan.accounts.tests.factories import OrganisationFactory
    from jianguan.core import todo
    from jianguan.core.actor import SYSTEM

    alice = make_user("alice")
    second = OrganisationFactory(kind="supervisor")
    accounts.membership_grant(actor=SYSTEM, user=alice, organisation=second, roles=["staff"])
    item = work.give("alice", "5")
    # Only while acting for the second organisation (not alice's default one).
    work.items.clear()
    work.provider = lambda actor, day: [item] if actor.organisation_id == second.pk else []
    todo.register_todo(KIND, "整改回复（测试）", work.provider)
    assert services.inbox_refresh()["new"] == 1
    assert keys(alice) == [f"{KIND}|/compliance/orders/5/|new"]
    assert services.inbox_refresh()["new"] == 0


def test_the_demo_seeder_can_run_again_without_repeating_itself(work):
    from jianguan.workbench.notifications import demo

    # The demo fills the demo logins' inboxes; everyone else's waits for the chronograph.
    finance = make_user("finance")
    other = make_user("alice")
    work.give("finance", "1")
    work.give("alice", "2")
    assert demo.seed()["new"] == 1
    assert demo.seed()["new"] == 0
    titles = sorted(Notification.objects.filter(user=finance).values_list("kind", flat=True))
    assert titles == [KIND, "workbench.message"]
    kinds = list(Notification.objects.filter(user=other).values_list("kind", flat=True))
    assert kinds == ["workbench.message"]
