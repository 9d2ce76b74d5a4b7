"""Login page, the per-address throttle and the account lock, one answer for every refusal
(also on /admin/login/), logout and the idle timeout."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from jianguan.accounts.forms import LOGIN_REFUSED as REFUSED
from jianguan.accounts.models import LoginThrottle, User

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
ATTACKER = "198.51.100.7"
USER_ADDRESS = "192.0.2.20"
pytestmark = pytest.mark.django_db


def _login(client, username, password, **extra):
    """POST the login form; upper-case keywords (REMOTE_ADDR, HTTP_...) go to request.META."""
    meta = {k: v for k, v in extra.items() if k.isupper()}
    data = {k: v for k, v in extra.items() if not k.isupper()}
    return client.post(LOGIN, {"username": username, "password": password, **data}, **meta)


def _error(response) -> str:
    """The text of the login error box ("" when there is none)."""
    match = re.search(r'id="login-error">(.*?)</div>', response.content.decode(), re.S)
    return match.group(1).strip() if match else ""


def test_login_page_is_chinese(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    assert "登录" in html
    assert "用户名" in html and "密码" in html
    assert "csrfmiddlewaretoken" in html


def test_right_password_logs_in_and_redirects_to_dashboard(client, contractor, persona_password):
    response = _login(client, "gc", persona_password)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dashboard")
    assert client.session["_auth_user_id"] == str(contractor.user_id)
    page = client.get("/")
    assert page.status_code == 200
    assert "工作台" in page.content.decode()


def test_login_follows_a_safe_next_and_ignores_a_foreign_one(client, contractor, persona_password):
    response = _login(client, "gc", persona_password, next="/accounts/organisations/")
    assert response["Location"] == "/accounts/organisations/"
    client.post(reverse("accounts:logout"))
    response = _login(client, "gc", persona_password, next="https://evil.example/x")
    assert response["Location"] == reverse("web:dashboard")


def test_wrong_password_is_refused_in_chinese(client, contractor):
    response = _login(client, "gc", "Wrong-password-1")
    assert response.status_code == 400
    assert _error(response) == REFUSED
    assert "_auth_user_id" not in client.session
    assert User.objects.get(username="gc").failed_logins == 1


def test_unknown_user_gets_the_same_message(client, db):
    response = _login(client, "nobody", "Whatever-pass-1")
    assert response.status_code == 400
    assert _error(response) == REFUSED


def test_empty_form_is_refused(client, db):
    response = client.post(LOGIN, {})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_five_failures_pause_that_address_for_that_username_only(
    client, contractor, persona_password
):
    assert settings.LOGIN_MAX_FAILURES == 5
    for _ in range(5):
        response = _login(client, "gc", "Wrong-password-1", REMOTE_ADDR=ATTACKER)
        assert response.status_code == 400
        assert _error(response) == REFUSED
    row = LoginThrottle.objects.get(username="gc", address=ATTACKER)
    expected = timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    assert abs(row.throttled_until - expected) < dt.timedelta(seconds=30)

    # From the attacker's address even the right password is refused, in the same words,
    # and guessing during the pause neither counts nor extends it.
    response = _login(client, "gc", persona_password, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 400
    assert _error(response) == REFUSED
    assert "_auth_user_id" not in client.session
    _login(client, "gc", "Wrong-password-1", REMOTE_ADDR=ATTACKER)
    assert LoginThrottle.objects.get(pk=row.pk).throttled_until == row.throttled_until
    assert User.objects.get(username="gc").locked_until is None

    # The real user, elsewhere, logs in as usual.
    response = _login(client, "gc", persona_password, REMOTE_ADDR=USER_ADDRESS)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(contractor.user_id)
    # ... which clears the user's own address, not the attacker's.
    assert LoginThrottle.objects.filter(username="gc", address=ATTACKER).exists()


def test_the_pause_expires(client, contractor, persona_password):
    for _ in range(5):
        _login(client, "gc", "Wrong-password-1")
    until = LoginThrottle.objects.get(username="gc").throttled_until
    with mock.patch("jianguan.accounts.services.now", return_value=until - dt.timedelta(seconds=5)):
        assert _login(client, "gc", persona_password).status_code == 400
    with mock.patch("jianguan.accounts.services.now", return_value=until + dt.timedelta(seconds=1)):
        response = _login(client, "gc", persona_password)
    assert response.status_code == 302
    assert not LoginThrottle.objects.filter(username="gc").exists()
    assert User.objects.get(username="gc").failed_logins == 0


def test_a_failure_after_the_pause_starts_counting_again(client, contractor):
    for _ in range(5):
        _login(client, "gc", "Wrong-password-1")
    after = LoginThrottle.objects.get(username="gc").throttled_until + dt.timedelta(minutes=1)
    with mock.patch("jianguan.accounts.services.now", return_value=after):
        response = _login(client, "gc", "Wrong-password-1")
    assert response.status_code == 400
    row = LoginThrottle.objects.get(username="gc")
    assert row.failures == 1 and row.throttled_until is None


def test_success_before_the_limit_resets_the_counters(client, contractor, persona_password):
    for _ in range(4):
        _login(client, "gc", "Wrong-password-1")
    assert _login(client, "gc", persona_password).status_code == 302
    assert User.objects.get(username="gc").failed_logins == 0
    assert not LoginThrottle.objects.filter(username="gc").exists()


def test_unknown_usernames_are_paused_alike(client, db):
    for _ in range(5):
        _login(client, "nobody", "Whatever-pass-1")
    assert LoginThrottle.objects.get(username="nobody").throttled_until is not None


def test_failures_from_one_address_never_lock_the_account(client, contractor, settings):
    settings.LOGIN_ACCOUNT_LOCK_FAILURES = 3
    for _ in range(12):
        _login(client, "gc", "Wrong-password-1", REMOTE_ADDR=ATTACKER)
    user = User.objects.get(username="gc")
    assert user.locked_until is None
    assert user.failed_logins == 5  # the paused attempts were not even counted


def _lock_from_three_addresses(client, settings):
    settings.LOGIN_ACCOUNT_LOCK_FAILURES = 6
    settings.LOGIN_ACCOUNT_LOCK_ADDRESSES = 3
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        for _ in range(2):
            _login(client, "gc", "Wrong-password-1", REMOTE_ADDR=address)
    return User.objects.get(username="gc").locked_until


def test_many_failures_from_several_addresses_lock_the_account(
    client, contractor, persona_password, settings
):
    locked_until = _lock_from_three_addresses(client, settings)
    expected = timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    assert locked_until is not None
    assert abs(locked_until - expected) < dt.timedelta(seconds=30)
    # Locked: the right password from a fresh address is refused in the same words ...
    response = _login(client, "gc", persona_password, REMOTE_ADDR=USER_ADDRESS)
    assert response.status_code == 400
    assert _error(response) == REFUSED
    assert "_auth_user_id" not in client.session
    # ... until the lock ends.
    after = locked_until + dt.timedelta(seconds=1)
    with mock.patch("jianguan.accounts.services.now", return_value=after):
        response = _login(client, "gc", persona_password, REMOTE_ADDR=USER_ADDRESS)
    assert response.status_code == 302
    user = User.objects.get(username="gc")
    assert user.failed_logins == 0 and user.locked_until is None


def _comparable(response, username: str) -> tuple[int, str]:
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return response.status_code, html.replace(username, "USERNAME")


def test_unknown_locked_paused_and_wrong_password_answer_identically(
    client, contractor, persona_password, make_persona, settings
):
    make_persona("locked1", "general_contractor", ["staff"])
    make_persona("paused1", "general_contractor", ["staff"])
    make_persona("wrongpw", "general_contractor", ["staff"])
    User.objects.filter(username="locked1").update(
        locked_until=timezone.now() + dt.timedelta(minutes=10)
    )
    for _ in range(5):
        _login(client, "paused1", "Wrong-password-1")
    answers = {
        "nouser1": _comparable(_login(client, "nouser1", persona_password), "nouser1"),
        "locked1": _comparable(_login(client, "locked1", persona_password), "locked1"),
        "paused1": _comparable(_login(client, "paused1", persona_password), "paused1"),
        "wrongpw": _comparable(_login(client, "wrongpw", "Wrong-password-1"), "wrongpw"),
    }
    assert len(set(answers.values())) == 1, answers.keys()
    assert answers["nouser1"][0] == 400
    assert REFUSED in answers["nouser1"][1]


def test_admin_login_answers_a_locked_account_with_the_form_not_a_500(
    client, contractor, persona_password
):
    User.objects.filter(username="gc").update(
        is_staff=True, locked_until=timezone.now() + dt.timedelta(minutes=10)
    )
    locked = client.post(ADMIN_LOGIN, {"username": "gc", "password": persona_password})
    assert locked.status_code == 200
    assert REFUSED in locked.content.decode()
    assert "_auth_user_id" not in client.session
    unknown = client.post(ADMIN_LOGIN, {"username": "gx", "password": persona_password})
    assert _comparable(unknown, "gx") == _comparable(locked, "gc")
    # Not staff: the same words, even with the right password.
    User.objects.filter(username="gc").update(is_staff=False, locked_until=None)
    response = client.post(ADMIN_LOGIN, {"username": "gc", "password": persona_password})
    assert response.status_code == 200 and REFUSED in response.content.decode()


def test_admin_login_goes_through_the_same_throttle(client, contractor, persona_password):
    User.objects.filter(username="gc").update(is_staff=True)
    for _ in range(5):
        client.post(ADMIN_LOGIN, {"username": "gc", "password": "Wrong-password-1"})
    response = client.post(ADMIN_LOGIN, {"username": "gc", "password": persona_password})
    assert response.status_code == 200 and REFUSED in response.content.decode()
    response = client.post(
        ADMIN_LOGIN, {"username": "gc", "password": persona_password}, REMOTE_ADDR=USER_ADDRESS
    )
    assert response.status_code == 302


def test_client_address_header_is_used_only_when_configured(client, contractor, settings):
    for _ in range(5):
        _login(client, "gc", "Wrong-password-1", HTTP_X_REAL_IP=ATTACKER)
    assert LoginThrottle.objects.get(username="gc").address == "127.0.0.1"
    settings.CLIENT_ADDRESS_HEADER = "X-Real-IP"
    _login(client, "gc", "Wrong-password-1", HTTP_X_REAL_IP=ATTACKER)
    assert LoginThrottle.objects.filter(username="gc", address=ATTACKER).exists()


def test_lockout_minutes_come_from_settings(client, contractor, settings):
    settings.LOGIN_LOCKOUT_MINUTES = 2
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        response = _login(client, "gc", "Wrong-password-1")
    assert response.status_code == 400
    until = LoginThrottle.objects.get(username="gc").throttled_until
    assert abs(until - timezone.now() - dt.timedelta(minutes=2)) < dt.timedelta(seconds=30)
    # The hint under the form states the configured policy, not a hard-coded one.
    hint = client.get(LOGIN).content.decode()
    assert "同一地址连续输错密码 3 次，需等待 2 分钟后再试" in hint


def test_inactive_user_cannot_log_in(client, contractor, persona_password):
    User.objects.filter(username="gc").update(is_active=False)
    response = _login(client, "gc", persona_password)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_logged_in_user_visiting_login_goes_to_dashboard(client, contractor, persona_password):
    _login(client, "gc", persona_password)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dashboard")


def test_logout_needs_a_post_a_get_only_asks_to_confirm(client, contractor, persona_password):
    _login(client, "gc", persona_password)
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 200
    assert "确认退出登录" in response.content.decode()
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_idle_timeout_settings():
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_each_request_slides_the_session_expiry(client, contractor, persona_password):
    _login(client, "gc", persona_password)
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    assert client.get("/").status_code == 200
    expire = Session.objects.get(pk=key).expire_date
    expected = timezone.now() + dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    assert abs(expire - expected) < dt.timedelta(seconds=30)


def test_an_idle_session_expires_and_redirects_to_login(client, contractor, persona_password):
    _login(client, "gc", persona_password)
    assert client.get("/").status_code == 200
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=/" in response["Location"]
