"""What BIM registers with the platform (called from BimConfig.ready())."""

from __future__ import annotations


def register_all() -> None:
    from jianguan.bim import permissions  # noqa: F401  (registers grants)
