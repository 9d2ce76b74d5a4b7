"""工作联系单与报审 over the API (/api/v1/collab/...)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["工作联系单与报审"])
