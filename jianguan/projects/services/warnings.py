"""Early-warning writes: recompute the warnings of one project or of all of them.

The rules are pure (``jianguan.projects.warnings``); this module gathers their facts in bulk
(a few queries per chunk of projects, never one per project), compares the result with the
stored active warnings and writes the differences:

* ``ProjectWarning`` holds one rule's current state on a project (``cleared_at`` set once it
  no longer applies; a later recurrence opens a new row);
* ``WarningEvent`` keeps the history: raised, escalated, lowered, cleared;
* ``Project.warning_level`` is the highest active level; each change of it is a ledger entry
  ``project.warning_changed`` (the daily drift of a reason's day count is not).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from jianguan.core.actor import SYSTEM
from jianguan.core.errors import NotFound
from jianguan.core.timeutil import now, to_local, today_local
from jianguan.ledger.services import record
from jianguan.projects import warnings as warning_rules
from jianguan.projects.facts import provided_facts
from jianguan.projects.models import (
    Finding,
    KeyNode,
    Project,
    ProjectStage,
    ProjectWarning,
    WarningEvent,
)
from jianguan.rules.lookup import rule

log = logging.getLogger("jianguan.projects.warnings")

CHUNK = 500
EVENT_LABELS = {"raised": "触发", "escalated": "升级", "lowered": "降级", "cleared": "解除"}
PROJECT_FIELDS = ("id", "code", "stage", "budget", "construction_permit", "warning_level")


def warning_thresholds(on: dt.date) -> dict[str, Any]:
    """The rule-data thresholds the registered rules need; missing ones are None (rule skipped)."""
    out: dict[str, Any] = {}
    for code in sorted(warning_rules.threshold_codes()):
        try:
            out[code] = rule(code, on=on).value
        except NotFound:
            log.warning("rule data %s not in force on %s: its warning rule is skipped", code, on)
            out[code] = None
    return out


def gather_facts(projects: list[Project], today: dt.date) -> dict[int, dict[str, Any]]:
    """Facts of many projects in a constant number of queries."""
    ids = [p.pk for p in projects]
    stages: dict[int, list[dict]] = defaultdict(list)
    for row in ProjectStage.objects.filter(project_id__in=ids).values(
        "project_id", "stage", "planned_end", "actual_end"
    ):
        stages[row.pop("project_id")].append(row)
    nodes: dict[int, list[dict]] = defaultdict(list)
    node_names: dict[int, str] = {}
    for row in (
        KeyNode.objects.filter(project_id__in=ids)
        .exclude(status="passed")
        .values("id", "project_id", "code", "name", "planned_date", "status")
    ):
        node_names[row["id"]] = row["name"]
        nodes[row.pop("project_id")].append(row)
    findings: dict[int, list[dict]] = defaultdict(list)
    for row in Finding.objects.filter(project_id__in=ids, closed_at__isnull=True).values(
        "project_id", "text", "created_at", "inspection__key_node__name"
    ):
        findings[row["project_id"]].append(
            {
                "text": row["text"],
                "raised_on": to_local(row["created_at"]).date(),
                "node": row["inspection__key_node__name"],
            }
        )
    extra = provided_facts(projects, today=today)
    out = {}
    for p in projects:
        facts: dict[str, Any] = {
            "stage": p.stage,
            "stages": stages.get(p.pk, []),
            "key_nodes": nodes.get(p.pk, []),
            "construction_permit": p.construction_permit,
            "budget": p.budget,
            "contract_value": None,
            "variations_value": None,
            "credentials": [],
            "findings": findings.get(p.pk, []),
        }
        facts.update(extra.get(p.pk, {}))
        out[p.pk] = facts
    return out


def _chunks(project: Project | None, ids: Iterable[int] | None = None) -> Iterable[list[int]]:
    if project is not None:
        yield [project.pk]
        return
    if ids is not None:
        wanted = sorted(ids)
        for start in range(0, len(wanted), CHUNK):
            yield wanted[start : start + CHUNK]
        return
    last = 0
    while True:
        ids = list(
            Project.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def warnings_recompute(
    *,
    project: Project | None = None,
    project_ids: Iterable[int] | None = None,
    today: dt.date | None = None,
) -> dict[str, int]:
    """Recompute one project's warnings, those of the given projects, or every project's;
    returns counts of what changed."""
    today = today or today_local()
    thresholds = warning_thresholds(today)
    totals = dict.fromkeys(
        ("projects", "raised", "escalated", "lowered", "cleared", "level_changes"), 0
    )
    for ids in _chunks(project, project_ids):
        with transaction.atomic():
            counts = _recompute_chunk(ids, today, thresholds)
        for key, value in counts.items():
            totals[key] += value
    return totals


def _recompute_chunk(ids: list[int], today: dt.date, thresholds: dict[str, Any]) -> dict[str, int]:
    # Lock the projects: a recompute after a change and the periodic one never interleave.
    projects = list(
        Project.objects.select_for_update().filter(pk__in=ids).order_by("pk").only(*PROJECT_FIELDS)
    )
    counts = dict.fromkeys(("raised", "escalated", "lowered", "cleared", "level_changes"), 0)
    counts["projects"] = len(projects)
    facts = gather_facts(projects, today)
    active: dict[int, dict[str, ProjectWarning]] = defaultdict(dict)
    for warning in ProjectWarning.objects.filter(project_id__in=ids, cleared_at__isnull=True):
        active[warning.project_id][warning.rule_code] = warning
    at = now()
    new_warnings: list[ProjectWarning] = []
    changed: list[ProjectWarning] = []
    events: list[WarningEvent] = []
    pending_events: list[tuple[ProjectWarning, str]] = []  # events of rows not yet inserted
    for p in projects:
        wanted = {r.rule_code: r for r in warning_rules.evaluate(facts[p.pk], today, thresholds)}
        current = active.get(p.pk, {})
        for code, raised in wanted.items():
            warning = current.get(code)
            if warning is None:
                warning = ProjectWarning(
                    project_id=p.pk,
                    rule_code=code,
                    level=raised.level,
                    reason=raised.reason,
                    raised_at=at,
                )
                new_warnings.append(warning)
                pending_events.append((warning, "raised"))
                counts["raised"] += 1
            elif warning.level != raised.level:
                kind = "escalated" if raised.level > warning.level else "lowered"
                warning.level, warning.reason = raised.level, raised.reason
                changed.append(warning)
                events.append(_event(warning, kind, at))
                counts[kind] += 1
            elif warning.reason != raised.reason:
                warning.reason = raised.reason  # same level, new figures: no event
                warning.updated_at = at
                changed.append(warning)
        for code, warning in current.items():
            if code not in wanted:
                warning.cleared_at = at
                changed.append(warning)
                events.append(_event(warning, "cleared", at, reason=_cleared_reason(warning)))
                counts["cleared"] += 1
        level = warning_rules.max_level(list(wanted.values()))
        if level != p.warning_level:
            previous, p.warning_level = p.warning_level, level
            Project.objects.filter(pk=p.pk).update(warning_level=level, updated_at=at)
            record(
                actor=SYSTEM,
                type="project.warning_changed",
                obj=p,
                payload={
                    "from": previous,
                    "to": level,
                    "warnings": [
                        {"rule": r.rule_code, "level": r.level, "reason": r.reason}
                        for r in sorted(wanted.values(), key=lambda r: (-r.level, r.rule_code))
                    ],
                },
            )
            counts["level_changes"] += 1
    if new_warnings:
        created = ProjectWarning.objects.bulk_create(new_warnings)
        if any(w.pk is None for w in created):  # a backend that returns no ids
            _reload_ids(created, at)
        events.extend(_event(w, kind, at) for w, kind in pending_events)
    if changed:
        ProjectWarning.objects.bulk_update(changed, ["level", "reason", "cleared_at", "updated_at"])
    if events:
        WarningEvent.objects.bulk_create(events)
    return counts


def _event(warning: ProjectWarning, kind: str, at: dt.datetime, reason: str = "") -> WarningEvent:
    warning.updated_at = at
    return WarningEvent(
        warning=warning, kind=kind, level=warning.level, reason=reason or warning.reason, at=at
    )


def _cleared_reason(warning: ProjectWarning) -> str:
    label = warning_rules.rule_label(warning.rule_code)
    return f"{label}的触发条件已消除（原为：{warning.reason}）"[:500]


def _reload_ids(created: list[ProjectWarning], at: dt.datetime) -> None:
    ids = {
        (w.project_id, w.rule_code): w.pk
        for w in ProjectWarning.objects.filter(
            project_id__in={w.project_id for w in created}, raised_at=at, cleared_at__isnull=True
        )
    }
    for warning in created:
        warning.pk = ids[(warning.project_id, warning.rule_code)]


def recompute_after_commit(project_id: int) -> None:
    """Called by the register services: recompute once their transaction has committed.

    A transaction that changes many projects, or one project many times (the demo district's
    register: 1,450 changes of 122 projects), recomputes each project once, in chunks: the
    projects wait in a set on the connection, and the first hook to run after the commit takes
    them all (the others find it empty). A project left there by a rolled-back savepoint is
    recomputed with the next commit's, which changes nothing. Robust: a failing recompute is
    logged and never turns a committed change into an error."""
    connection = transaction.get_connection()
    pending: set[int] = connection.__dict__.setdefault("jianguan_warnings_pending", set())
    pending.add(project_id)

    def run() -> None:
        ids = set(pending)
        pending.clear()
        if ids:
            warnings_recompute(project_ids=ids)

    transaction.on_commit(run, robust=True)
