"""The inbox page, the preferences page, the API and the top-bar bell: each user sees and
changes its own notifications only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jianguan.accounts.actors import actor_for
from jianguan.workbench.notifications import services
from jianguan.workbench.notifications.models import Notification, NotificationPreference
from jianguan.workbench.tests.notify_fixtures import make_user

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two():
    alice, bob = make_user("alice"), make_user("bob")
    services.notify(recipients=[alice], kind="workbench.message", title="给甲的一", url="/a/1/")
    services.notify(recipients=[alice], kind="workbench.message", title="给甲的二", url="/a/2/")
    services.notify(recipients=[bob], kind="workbench.message", title="给乙的", url="/b/")
    return alice, bob


def test_inbox_lists_own_unread_and_filters(two):
    alice, bob = two
    page = client_for(alice).get("/workbench/inbox/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "给甲的一" in html and "给甲的二" in html and "给乙的" not in html
    first = Notification.objects.get(title="给甲的一")
    services.notification_mark_read(actor=actor_for(alice), notification_id=first.pk)
    unread = client_for(alice).get("/workbench/inbox/?status=unread").content.decode()
    read = client_for(alice).get("/workbench/inbox/?status=read").content.decode()
    assert "给甲的一" not in unread and "给甲的二" in unread
    assert "给甲的一" in read and "给甲的二" not in read


def test_open_marks_read_and_goes_to_the_object(two):
    alice, bob = two
    n = Notification.objects.get(title="给甲的一")
    response = client_for(alice).post(f"/workbench/inbox/{n.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/a/1/"
    assert Notification.objects.get(pk=n.pk).read_at is not None


def test_another_users_notification_is_404_and_stays_unread(two):
    alice, bob = two
    theirs = Notification.objects.get(title="给乙的")
    response = client_for(alice).post(f"/workbench/inbox/{theirs.pk}/read/", {"open": "1"})
    assert response.status_code == 404
    assert "通知不存在" in response.content.decode()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client_for(alice).post("/workbench/inbox/99999999999999999999/read/").status_code == 404


def test_mark_all_read_touches_only_own(two):
    alice, bob = two
    response = client_for(alice).post("/workbench/inbox/read-all/", {"status": "all"})
    assert response.status_code == 302
    assert not Notification.objects.filter(user=alice, read_at=None).exists()
    assert Notification.objects.filter(user=bob, read_at=None).count() == 1


def test_pages_need_a_login():
    assert "/accounts/login/" in Client().get("/workbench/inbox/")["Location"]
    assert "/accounts/login/" in Client().get("/workbench/preferences/")["Location"]


def test_preferences_page_saves_and_refuses_bad_values():
    alice = make_user("alice", email="alice@example.cn")
    client = client_for(alice)
    page = client.get("/workbench/preferences/").content.decode()
    assert "每日摘要" in page and "alice@example.cn" in page
    response = client.post(
        "/workbench/preferences/",
        {"email": "immediate", "sms": "urgent", "muted_kinds": ["workbench.message"]},
    )
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=alice)
    assert (pref.email, pref.sms, pref.muted_kinds) == (
        "immediate",
        "urgent",
        ["workbench.message"],
    )
    bad = client.post("/workbench/preferences/", {"email": "always", "sms": "off"})
    assert bad.status_code == 400
    assert NotificationPreference.objects.get(user=alice).email == "immediate"


def test_the_bell_shows_the_unread_count_with_one_query(two):
    alice, bob = two
    client = client_for(alice)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/workbench/preferences/").content.decode()
    assert 'data-unread="2"' in html
    bell = [q["sql"] for q in queries if '"workbench_notification"' in q["sql"]]
    assert len(bell) == 1 and "COUNT(" in bell[0].upper()
    services.notification_mark_all_read(actor=actor_for(alice))
    assert "data-unread" not in client.get("/workbench/preferences/").content.decode()


def test_api_lists_own_notifications(two, bearer):
    alice, bob = two
    headers = bearer(actor_for(alice))
    body = Client().get("/api/v1/me/notifications", headers=headers).json()
    assert body["count"] == 2 and body["unread"] == 2
    assert {i["title"] for i in body["items"]} == {"给甲的一", "给甲的二"}
    item = body["items"][0]
    assert item["kind_label"] == "系统消息" and item["read_at"] is None
    assert item["created_at"].endswith("+08:00")


def test_api_marks_own_read_and_404s_others(two, bearer):
    alice, bob = two
    headers = bearer(actor_for(alice))
    mine = Notification.objects.get(title="给甲的一")
    theirs = Notification.objects.get(title="给乙的")
    ok = Client().post(f"/api/v1/me/notifications/{mine.pk}/read", headers=headers)
    assert ok.status_code == 200 and ok.json()["read_at"] is not None
    other = Client().post(f"/api/v1/me/notifications/{theirs.pk}/read", headers=headers)
    assert other.status_code == 404
    assert other.json()["code"] == "notification_not_found"
    assert other.json()["message"] == "通知不存在"
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    huge = Client().post("/api/v1/me/notifications/99999999999999999999/read", headers=headers)
    assert huge.status_code == 404
    unread = Client().get("/api/v1/me/notifications?unread=true", headers=headers).json()
    assert [i["title"] for i in unread["items"]] == ["给甲的二"]
    bad = Client().get("/api/v1/me/notifications?limit=0", headers=headers)
    assert bad.status_code == 400 and bad.json()["code"] == "bad_page"


def test_api_needs_authentication():
    response = Client().get("/api/v1/me/notifications")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
