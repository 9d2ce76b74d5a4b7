"""Reads: credentials, access standards, eligibility, expiry, and the projects' credential facts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from jianguan.accounts.models import Organisation
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound
from jianguan.core.permissions import require
from jianguan.core.timeutil import today_local
from jianguan.registry import eligibility as elig
from jianguan.registry import hooks
from jianguan.registry.models import (
    AccessStandard,
    AssignmentRole,
    CertificateKind,
    PersonAssignment,
    Qualification,
    RegisteredPerson,
    SafetyLicence,
)
from jianguan.rules.lookup import rule_value

MAX_ACTIVE_RULE = "registered_constructor.max_active_projects"
# Stages after which a project counts as experience (业绩): completion accepted or later.
EXPERIENCE_STAGES = ("settlement", "warranty", "archived")


def credentials_of(*, actor: Actor, organisation: Organisation) -> dict[str, Any]:
    require(actor, "registry.view")
    return {
        "qualifications": list(Qualification.objects.filter(organisation=organisation)),
        "licences": list(SafetyLicence.objects.filter(organisation=organisation)),
        "persons": list(RegisteredPerson.objects.filter(employer=organisation)),
    }


def qualification_get(*, actor: Actor, pk: int) -> Qualification:
    require(actor, "registry.view")
    try:
        return Qualification.objects.select_related("organisation").get(pk=pk)
    except Qualification.DoesNotExist as exc:
        raise NotFound("资质不存在", code="qualification_not_found") from exc


def person_get(*, actor: Actor, pk: int) -> RegisteredPerson:
    require(actor, "registry.view")
    try:
        return RegisteredPerson.objects.select_related("employer").get(pk=pk)
    except RegisteredPerson.DoesNotExist as exc:
        raise NotFound("注册人员不存在", code="person_not_found") from exc


def standard_list(*, actor: Actor) -> QuerySet[AccessStandard]:
    require(actor, "registry.eligibility")
    return AccessStandard.objects.all()


def standard_get(*, actor: Actor, pk: int) -> AccessStandard:
    try:
        return standard_list(actor=actor).get(pk=pk)
    except AccessStandard.DoesNotExist as exc:
        raise NotFound("准入标准不存在", code="standard_not_found") from exc


# --- eligibility -----------------------------------------------------------------------------


def _active_leads(person_ids: list[int], on: dt.date) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for pid in (
        PersonAssignment.objects.filter(
            person_id__in=person_ids, role=AssignmentRole.PROJECT_MANAGER, start__lte=on
        )
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .values_list("person_id", flat=True)
    ):
        counts[pid] += 1
    return counts


def _experience(organisation: Organisation) -> tuple[elig.ExperienceFact, ...]:
    from jianguan.projects.models import Participant

    rows = (
        Participant.objects.filter(organisation=organisation, project__stage__in=EXPERIENCE_STAGES)
        .exclude(role="owner")
        .values_list("project__name", "project__budget", "project__type")
        .distinct()
    )
    return tuple(
        elig.ExperienceFact(name=n, value=Decimal(b or 0), project_type=t) for n, b, t in rows
    )


def organisation_facts(organisation: Organisation, on: dt.date) -> elig.OrganisationFacts:
    persons = list(RegisteredPerson.objects.filter(employer=organisation))
    leads = _active_leads([p.pk for p in persons], on)
    sanctions = hooks.sanction_provider(organisation, on)
    return elig.OrganisationFacts(
        name=organisation.name,
        qualifications=tuple(
            elig.QualificationFact(q.category, q.grade, q.valid_from, q.valid_to)
            for q in Qualification.objects.filter(organisation=organisation)
        ),
        licences=tuple(
            elig.LicenceFact(x.number, x.valid_from, x.valid_to)
            for x in SafetyLicence.objects.filter(organisation=organisation)
        ),
        persons=tuple(
            elig.PersonFact(p.name, p.kind, p.grade, p.specialty, p.valid_to, leads.get(p.pk, 0))
            for p in persons
        ),
        experience=_experience(organisation),
        credit_score=hooks.credit_score_provider(organisation, on),
        sanctions=None if sanctions is None else tuple(sanctions),
        max_active_projects=int(rule_value(MAX_ACTIVE_RULE, on=on)),
    )


def eligibility(
    organisation: Organisation, standard: AccessStandard, on: dt.date | None = None
) -> dict[str, Any]:
    """{passed, reasons: [{criterion, passed, message_zh}]}: every criterion, not only the first
    failure. Tendering and subcontract approval call this."""
    on = on or today_local()
    criteria = elig.parse_criteria(standard.criteria)
    return elig.evaluate(organisation_facts(organisation, on), criteria, on).as_dict()


def eligibility_check(
    *, actor: Actor, organisation: Organisation, standard: AccessStandard, on: dt.date | None
) -> dict[str, Any]:
    require(actor, "registry.eligibility")
    return eligibility(organisation, standard, on)


# --- expiry ----------------------------------------------------------------------------------


def _item(org: Organisation, kind: str, name: str, number: str, expires: dt.date, on: dt.date):
    return {
        "organisation_id": org.pk,
        "organisation": org.name,
        "kind": kind,
        "name": name,
        "number": number,
        "expires_on": expires,
        "days_left": (expires - on).days,
    }


def expiring(
    on: dt.date | None = None, within_days: int = 90, organisation: Organisation | None = None
) -> list[dict[str, Any]]:
    """Credentials whose validity ends on or before `on + within_days` (expired ones included),
    soonest first; only the latest of each qualification category / licence counts."""
    on = on or today_local()
    until = on + dt.timedelta(days=within_days)
    scope = {"organisation": organisation} if organisation is not None else {}
    out = []
    latest: dict[tuple, Qualification] = {}
    for q in Qualification.objects.filter(**scope).select_related("organisation"):
        key = (q.organisation_id, q.category)
        if key not in latest or q.valid_to > latest[key].valid_to:
            latest[key] = q
    for q in latest.values():
        if q.valid_to <= until:
            out.append(
                _item(
                    q.organisation, "资质", f"{q.category}{q.grade}资质", q.number, q.valid_to, on
                )
            )
    licences: dict[int, SafetyLicence] = {}
    for x in SafetyLicence.objects.filter(**scope).select_related("organisation"):
        if x.organisation_id not in licences or x.valid_to > licences[x.organisation_id].valid_to:
            licences[x.organisation_id] = x
    for x in licences.values():
        if x.valid_to <= until:
            out.append(
                _item(x.organisation, "安全生产许可证", "安全生产许可证", x.number, x.valid_to, on)
            )
    pscope = {"employer": organisation} if organisation is not None else {}
    for p in RegisteredPerson.objects.filter(valid_to__lte=until, **pscope).select_related(
        "employer"
    ):
        label = CertificateKind(p.kind).label
        out.append(
            _item(p.employer, label, f"{p.name}的{label}证书", p.certificate_number, p.valid_to, on)
        )
    out.sort(key=lambda i: (i["expires_on"], i["organisation"]))
    return out


def expiry_badge(expires_on: dt.date, on: dt.date | None = None) -> tuple[str, str]:
    """(css colour, Chinese text) for a validity end date."""
    left = (expires_on - (on or today_local())).days
    if left < 0:
        return "red", "已过期"
    if left <= 30:
        return "orange", f"{left} 天后到期"
    if left <= 90:
        return "yellow", f"{left} 天后到期"
    return "green", "有效"


# --- facts for the project warnings ----------------------------------------------------------


def credential_facts_batch(
    projects: list[Any], today: dt.date | None = None
) -> dict[int, dict[str, Any]]:
    """{project.pk: {"credentials": [...]}} for the `credential_expiry` warning rule:
    the participants' latest qualification per category and latest safety licence, and the
    certificates of the registered persons assigned to the project (assignments active on
    `today`, the day the warnings are computed for)."""
    from jianguan.projects.models import Participant

    ids = [p.pk for p in projects]
    today = today or today_local()
    orgs_of: dict[int, set[int]] = defaultdict(set)
    for pid, oid in Participant.objects.filter(project_id__in=ids, is_active=True).values_list(
        "project_id", "organisation_id"
    ):
        orgs_of[pid].add(oid)
    org_ids = set().union(*orgs_of.values()) if orgs_of else set()
    names = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    per_org: dict[int, list[dict]] = defaultdict(list)
    latest: dict[tuple, tuple] = {}
    for oid, cat, grade, valid_to in Qualification.objects.filter(
        organisation_id__in=org_ids
    ).values_list("organisation_id", "category", "grade", "valid_to"):
        if (oid, cat) not in latest or valid_to > latest[(oid, cat)][1]:
            latest[(oid, cat)] = (grade, valid_to)
    for (oid, cat), (grade, valid_to) in latest.items():
        per_org[oid].append(
            {
                "organisation": names[oid],
                "kind": "资质",
                "name": f"{cat}{grade}资质",
                "expires_on": valid_to,
            }
        )
    licences: dict[int, dt.date] = {}
    for oid, valid_to in SafetyLicence.objects.filter(organisation_id__in=org_ids).values_list(
        "organisation_id", "valid_to"
    ):
        licences[oid] = max(valid_to, licences.get(oid, valid_to))
    for oid, valid_to in licences.items():
        per_org[oid].append(
            {
                "organisation": names[oid],
                "kind": "安全生产许可证",
                "name": "安全生产许可证",
                "expires_on": valid_to,
            }
        )
    people: dict[int, list[dict]] = defaultdict(list)
    for a in (
        PersonAssignment.objects.filter(project_id__in=ids)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .select_related("person__employer")
    ):
        label = CertificateKind(a.person.kind).label
        people[a.project_id].append(
            {
                "organisation": a.person.employer.name,
                "kind": label,
                "name": f"{a.person.name}的{label}证书",
                "expires_on": a.person.valid_to,
            }
        )
    out = {}
    for pid in ids:
        items = [item for oid in sorted(orgs_of.get(pid, ())) for item in per_org.get(oid, [])]
        out[pid] = {"credentials": items + people.get(pid, [])}
    return out


def credential_facts(project: Any) -> dict[str, Any]:
    return credential_facts_batch([project])[project.pk]
