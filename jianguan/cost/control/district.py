"""The district view of investment control (regulator, finance bureau): every project's
figures summed by owner, town and project type, with filters. A fixed number of aggregate
queries whatever the number of projects (the sums per project come from selectors.figures_for
with the filtered projects as a subquery; the grouping is arithmetic)."""

from __future__ import annotations

from typing import Any

from jianguan.cost.control import figures as fig
from jianguan.cost.control import selectors
from jianguan.projects.models import Project, ProjectType

TOP = 20


def _int(raw: Any) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def parse_filters(params) -> dict:
    kind = str(params.get("type", "") or "")
    return {
        "owner_id": _int(params.get("owner")),
        "town_id": _int(params.get("town")),
        "project_type": kind if kind in ProjectType.values else "",
    }


def choices() -> dict:
    from jianguan.accounts.models import Organisation, Town

    return {
        "owners": list(Organisation.objects.filter(kind="owner").order_by("name")[:500]),
        "towns": list(Town.objects.order_by("name")),
        "types": ProjectType.choices,
    }


def summary(*, owner_id: int | None = None, town_id: int | None = None, project_type: str = ""):
    qs = Project.objects.all()
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if town_id:
        qs = qs.filter(town_id=town_id)
    if project_type:
        qs = qs.filter(type=project_type)
    rows = list(qs.values("pk", "code", "name", "budget", "owner__name", "town__name", "type"))

    class P:  # what figures_for reads of a project
        __slots__ = ("pk", "budget")

        def __init__(self, r):
            self.pk, self.budget = r["pk"], r["budget"]

    figs = selectors.figures_for([P(r) for r in rows], scope=qs.values("pk"))
    type_labels = dict(ProjectType.choices)
    groups: dict[str, dict[str, list]] = {"owner": {}, "town": {}, "type": {}}
    for r in rows:
        f = figs[r["pk"]]
        groups["owner"].setdefault(r["owner__name"], []).append(f)
        groups["town"].setdefault(r["town__name"], []).append(f)
        groups["type"].setdefault(type_labels.get(r["type"], r["type"]), []).append(f)

    def table(by: dict[str, list]) -> list[dict]:
        out = [{"name": k, "count": len(v), **fig.add(v)} for k, v in by.items()]
        return sorted(out, key=lambda t: -t["forecast"])

    over = sorted(
        (
            {**r, "f": figs[r["pk"]], "type_label": type_labels.get(r["type"], r["type"])}
            for r in rows
            if figs[r["pk"]].forecast_ratio is not None and figs[r["pk"]].forecast_deviation > 0
        ),
        key=lambda r: -(r["f"].forecast_ratio or 0),
    )[:TOP]
    return {
        "total": {"count": len(rows), **fig.add(list(figs.values()))},
        "by_owner": table(groups["owner"]),
        "by_town": table(groups["town"]),
        "by_type": table(groups["type"]),
        "over": over,
    }
