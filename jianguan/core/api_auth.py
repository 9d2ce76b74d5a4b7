"""API authentication: Bearer tokens (scripts) or the browser session (pages).

Which user a token belongs to is for accounts to say (it registers the hook in core.actor).

A request with neither is a 401 `unauthenticated`. Ninja's cookie auth checks CSRF before it
looks at the session, so an anonymous POST used to be refused 403 "CSRF check Failed" instead:
here the CSRF check runs only for a request that is signed in through its session cookie (the
only one a forged cross-site request could ride on), and its refusal is a Chinese 403.

`permitted(permission)` is the same authentication for an operation that only holders of a
permission may call at all: Ninja authenticates before it reads the body, so anyone else gets
403 before a malformed body could be answered 400 (DESIGN.md: permission before validation).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from jianguan.core.actor import actor_for_user, user_for_token
from jianguan.core.errors import PermissionDenied
from jianguan.core.permissions import require


class CsrfFailed(PermissionDenied):
    code = "csrf_failed"


class BearerToken(HttpBearer):
    def __init__(self, permission: str | None = None) -> None:
        super().__init__()
        self.permission = permission

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        org_id = request.headers.get("X-Organisation")
        # ASCII digits only: "²".isdigit() is True but int("²") fails (that was a 500).
        chosen = int(org_id) if org_id and org_id.isascii() and org_id.isdigit() else None
        request.actor = actor_for_user(user, chosen)
        if self.permission:
            require(request.actor, self.permission)
        return request.actor


class Session(SessionAuth):
    def __init__(self, permission: str | None = None, csrf: bool = True) -> None:
        super().__init__(csrf=csrf)
        self.permission = permission

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # no session: not signed in (401), whatever the CSRF token says
        if (
            self.csrf
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise CsrfFailed(
                "CSRF 校验失败：请刷新页面后重试（浏览器会话的写操作须带 X-CSRFToken 请求头）"
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if not user:
            return None
        if self.permission:
            require(request.actor, self.permission)
        return request.actor


api_auth = [BearerToken(), Session()]


def permitted(permission: str) -> list[BearerToken | Session]:
    """`auth=` of an operation only `permission`'s holders may call: authenticated as usual,
    then refused 403 before Ninja reads (and could refuse) the body."""
    return [BearerToken(permission), Session(permission)]
