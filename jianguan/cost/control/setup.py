"""What 投资控制与跟踪审计 registers with the platform (called from the app's ready())."""

from __future__ import annotations


def register_all() -> None:
    pass
