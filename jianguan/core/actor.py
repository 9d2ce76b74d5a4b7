"""The Actor: who acts, for which organisation, in which roles.

Built once per request (or per token, or per command) and passed to every selector and
service, so that permission checks never reach for a global "current user".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = field(default=None, compare=False, repr=False)
    user_id: int | None = None
    username: str = ""
    display_name: str = ""
    organisation: Any = field(default=None, compare=False, repr=False)
    organisation_id: int | None = None
    organisation_kind: str | None = None
    organisation_name: str = ""
    roles: frozenset[str] = frozenset()
    is_system: bool = False
    # Every active membership, loaded once with the actor (the org switcher and /me use it).
    memberships: tuple[Any, ...] = field(default=(), compare=False, repr=False)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None or self.is_system

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def is_kind(self, *kinds: str) -> bool:
        return self.organisation_kind in kinds

    def can(self, permission: str) -> bool:
        from jianguan.core.permissions import allowed

        return allowed(self, permission)


ANONYMOUS = Actor()
SYSTEM = Actor(username="system", display_name="系统", is_system=True, roles=frozenset({"system"}))


# --- Hooks: accounts turns users and API tokens into actors -----------------------------------
# Core, rules and ledger know no domain app (DESIGN "Dependencies point down"), yet the API's
# token authentication (core.api_auth) and `ledger_export --as USER` need an actor. Accounts
# registers how in its AppConfig.ready(); until then both answer "nobody".

_for_user: Callable[[Any, int | None], Actor] | None = None
_for_token: Callable[[str], Any] | None = None


def register_actor_hooks(
    *, for_user: Callable[[Any, int | None], Actor], for_token: Callable[[str], Any]
) -> None:
    """for_user(user, organisation_id) -> Actor; for_token(token) -> the user or None."""
    global _for_user, _for_token
    _for_user, _for_token = for_user, for_token


def actor_for_user(user: Any, organisation_id: int | None = None) -> Actor:
    return _for_user(user, organisation_id) if _for_user else ANONYMOUS


def user_for_token(token: str) -> Any:
    return _for_token(token) if _for_token else None
