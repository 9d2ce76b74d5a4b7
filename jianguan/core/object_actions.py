"""Actions other apps offer on an object's page ("新建任务" on a variation, a finding, a clash ...).

The page that shows the object names its kind (``{% object_actions "contracts.variation" v %}``,
jianguan/core/templatetags/jg_actions.py); the app that offers the action registers it here, so
the object's app knows nothing of the apps that act on it (the layering of tests/test_layers.py).
An action shows only to an actor it allows; its page checks again (a button is not a grant)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jianguan.core.actor import Actor


@dataclass(frozen=True)
class ObjectAction:
    code: str  # unique per kind, e.g. "collab_tasks.new"
    label: str  # Chinese, on the button
    icon: str  # Tabler icon name, e.g. "ti-checklist"
    url: Callable[[Any], str]
    allowed: Callable[[Actor, Any], bool]


_ACTIONS: dict[str, dict[str, ObjectAction]] = {}


def register_object_action(kind: str, action: ObjectAction) -> ObjectAction:
    _ACTIONS.setdefault(kind, {})[action.code] = action
    return action


def actions_for(kind: str, actor: Actor | None, obj: Any) -> list[ObjectAction]:
    if actor is None or not getattr(actor, "is_authenticated", False) or obj is None:
        return []
    return [a for a in _ACTIONS.get(kind, {}).values() if a.allowed(actor, obj)]
