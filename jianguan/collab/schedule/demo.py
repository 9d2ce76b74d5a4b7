"""The demo district's part of this app, made through its services in the district's timeline."""

from __future__ import annotations


def seed() -> dict[str, object]:
    return {"skipped": True}
