"""Deny-by-default permission registry.

A permission is granted to (organisation kind, role) pairs. The kind may be "*" (any kind);
the role is always named: a grant never covers every role, so a role added later (or a
personal role such as the evaluation expert's) holds nothing it was not given. Apps register
their permissions in `<app>/permissions.py`, imported from AppConfig.ready(). A permission
nobody registered is denied to everyone (the system actor excepted).

Organisational roles (MEMBER_ROLES) act for the member's organisation. Personal roles
(PERSONAL_ROLES: the evaluation expert) act as the person: such an actor has no organisation
(see accounts.actors.actor_for) and matches only grants written ("*", <personal role>).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any

from jianguan.core.errors import PermissionDenied

if TYPE_CHECKING:
    from jianguan.core.actor import Actor

Grant = tuple[str, str]
ANY_KIND = "*"
# Roles a member holds for its organisation (accounts.models.Role; a test keeps them equal).
MEMBER_ROLES: tuple[str, ...] = (
    "org_admin",
    "admin",
    "staff",
    "reviewer",
    "signer",
    "inspector",
    "bidder",
)
# Roles a person holds for themself, whoever employs them: never for the organisation.
PERSONAL_ROLES: tuple[str, ...] = ("expert",)
ROLES: tuple[str, ...] = MEMBER_ROLES + PERSONAL_ROLES

_REGISTRY: dict[str, set[Grant]] = {}
_LABELS: dict[str, str] = {}


def pairs(kinds: str | Iterable[str], roles: str | Iterable[str]) -> list[Grant]:
    """Every (kind, role) pair of the kinds and roles named: `pairs("*", MEMBER_ROLES)`."""
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    roles = (roles,) if isinstance(roles, str) else tuple(roles)
    return [(kind, role) for kind in kinds for role in roles]


def register(permission: str, label: str, grants: Iterable[Grant]) -> None:
    checked = set()
    for kind, role in grants:
        if role not in ROLES:  # "*" included: every grant names its roles
            raise ValueError(f"{permission}: grant ({kind!r}, {role!r}) must name a known role")
        if role in PERSONAL_ROLES and kind != ANY_KIND:
            raise ValueError(f"{permission}: personal role {role!r} is granted for any kind")
        checked.add((kind, role))
    _REGISTRY.setdefault(permission, set()).update(checked)
    _LABELS[permission] = label


def registered() -> dict[str, set[Grant]]:
    return {k: set(v) for k, v in _REGISTRY.items()}


def label(permission: str) -> str:
    return _LABELS.get(permission, permission)


def allowed(actor: Actor, permission: str) -> bool:
    if actor.is_system:
        return True
    if not actor.is_authenticated:
        return False
    kind = actor.organisation_kind
    for grant_kind, role in _REGISTRY.get(permission, ()):
        if role not in actor.roles:
            continue
        if kind is None:
            # No organisation: only a personal role, granted for any kind, counts.
            if role in PERSONAL_ROLES and grant_kind == ANY_KIND:
                return True
        elif grant_kind in (ANY_KIND, kind):
            return True
    return False


def grant_table() -> list[tuple[str, str, str, str]]:
    """(permission, label, kind, role) rows of the registry, sorted: the README's grant table."""
    return sorted(
        (permission, label(permission), kind, role)
        for permission, pairs in _REGISTRY.items()
        for kind, role in pairs
    )


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
