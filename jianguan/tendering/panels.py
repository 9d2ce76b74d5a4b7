"""The tendering panel of the dashboard (工作台): tenders in progress by status and the
statutory clocks that have run out (the regulator's district), or an owner's and an agency's
own tenders. Counts link to the tender list filtered by status; rows link to the tender."""

from __future__ import annotations

import datetime as dt

from jianguan.core.actor import Actor
from jianguan.core.timeutil import now
from jianguan.tendering.selectors import dashboard_tendering
from jianguan.web.panels import PanelContent, register_panel


def tendering_panel(actor: Actor, today: dt.date) -> PanelContent | None:
    summary = dashboard_tendering(actor=actor, today=today, at=now())
    return PanelContent("tendering/_panel_tendering.html", {"summary": summary})


def register_all() -> None:
    register_panel(
        "tendering",
        provider=tendering_panel,
        order=40,
        permission="tendering.view",
        kinds=("regulator", "owner", "tender_agency"),
    )
