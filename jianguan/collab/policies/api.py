"""政策推送 over the API (/api/v1/collab/...)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["政策推送"])
