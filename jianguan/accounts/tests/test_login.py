"""Login page, lock-out after repeated failures, logout and the idle timeout."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from jianguan.accounts.models import User

LOGIN = "/accounts/login/"
pytestmark = pytest.mark.django_db


def _login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


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
    assert _error(response) == "用户名或密码错误"
    assert "_auth_user_id" not in client.session
    assert User.objects.get(username="gc").failed_logins == 1


def test_unknown_user_gets_the_same_message(client, db):
    response = _login(client, "nobody", "Whatever-pass-1")
    assert response.status_code == 400
    assert "用户名或密码错误" in response.content.decode()


def test_empty_form_is_refused(client, db):
    response = client.post(LOGIN, {})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_lock_the_account(client, contractor, persona_password):
    assert settings.LOGIN_MAX_FAILURES == 5
    for _ in range(4):
        response = _login(client, "gc", "Wrong-password-1")
        assert response.status_code == 400
        assert _error(response) == "用户名或密码错误"
    response = _login(client, "gc", "Wrong-password-1")
    assert response.status_code == 423
    assert "锁定" in _error(response)
    assert f"{settings.LOGIN_LOCKOUT_MINUTES} 分钟" in _error(response)

    user = User.objects.get(username="gc")
    assert user.failed_logins == 5
    expected = timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    assert abs(user.locked_until - expected) < dt.timedelta(seconds=30)

    # Even the right password is refused while the lock holds.
    response = _login(client, "gc", persona_password)
    assert response.status_code == 423
    assert "账户已锁定" in _error(response)
    assert "_auth_user_id" not in client.session
    # ... and guessing during the lock does not extend it or count.
    assert User.objects.get(username="gc").locked_until == user.locked_until


def test_lock_expires_and_success_resets_the_counter(client, contractor, persona_password):
    for _ in range(5):
        _login(client, "gc", "Wrong-password-1")
    locked_until = User.objects.get(username="gc").locked_until
    assert locked_until is not None

    just_before = locked_until - dt.timedelta(seconds=5)
    with mock.patch("jianguan.accounts.services.now", return_value=just_before):
        response = _login(client, "gc", persona_password)
    assert response.status_code == 423
    assert _error(response) == "账户已锁定，请 1 分钟后再试"

    after = locked_until + dt.timedelta(seconds=1)
    with mock.patch("jianguan.accounts.services.now", return_value=after):
        response = _login(client, "gc", persona_password)
    assert response.status_code == 302
    user = User.objects.get(username="gc")
    assert user.failed_logins == 0
    assert user.locked_until is None


def test_a_failure_after_expiry_starts_counting_again(client, contractor):
    for _ in range(5):
        _login(client, "gc", "Wrong-password-1")
    after = User.objects.get(username="gc").locked_until + dt.timedelta(minutes=1)
    with mock.patch("jianguan.accounts.services.now", return_value=after):
        response = _login(client, "gc", "Wrong-password-1")
    assert response.status_code == 400
    user = User.objects.get(username="gc")
    assert user.failed_logins == 1
    assert user.locked_until is None


def test_success_before_the_limit_resets_the_counter(client, contractor, persona_password):
    for _ in range(4):
        _login(client, "gc", "Wrong-password-1")
    assert _login(client, "gc", persona_password).status_code == 302
    assert User.objects.get(username="gc").failed_logins == 0


def test_lockout_minutes_come_from_settings(client, contractor, settings):
    settings.LOGIN_LOCKOUT_MINUTES = 2
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        response = _login(client, "gc", "Wrong-password-1")
    assert response.status_code == 423
    assert "锁定 2 分钟" in _error(response)
    # The hint under the form states the configured policy, not a hard-coded one.
    hint = client.get(LOGIN).content.decode()
    assert "连续输错密码 3 次，账户将锁定 2 分钟" in hint


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
