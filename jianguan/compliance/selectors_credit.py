"""Reads of credit records and scores: the score on a date, its explanation, history.

Scores of organisations are published (建筑市场信用管理暂行办法: bad records are public), so
any signed-in user may read them and the public page lists them; a person's score is for
signed-in users only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from jianguan.accounts.models import Organisation
from jianguan.compliance import credit as C
from jianguan.compliance.models import CreditPublication, CreditRecord, CreditScore
from jianguan.core.errors import NotFound, ValidationFailed
from jianguan.core.timeutil import SHANGHAI, today_local
from jianguan.registry.models import RegisteredPerson
from jianguan.rules.lookup import rule_value

SCORED_ORG_KINDS = (
    "general_contractor",
    "specialist_subcontractor",
    "labour_subcontractor",
    "supervisor",
)
SCORED_PERSON_KINDS = ("constructor",)


@dataclass(frozen=True)
class Subject:
    """Whose score: an organisation or a registered person."""

    organisation: Organisation | None = None
    person: RegisteredPerson | None = None

    @property
    def key(self) -> str:
        return f"o:{self.organisation.pk}" if self.organisation else f"p:{self.person.pk}"

    @property
    def obj(self):
        return self.organisation or self.person

    @property
    def filter(self) -> dict:
        if self.organisation is not None:
            return {"organisation": self.organisation}
        return {"person": self.person}

    @property
    def name(self) -> str:
        return self.organisation.name if self.organisation else self.person.name


def start_date(declared: dt.date | None, created_at: dt.datetime | None) -> dt.date:
    """Founding or registration date when known, else the day it was entered."""
    if declared is not None:
        return declared
    return created_at.astimezone(SHANGHAI).date() if created_at else today_local()


def exists_from(subject: Subject) -> dt.date:
    obj = subject.obj
    declared = obj.established_on if subject.organisation else obj.registered_on
    return start_date(declared, obj.created_at)


def scored_subject_starts() -> list[tuple[str, dt.date]]:
    """Every subject scored daily (key "o:<id>" / "p:<id>") with the day it starts to exist."""
    orgs = Organisation.objects.filter(kind__in=SCORED_ORG_KINDS, is_active=True).values_list(
        "pk", "established_on", "created_at"
    )
    persons = RegisteredPerson.objects.filter(kind__in=SCORED_PERSON_KINDS).values_list(
        "pk", "registered_on", "created_at"
    )
    return [(f"o:{pk}", start_date(d, c)) for pk, d, c in orgs.iterator(2000)] + [
        (f"p:{pk}", start_date(d, c)) for pk, d, c in persons.iterator(2000)
    ]


def params_on(on: dt.date) -> C.Params:
    def points(code: str) -> int:
        return C.to_centi(rule_value(code, on=on))

    return C.Params(
        base=points("credit.base_score"),
        floor=points("credit.min_score"),
        cap=points("credit.max_score"),
        decay=str(rule_value("credit.decay_mode", on=on)),
    )


def entry_of(row: tuple) -> C.Entry:
    pk, kind, points, occurred, recorded, expires, ends = row
    return C.Entry(pk, kind, C.to_centi(points), occurred, recorded, expires, ends)


ENTRY_FIELDS = ("pk", "kind", "points", "occurred_on", "recorded_on", "expires_on", "ends_on")


def check_date(subject: Subject, on: dt.date) -> None:
    start = exists_from(subject)
    if on < start:
        raise ValidationFailed(
            f"{subject.name}在 {start.isoformat()} 之前尚未纳入（成立或注册），没有该日信用分",
            code="before_existence",
        )
    if on > today_local():
        raise ValidationFailed("不能查询未来日期的信用分", code="future_date")


def records_for(subject: Subject) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.filter(**subject.filter).select_related("project")


def _counting(on: dt.date) -> Q:
    return Q(recorded_on__lt=on, occurred_on__lte=on, expires_on__gt=on) & (
        Q(ends_on__isnull=True) | Q(ends_on__gt=on)
    )


@dataclass(frozen=True)
class Explanation:
    subject: Subject
    on: dt.date
    breakdown: C.Breakdown
    records: dict[int, CreditRecord]
    stored: Decimal | None  # the published figure for that day, when there is one

    @property
    def score(self) -> Decimal:
        return C.from_centi(self.breakdown.total)

    # The breakdown holds hundredths of a point; pages show points (800, not 80000).
    @property
    def base(self) -> Decimal:
        return C.from_centi(self.breakdown.base)

    @property
    def clamp(self) -> Decimal:
        return C.from_centi(self.breakdown.clamp)

    @property
    def verified(self) -> bool | None:
        return None if self.stored is None else self.stored == self.score

    def lines(self) -> list[tuple[CreditRecord, Decimal]]:
        return [(self.records[e.record_id], C.from_centi(c)) for e, c in self.breakdown.lines]


def explain(subject: Subject, on: dt.date) -> Explanation:
    """Every point of the score on `on`, traced to its records (the sum equals the score)."""
    check_date(subject, on)
    records = {r.pk: r for r in records_for(subject).filter(_counting(on))}
    entries = [entry_of(tuple(getattr(r, f) for f in ENTRY_FIELDS)) for r in records.values()]
    breakdown = C.explain(entries, on, params_on(on))
    stored = (
        CreditScore.objects.filter(on=on, **subject.filter).values_list("score", flat=True).first()
    )
    return Explanation(subject, on, breakdown, records, stored)


def score_on(subject: Subject, on: dt.date) -> Decimal:
    """The published score of that day, else the same computation done now (it is exact)."""
    check_date(subject, on)
    stored = (
        CreditScore.objects.filter(on=on, **subject.filter).values_list("score", flat=True).first()
    )
    if stored is not None:
        return stored
    rows = CreditRecord.objects.filter(_counting(on), **subject.filter).values_list(*ENTRY_FIELDS)
    value, *_ = C.score([entry_of(r) for r in rows], on, params_on(on))
    return C.from_centi(value)


def history(subject: Subject, start: dt.date, end: dt.date) -> list[tuple[dt.date, Decimal]]:
    if end < start:
        raise ValidationFailed("结束日期不能早于开始日期", code="bad_range")
    if (end - start).days > 3 * 366:
        raise ValidationFailed("一次最多查询三年的信用分", code="range_too_long")
    return list(
        CreditScore.objects.filter(on__gte=start, on__lte=end, **subject.filter)
        .order_by("on")
        .values_list("on", "score")
    )


def credit_score_provider(organisation: Organisation, on: dt.date) -> Decimal | None:
    """registry.hooks provider: None (无法核验) for a date it cannot answer."""
    try:
        return score_on(Subject(organisation=organisation), on)
    except (ValidationFailed, NotFound):
        return None


def organisation_subject(pk: int) -> Subject:
    org = Organisation.objects.filter(pk=pk).exclude(kind="regulator").first()
    if org is None:
        raise NotFound("单位不存在", code="organisation_not_found")
    return Subject(organisation=org)


def person_subject(pk: int) -> Subject:
    person = RegisteredPerson.objects.select_related("employer").filter(pk=pk).first()
    if person is None:
        raise NotFound("注册人员不存在", code="person_not_found")
    return Subject(person=person)


def latest_publication() -> CreditPublication | None:
    return CreditPublication.objects.order_by("-on").first()


def published_scores(*, q: str = "", kind: str = "") -> tuple[dt.date | None, QuerySet]:
    """The latest published day's organisation scores, best first (public page)."""
    publication = latest_publication()
    if publication is None:
        return None, CreditScore.objects.none()
    qs = CreditScore.objects.filter(on=publication.on, organisation__isnull=False).select_related(
        "organisation"
    )
    if q:
        qs = qs.filter(Q(organisation__name__icontains=q) | Q(organisation__credit_code=q.upper()))
    if kind:
        qs = qs.filter(organisation__kind=kind)
    return publication.on, qs.order_by("-score", "organisation__name")


def person_scores(*, on: dt.date, q: str = "") -> QuerySet:
    qs = CreditScore.objects.filter(on=on, person__isnull=False).select_related("person__employer")
    if q:
        qs = qs.filter(Q(person__name__icontains=q) | Q(person__certificate_number=q))
    return qs.order_by("-score", "person__name")
