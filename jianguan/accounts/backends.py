"""Password authentication that refuses locked accounts and counts failures."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from jianguan.accounts.models import User
from jianguan.accounts.services import (
    lockout_remaining,
    login_failure_record,
    login_success_record,
)


class AccountLocked(Exception):
    def __init__(self, minutes: int, just_locked: bool = False):
        super().__init__(minutes)
        self.minutes = minutes
        self.just_locked = just_locked


class LockoutModelBackend(ModelBackend):
    """ModelBackend plus lock-out: after N wrong passwords the account is locked.

    Raises AccountLocked (caught by the login form) so the user learns why; the
    password is not even checked while the lock holds, so guessing gains nothing.
    """

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kw: Any
    ) -> User | None:
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no user enumeration
            return None
        remaining = lockout_remaining(user)
        if remaining is not None:
            raise AccountLocked(max(1, int(remaining.total_seconds() // 60) + 1))
        if user.check_password(password) and self.user_can_authenticate(user):
            login_success_record(user=user)
            return user
        if login_failure_record(user=user):
            remaining = lockout_remaining(user)
            minutes = int(remaining.total_seconds() // 60) + 1 if remaining else 0
            raise AccountLocked(minutes, just_locked=True)
        return None
