"""The Actor: who acts, for which organisation, in which roles.

Built once per request (or per token, or per command) and passed to every selector and
service, so that permission checks never reach for a global "current user".
"""

from __future__ import annotations

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
