"""What 竣工结算 registers with the platform (called from the app's ready())."""

from __future__ import annotations


def register_all() -> None:
    from jianguan.cost.settlement import permissions  # noqa: F401  (registers grants)
