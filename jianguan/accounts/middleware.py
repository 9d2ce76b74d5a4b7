"""Attach `request.actor` to every request (deny by default: anonymous until proven)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from jianguan.accounts.actors import actor_for

SESSION_ORG_KEY = "jianguan_organisation_id"


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        def build():
            org_id = request.session.get(SESSION_ORG_KEY) if hasattr(request, "session") else None
            return actor_for(getattr(request, "user", None), org_id)

        request.actor = SimpleLazyObject(build)
        return self.get_response(request)
