"""Chinese names of ledger event types, registered by the apps that write them."""

from __future__ import annotations

from collections.abc import Mapping

_LABELS: dict[str, str] = {}


def register(labels: Mapping[str, str]) -> None:
    _LABELS.update(labels)


def label(event_type: str) -> str:
    return _LABELS.get(event_type, event_type)
