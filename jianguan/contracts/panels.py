"""The money panels of the dashboard (工作台), each for the party that works with it:

- an owner: its projects' budget, contract value, paid and still to pay, and the claims
  waiting for its approval;
- finance and the auditor: their review queue and the totals of the cuts they submitted;
- a contractor: its payment claims by status;
- the regulator: the district's claims under review, by stage of the chain.

Money is shown in 万元 (the dashboard's one unit); counts link to the filtered lists."""

from __future__ import annotations

import datetime as dt

from jianguan.contracts import workflow
from jianguan.contracts.selectors import claims_by_status, owner_money, review_queue
from jianguan.core.actor import Actor
from jianguan.web.panels import UNIT, PanelContent, percent, register_panel, wan_yuan

CONTRACTORS = ("general_contractor", "specialist_subcontractor", "labour_subcontractor")
MONEY_KEYS = ("budget", "contract", "paid", "due")


def _wan(row: dict) -> dict:
    return {**row, **{k: wan_yuan(row[k]) for k in MONEY_KEYS}}


def money_panel(actor: Actor, today: dt.date) -> PanelContent:
    money = owner_money(actor=actor)
    queue = review_queue(actor=actor, limit=0, cuts=False)
    context = {
        "unit": UNIT,
        "totals": _wan(money),
        "rows": [_wan(r) for r in money["rows"]],
        "count": money["count"],
        "paid_ratio": percent(money["paid"], money["contract"]),
        "approvals": queue["count"],
    }
    return PanelContent("contracts/_panel_money.html", context, "col-12")


def reviews_panel(actor: Actor, today: dt.date) -> PanelContent:
    queue = review_queue(actor=actor)
    context = {
        "unit": UNIT,
        "queue": queue,
        "cut": wan_yuan(queue["cut"] or 0),
        "cut_ratio": percent(queue["cut"] or 0, queue["claimed"]),
    }
    return PanelContent("contracts/_panel_reviews.html", context, "col-12")


def _claims(actor: Actor, *, as_contractor: bool) -> list[dict]:
    counts = claims_by_status(actor=actor, as_contractor=as_contractor)
    shown = [s for s in workflow.CLAIM_STATUSES if s != workflow.C_DRAFT]
    if not as_contractor:  # the regulator follows the review chain, not the finished claims
        shown = list(workflow.CHAIN) + [workflow.C_APPROVED]
    return [
        {"value": s, "label": workflow.CLAIM_STATUSES[s], "count": counts.get(s, 0)} for s in shown
    ]


def claims_panel(actor: Actor, today: dt.date) -> PanelContent:
    as_contractor = not actor.is_kind("regulator")
    statuses = _claims(actor, as_contractor=as_contractor)
    context = {
        "district": not as_contractor,
        "statuses": statuses,
        "total": sum(s["count"] for s in statuses),
    }
    return PanelContent("contracts/_panel_claims.html", context)


def register_all() -> None:
    register_panel(
        "contracts_money",
        provider=money_panel,
        order=20,
        permission="contracts.view",
        kinds=("owner",),
    )
    register_panel(
        "contracts_reviews",
        provider=reviews_panel,
        order=20,
        permission="contracts.review",
        kinds=("finance_bureau", "auditor"),
    )
    register_panel(
        "contracts_claims",
        provider=claims_panel,
        order=25,
        permission="contracts.view",
        kinds=("regulator", *CONTRACTORS),
    )
