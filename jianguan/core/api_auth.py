"""API authentication: Bearer tokens (scripts) or the browser session (pages)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from jianguan.accounts.actors import actor_for
        from jianguan.accounts.services import api_token_authenticate

        user = api_token_authenticate(token)
        if user is None:
            return None
        org_id = request.headers.get("X-Organisation")
        # ASCII digits only: "²".isdigit() is True but int("²") fails (that was a 500).
        chosen = int(org_id) if org_id and org_id.isascii() and org_id.isdigit() else None
        request.actor = actor_for(user, chosen)
        return request.actor


class Session(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if not user:
            return None
        return request.actor


api_auth = [BearerToken(), Session()]
