"""The experts panel of the dashboard (工作台): an expert's own committees and the score
sheets still to fill, each linking to the committee page where it scores. Nothing about the
other members is shown (their names are secret until the award)."""

from __future__ import annotations

import datetime as dt

from jianguan.core.actor import Actor
from jianguan.experts.selectors import dashboard_seats
from jianguan.web.panels import PanelContent, register_panel


def committees_panel(actor: Actor, today: dt.date) -> PanelContent | None:
    summary = dashboard_seats(actor=actor)
    if not summary["count"] and not actor.has_role("expert"):
        return None  # a member of staff who never sat on a committee has nothing here
    return PanelContent("experts/_panel_committees.html", {"summary": summary}, "col-12")


def register_all() -> None:
    # The expert role is personal (no organisation): the panel goes by the role alone.
    register_panel("experts_committees", provider=committees_panel, order=15, roles=("expert",))
