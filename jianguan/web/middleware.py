"""Pages answer a DomainError (NotFound, PermissionDenied, ValidationFailed, Conflict) that a
view let through with the Chinese error page of its status, never with a 500.

The API has its own handlers (config/api.py); this only sees exceptions from page views.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from jianguan.core.errors import DomainError


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        from jianguan.web.views import error_page

        return error_page(request, exception.status, exception.code, exception.message)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BadgeRefreshMiddleware:
    """After a person writes (a page form or an API call), its menu badges are gathered afresh
    on the next page: the work it just did is gone from them at once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        actor = getattr(request, "actor", None)
        wrote = request.method not in SAFE_METHODS and response.status_code < 400  # not refused
        if wrote and actor is not None and actor.is_authenticated:
            from jianguan.web.context import badges_forget

            badges_forget(request)
        return response
