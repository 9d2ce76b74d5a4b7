"""预付款与质量保证金 over the API (/api/v1/cost/...)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["预付款与质量保证金"])
