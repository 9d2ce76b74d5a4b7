"""任务与会议 over the API (/api/v1/collab/...)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["任务与会议"])
