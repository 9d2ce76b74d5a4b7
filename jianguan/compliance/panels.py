"""The compliance panel of the dashboard (工作台): rectification orders by status with the
overdue ones, and red/yellow cards, blacklist entries and bans in force. The regulator sees the
district's; a contractor sees the orders it must answer, its own sanctions and its credit
score. Every count links to the order or sanction list filtered the same way."""

from __future__ import annotations

import datetime as dt

from jianguan.compliance.selectors import dashboard_compliance
from jianguan.compliance.selectors_credit import credit_score_provider
from jianguan.core.actor import Actor
from jianguan.web.panels import PanelContent, register_panel

CONTRACTORS = ("general_contractor", "specialist_subcontractor", "labour_subcontractor")


def compliance_panel(actor: Actor, today: dt.date) -> PanelContent:
    summary = dashboard_compliance(actor=actor, on=today)
    context = {"summary": summary, "mine": "" if summary["district"] else "&mine=1"}
    if not summary["district"] and actor.organisation is not None:
        # The score is the one published for today (or computed exactly as it would be).
        context["credit_score"] = credit_score_provider(actor.organisation, today)
        context["organisation_id"] = actor.organisation_id
    return PanelContent("compliance/_panel_compliance.html", context)


def register_all() -> None:
    register_panel(
        "compliance",
        provider=compliance_panel,
        order=30,
        permission="compliance.view",
        kinds=("regulator", *CONTRACTORS),
    )
