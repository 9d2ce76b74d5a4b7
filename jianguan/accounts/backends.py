"""Password authentication behind a per-address throttle and an account lock.

Every refusal is the same `None` (wrong password, no such user, inactive, this address paused
for this username, account locked), so the login pages, the admin login and anything else that
calls `authenticate()` answer them all alike and never with an error page. The password is
hashed on every path, so timing does not tell them apart either; while a pause or a lock holds
the password is not checked at all, so guessing gains nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from jianguan.accounts.models import User
from jianguan.accounts.services import (
    lockout_remaining,
    login_failure_record,
    login_success_record,
    login_throttled,
)
from jianguan.core.security import client_address


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kw: Any
    ) -> User | None:
        if username is None or password is None:
            return None
        username = str(username)[:150]
        address = client_address(request) if request is not None else "local"
        user = User.objects.filter(username=username).first()
        if login_throttled(username=username, address=address) or (
            user is not None and lockout_remaining(user) is not None
        ):
            User().set_password(password)  # same cost as a real check
            return None
        if user is None:
            User().set_password(password)  # same cost as a real check: no user enumeration
            login_failure_record(user=None, username=username, address=address)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
            login_success_record(user=user, address=address, user_agent=agent)
            return user
        login_failure_record(user=user, username=username, address=address)
        return None
