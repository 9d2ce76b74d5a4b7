"""Deny-by-default permission registry.

A permission is granted to (organisation kind, role) pairs; "*" matches any. Apps
register their permissions in `<app>/permissions.py`, imported from AppConfig.ready().
A permission nobody registered is denied to everyone (the system actor excepted).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any

from jianguan.core.errors import PermissionDenied

if TYPE_CHECKING:
    from jianguan.core.actor import Actor

Grant = tuple[str, str]
_REGISTRY: dict[str, set[Grant]] = {}
_LABELS: dict[str, str] = {}


def register(permission: str, label: str, grants: Iterable[Grant]) -> None:
    _REGISTRY.setdefault(permission, set()).update(grants)
    _LABELS[permission] = label


def registered() -> dict[str, set[Grant]]:
    return {k: set(v) for k, v in _REGISTRY.items()}


def label(permission: str) -> str:
    return _LABELS.get(permission, permission)


def allowed(actor: Actor, permission: str) -> bool:
    if actor.is_system:
        return True
    if not actor.is_authenticated or actor.organisation_kind is None:
        return False
    for kind, role in _REGISTRY.get(permission, ()):
        if kind not in ("*", actor.organisation_kind):
            continue
        if role == "*" or role in actor.roles:
            return True
    return False


def require(actor: Actor, permission: str) -> None:
    if not allowed(actor, permission):
        raise PermissionDenied(f"无权执行此操作：{label(permission)}", code="permission_denied")


def permission_required(permission: str) -> Callable:
    """View decorator: anonymous users go to the login page, others get a Chinese 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            from django.contrib.auth.views import redirect_to_login
            from django.core.exceptions import PermissionDenied as DjangoDenied

            actor = request.actor
            if not actor.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(actor, permission):
                raise DjangoDenied(f"无权访问：{label(permission)}")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
