"""What the project page shows: timeline, leads, key nodes, warnings, completion signatures,
and which actions the actor may take (the services check again on every write)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jianguan.core.actor import Actor
from jianguan.projects.models import (
    CompletionSignature,
    KeyNode,
    Participant,
    Project,
    ProjectLead,
    WarningEvent,
)
from jianguan.projects.templatetags.project_ui import LEVEL_COLOURS, LEVEL_WORDS
from jianguan.projects.workflow import FIVE_PARTIES, ORDER, STAGE_LABELS, Stage

EVENT_WORDS = {"raised": "触发", "escalated": "升级", "lowered": "降级", "cleared": "解除"}
PARTY_LABELS = {
    "owner": "建设单位",
    "surveyor": "勘察单位",
    "designer": "设计单位",
    "general_contractor": "施工单位",
    "supervisor": "监理单位",
}


# --- who may do what on this page (the services check again) ------------------------------


def acts_for_owner(actor: Actor, project: Project) -> bool:
    return actor.is_kind("regulator") or actor.organisation_id == project.owner_id


def inspection_side(actor: Actor, project: Project) -> str | None:
    if actor.can("projects.inspect_as_regulator"):
        return "regulator"
    if actor.can("projects.inspect_as_supervisor") and (
        Participant.objects.filter(
            project=project,
            role="supervisor",
            organisation_id=actor.organisation_id,
            is_active=True,
        ).exists()
    ):
        return "supervisor"
    return None


# --- page parts ------------------------------------------------------------------------------


def timeline(project: Project, today: dt.date) -> dict:
    rows = {s.stage: s for s in project.stages.all()}
    dates = [today]
    for s in rows.values():
        dates += [d for d in (s.planned_start, s.planned_end, s.actual_start, s.actual_end) if d]
    lo, hi = min(dates), max(dates)
    span = max((hi - lo).days, 1)

    def pos(d: dt.date) -> float:
        return round(100 * (d - lo).days / span, 2)

    current = ORDER.index(Stage(project.stage))
    out = []
    for i, stage in enumerate(ORDER):
        s = rows.get(stage.value)
        item: dict[str, Any] = {
            "label": STAGE_LABELS[stage],
            "is_current": i == current,
            "is_done": i < current,
            "row": s,
        }
        if s is not None:
            if s.planned_start and s.planned_end:
                item["plan"] = (
                    pos(s.planned_start),
                    max(pos(s.planned_end) - pos(s.planned_start), 0.6),
                )
            elif s.planned_end:
                item["plan"] = (pos(s.planned_end), 0.6)
            if s.actual_start:
                end = s.actual_end or (today if i == current else s.actual_start)
                item["actual"] = (pos(s.actual_start), max(pos(end) - pos(s.actual_start), 0.6))
                item["open"] = s.actual_end is None
            slip = 0
            if s.planned_end:
                if s.actual_end:
                    slip = (s.actual_end - s.planned_end).days
                elif i <= current:
                    slip = (today - s.planned_end).days
            item["slip"] = max(slip, 0)
            if item["slip"] and s.planned_end:
                item["slip_at"] = pos(s.planned_end)
        out.append(item)
    return {"rows": out, "start": lo, "end": hi, "today": pos(today)}


def leads(project: Project) -> list[dict]:
    leads = list(
        ProjectLead.objects.filter(project=project).select_related(
            "person", "organisation", "replaced_by__person"
        )
    )
    groups = []
    for party in FIVE_PARTIES:
        mine = sorted(
            (lead for lead in leads if lead.party == party),
            key=lambda lead: (lead.started_on, lead.pk),
            reverse=True,
        )
        groups.append(
            {
                "party": party,
                "label": PARTY_LABELS[party],
                "current": next((lead for lead in mine if lead.ended_on is None), None),
                "previous": [lead for lead in mine if lead.ended_on is not None],
            }
        )
    return groups


def key_nodes(project: Project, side: str | None, today: dt.date) -> list[dict]:
    nodes = list(
        KeyNode.objects.filter(project=project)
        .prefetch_related("inspections__findings")
        .order_by("sequence")
    )
    stage_ok = project.stage in ("construction", "completion_acceptance")
    first_open = next((n for n in nodes if n.status != "passed"), None)
    out = []
    for node in nodes:
        rounds = list(node.inspections.all())
        open_round = next((r for r in rounds if not r.closed), None)
        findings = [f for r in rounds for f in r.findings.all()]
        can_sign = bool(
            side
            and stage_ok
            and node is first_open
            and not (open_round and getattr(open_round, f"{side}_result"))
        )
        out.append(
            {
                "node": node,
                "rounds": rounds,
                "open_findings": [f for f in findings if f.closed_at is None],
                "closed_findings": [f for f in findings if f.closed_at is not None],
                "late": bool(
                    node.planned_date and node.status != "passed" and node.planned_date < today
                ),
                "can_sign": can_sign,
            }
        )
    return out


def warnings(project: Project) -> dict:
    active = list(project.warnings.filter(cleared_at__isnull=True).order_by("-level", "raised_at"))
    events = list(
        WarningEvent.objects.filter(warning__project=project)
        .select_related("warning")
        .order_by("-at", "-id")[:30]
    )
    for e in events:
        e.word = EVENT_WORDS.get(e.kind, e.kind)
    level = project.warning_level
    return {
        "active": active,
        "events": events,
        "level": level,
        "word": LEVEL_WORDS.get(level, ""),
        "colour": LEVEL_COLOURS.get(level, LEVEL_COLOURS[0])[1],
    }


def completion(project: Project, actor: Actor, leads: list[dict]) -> dict:
    sigs = {
        s.party: s
        for s in CompletionSignature.objects.filter(project=project).select_related("lead__person")
    }
    rows = [{"party": g["party"], "label": g["label"], "sig": sigs.get(g["party"])} for g in leads]
    mine = []
    if actor.can("projects.sign_completion") and project.stage == "construction":
        mine = [
            (g["party"], g["label"])
            for g in leads
            if g["current"]
            and g["current"].organisation_id == actor.organisation_id
            and g["party"] not in sigs
        ]
    return {"rows": rows, "my_parties": mine, "all_signed": len(sigs) == len(FIVE_PARTIES)}
