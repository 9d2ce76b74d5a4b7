"""施工日志与监理日志 over the API (/api/v1/collab/...)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["施工日志与监理日志"])
