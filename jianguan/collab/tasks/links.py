"""What a task may link to: a registry of link kinds (code -> how to find the object as the
actor sees it, its label, its page and its project). The kinds of other apps are registered in
setup.py; this module knows none of them.

``resolve(actor, pk)`` returns the object when the actor may see it and raises the owning
app's NotFound/PermissionDenied otherwise, so a link never shows more than the object would."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jianguan.core.actor import Actor
from jianguan.core.errors import DomainError, NotFound, ValidationFailed

# The kinds setup.py registers (the API lists them; a kind registered later is still accepted).
LINK_KINDS = (
    "compliance.finding",
    "contracts.variation",
    "contracts.payment_claim",
    "bim.clash",
    "projects.key_node",
)


@dataclass(frozen=True)
class LinkKind:
    code: str
    label: str  # Chinese: 检查问题, 工程变更 ...
    resolve: Callable[[Actor, int], Any]
    describe: Callable[[Any], str]
    url: Callable[[Any], str]
    project_id: Callable[[Any], int]


_KINDS: dict[str, LinkKind] = {}


def register_link_kind(kind: LinkKind) -> LinkKind:
    _KINDS[kind.code] = kind
    return kind


def kinds() -> dict[str, LinkKind]:
    return dict(_KINDS)


def kind_of(code: str) -> LinkKind:
    kind = _KINDS.get(code)
    if kind is None:
        raise ValidationFailed("未知的关联类型", code="unknown_link_kind")
    return kind


def target(actor: Actor, code: str, pk: int) -> tuple[LinkKind, Any]:
    """The object a new link points to, as the actor may see it (404 when not: a link never
    tells that an object exists)."""
    kind = kind_of(code)
    try:
        obj = kind.resolve(actor, pk)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise NotFound(f"{kind.label}不存在或无权查看", code="link_target_not_found") from exc
        raise
    return kind, obj


def view(actor: Actor, code: str, pk: int, stored_label: str) -> dict[str, str]:
    """A stored link as the actor sees it now: the page and label when still visible, the
    kind alone otherwise."""
    kind = _KINDS.get(code)
    if kind is None:
        return {"kind_label": code, "label": stored_label, "url": ""}
    try:
        obj = kind.resolve(actor, pk)
    except DomainError:
        return {"kind_label": kind.label, "label": "（无权查看）", "url": ""}
    return {"kind_label": kind.label, "label": kind.describe(obj), "url": kind.url(obj)}
