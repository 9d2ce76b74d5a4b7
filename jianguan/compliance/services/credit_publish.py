"""The daily credit run: collect derived good records, then publish every score of the day.

A day is published once (its digest goes on the ledger) and never recomputed: the score on
the bid-opening day is what was published that morning (北京 practice, RULES.md B7).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from jianguan.compliance import credit as C
from jianguan.compliance.models import CreditPublication, CreditRecord, CreditScore, Inspection
from jianguan.compliance.selectors_credit import (
    ENTRY_FIELDS,
    entry_of,
    params_on,
    scored_subject_starts,
)
from jianguan.compliance.services.credit import credit_records_for_event
from jianguan.core.actor import SYSTEM, Actor
from jianguan.core.timeutil import today_local
from jianguan.ledger.services import record
from jianguan.projects.models import Participant, Project, ProjectStage

BATCH = 2000
LOOKBACK_DAYS = 30  # a missed daily run still collects what happened in the last month
COLLECTED_ROLES = ("general_contractor", "supervisor")


def _existing(kind: str, source_type: str, source_ids: Iterable[int]) -> set[tuple[int, int]]:
    return set(
        CreditRecord.objects.filter(
            kind=kind, source_type=source_type, source_id__in=list(source_ids)
        ).values_list("source_id", "organisation_id")
    )


def _clean_inspections(actor: Actor, on: dt.date) -> int:
    """A good record for each project participant an inspection found nothing against."""
    inspections = list(
        Inspection.objects.filter(
            inspected_on__lt=on, inspected_on__gte=on - dt.timedelta(days=LOOKBACK_DAYS)
        )
        .select_related("project")
        .prefetch_related("findings")
    )
    done = _existing("clean_inspection", "inspection", (i.pk for i in inspections))
    participants = defaultdict(list)
    for p in Participant.objects.filter(
        project_id__in={i.project_id for i in inspections},
        role__in=COLLECTED_ROLES,
        is_active=True,
    ).select_related("organisation"):
        participants[p.project_id].append(p.organisation)
    made = 0
    for inspection in inspections:
        found = {f.responsible_organisation_id for f in inspection.findings.all()}
        for org in participants[inspection.project_id]:
            if org.pk in found or (inspection.pk, org.pk) in done:
                continue
            credit_records_for_event(
                actor=actor,
                kind="clean_inspection",
                organisation=org,
                occurred_on=inspection.inspected_on,
                description=f"{inspection.project.code} {inspection.get_kind_display()}未发现问题",
                source_type="inspection",
                source_id=inspection.pk,
                project=inspection.project,
            )
            made += 1
    return made


def _on_time_completions(actor: Actor, on: dt.date) -> int:
    """按期竣工: completed no later than the construction stage's planned end."""
    planned = dict(
        ProjectStage.objects.filter(stage="construction", planned_end__isnull=False).values_list(
            "project_id", "planned_end"
        )
    )
    projects = [
        p
        for p in Project.objects.filter(
            completion_date__lt=on,
            completion_date__gte=on - dt.timedelta(days=LOOKBACK_DAYS),
            pk__in=list(planned),
        )
        if p.completion_date <= planned[p.pk]
    ]
    done = _existing("on_time_completion", "project", (p.pk for p in projects))
    parts = defaultdict(list)
    for part in Participant.objects.filter(
        project__in=projects, role__in=COLLECTED_ROLES, is_active=True
    ).select_related("organisation"):
        parts[part.project_id].append(part)
    made = 0
    for project in projects:
        for part in parts[project.pk]:
            if (project.pk, part.organisation_id) in done:
                continue
            credit_records_for_event(
                actor=actor,
                kind="on_time_completion",
                organisation=part.organisation,
                occurred_on=project.completion_date,
                description=f"{project.code} {project.name}按期竣工",
                source_type="project",
                source_id=project.pk,
                project=project,
            )
            made += 1
    return made


@transaction.atomic
def credit_records_collect(*, on: dt.date | None = None, actor: Actor = SYSTEM) -> int:
    on = on or today_local()
    return _clean_inspections(actor, on) + _on_time_completions(actor, on)


def _subjects(starts: list[tuple[str, dt.date]], on: dt.date) -> list[str]:
    return [key for key, start in starts if start <= on]


def _entries(start: dt.date, end: dt.date) -> dict[str, list[C.Entry]]:
    """Every record that can count on some day in [start, end], by subject."""
    rows = CreditRecord.objects.filter(
        recorded_on__lt=end, occurred_on__lte=end, expires_on__gt=start
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=start))
    by_subject: dict[str, list[C.Entry]] = defaultdict(list)
    for org, person, *row in rows.values_list(
        "organisation_id", "person_id", *ENTRY_FIELDS
    ).iterator(BATCH):
        by_subject[f"o:{org}" if org else f"p:{person}"].append(entry_of(row))
    return by_subject


def _publish_day(
    actor: Actor, on: dt.date, subjects: list[str], entries: dict[str, list[C.Entry]]
) -> CreditPublication:
    params = params_on(on)
    rows, published = [], []
    for key in subjects:
        value, good, bad, count = C.score(entries.get(key, ()), on, params)
        published.append((key, value))
        ref = {"organisation_id": int(key[2:])} if key[0] == "o" else {"person_id": int(key[2:])}
        rows.append(
            CreditScore(
                on=on,
                score=C.from_centi(value),
                good=C.from_centi(good),
                bad=C.from_centi(bad),
                records=count,
                **ref,
            )
        )
    CreditScore.objects.bulk_create(rows, batch_size=BATCH)
    publication = CreditPublication.objects.create(
        on=on,
        subjects=len(rows),
        digest=C.digest(published),
        base=C.from_centi(params.base),
        decay=params.decay,
    )
    record(
        actor=actor,
        type="compliance.credit_published",
        obj=publication,
        payload={
            "on": on,
            "subjects": publication.subjects,
            "digest": publication.digest,
            "base": publication.base,
            "decay": publication.decay,
        },
    )
    return publication


@transaction.atomic
def credit_scores_publish(*, on: dt.date | None = None, actor: Actor = SYSTEM) -> CreditPublication:
    """Publishes the day's scores once; asking again returns the publication already made."""
    on = on or today_local()
    existing = CreditPublication.objects.filter(on=on).first()
    if existing is not None:
        return existing
    return _publish_day(actor, on, _subjects(scored_subject_starts(), on), _entries(on, on))


@transaction.atomic
def credit_history_backfill(*, start: dt.date, end: dt.date, actor: Actor = SYSTEM) -> int:
    """Publishes every missing day in [start, end] from one read of the records (demo, catch-up)."""
    done = set(
        CreditPublication.objects.filter(on__gte=start, on__lte=end).values_list("on", flat=True)
    )
    entries, starts = _entries(start, end), scored_subject_starts()
    count, day = 0, start
    while day <= end:
        if day not in done:
            _publish_day(actor, day, _subjects(starts, day), entries)
            count += 1
        day += dt.timedelta(days=1)
    return count


def credit_daily() -> str:
    """The chronograph job: collect yesterday's derived records, publish today's scores."""
    on = today_local()
    if CreditPublication.objects.filter(on=on).exists():
        return "already published"
    made = credit_records_collect(on=on)
    publication = credit_scores_publish(on=on)
    return f"{made} records, {publication.subjects} scores"
