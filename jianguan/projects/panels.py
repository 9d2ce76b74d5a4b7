"""The projects panel of the dashboard (工作台): the regulator's district, anyone else's own
projects, by stage × warning level; every count links to the register filtered the same way."""

from __future__ import annotations

import datetime as dt

from jianguan.core.actor import Actor
from jianguan.projects.selectors import dashboard_summary
from jianguan.web.panels import PanelContent, register_panel

# Finance and the auditor see every project (projects.view_all) but work from their review
# queues; an expert acts for no organisation. Their dashboards leave the register out.
KINDS = (
    "regulator",
    "owner",
    "general_contractor",
    "specialist_subcontractor",
    "labour_subcontractor",
    "supervisor",
    "designer",
    "surveyor",
    "tender_agency",
)


def projects_panel(actor: Actor, today: dt.date) -> PanelContent:
    return PanelContent(
        "projects/_panel_projects.html", {"summary": dashboard_summary(actor=actor)}, "col-12"
    )


def register_all() -> None:
    register_panel(
        "projects", provider=projects_panel, order=10, permission="projects.view_own", kinds=KINDS
    )
