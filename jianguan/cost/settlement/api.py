"""竣工结算 over the API (/api/v1/cost/...)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["竣工结算"])
