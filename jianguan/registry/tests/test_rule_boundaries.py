"""Boundary tests of the one-active-project rule for registered constructors (《注册建造师管理
规定》第二十一条: a constructor may not lead two or more projects at once): the number of
active leads at the limit and one on each side, and the days on which a lead is active (its
start and end, one day each side), through the pure eligibility check, the selector that
gathers the facts and ``person_assign``, which refuses a further project and writes nothing.
The limit comes from rule data (``jianguan.rules.lookup.rule``); the dates are fixed.
``@pytest.mark.rule`` declares the codes covered (``jianguan/rules/tests/test_rule_coverage.py``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core.errors import Conflict
from jianguan.ledger.models import LedgerEntry
from jianguan.registry import eligibility as elig
from jianguan.registry import selectors, services
from jianguan.registry.models import AccessStandard, PersonAssignment
from jianguan.registry.tests.conftest import constructor
from jianguan.rules.lookup import rule

pytestmark = pytest.mark.usefixtures("rules_loaded")

ON = dt.date(2026, 6, 1)  # the fixed day of the assignment or the check
DAY = dt.timedelta(days=1)
VALID_TO = dt.date(2030, 12, 31)
ART = "《注册建造师管理规定》（建设部令第153号）第二十一条"
CODE = "registered_constructor.max_active_projects"
LEADING = "constructor_already_leading"


def _limit() -> int:
    found = rule(CODE, on=ON)
    assert found.unit == "count" and found.reference == ART
    return int(found.value)


def _lead(person, project, start=ON - 100 * DAY, end=None) -> PersonAssignment:
    """An active lead on record, written directly (the service would refuse the surplus)."""
    return PersonAssignment.objects.create(
        person=person, project=project, role="project_manager", start=start, end=end
    )


def _assign(actor, person, project, start=ON, end=None) -> PersonAssignment:
    return services.person_assign(
        actor=actor, person=person, project=project, role="project_manager", start=start, end=end
    )


def _state(person) -> tuple[int, int]:
    return PersonAssignment.objects.filter(person=person).count(), LedgerEntry.objects.count()


# --- the pure check ------------------------------------------------------------------------------


@pytest.mark.rule("registered_constructor.max_active_projects")
def test_pure_check_at_the_limit_and_one_each_side():
    """《注册建造师管理规定》第二十一条: a constructor leading fewer projects than the limit is
    free; at the limit or above it is not, and the reason cites the article."""
    n = _limit()
    criteria = elig.parse_criteria({"registered_constructor": {"min_grade": "一级"}})
    for active, free in ((n - 1, True), (n, False), (n + 1, False)):
        person = elig.PersonFact("王建华", "constructor", "一级", "建筑工程", VALID_TO, active)
        facts = elig.OrganisationFacts(name="甲公司", persons=(person,), max_active_projects=n)
        (reason,) = elig.evaluate(facts, criteria, ON).reasons
        assert reason.passed is free, f"{ART}: {active} 个在建项目"
        if not free:
            assert "第二十一条" in reason.message_zh and "王建华" in reason.message_zh


# --- the selector: which leads are active on the day -----------------------------------------


def _busy(organisation, standard) -> bool:
    result = selectors.eligibility(organisation, standard, on=ON)
    (reason,) = result["reasons"]
    assert reason["criterion"] == "registered_constructor"
    return not reason["passed"]


@pytest.mark.rule("registered_constructor.max_active_projects")
def test_eligibility_counts_the_leads_active_on_the_day(contractor, make_project):
    """《注册建造师管理规定》第二十一条 through selectors.eligibility: the limit from rule data
    against the leads active on the day (started on or before it, not ended before it)."""
    n = _limit()
    org = contractor.organisation
    standard = AccessStandard.objects.create(
        name="房建一级", criteria={"registered_constructor": {"min_grade": "一级"}}
    )
    person = constructor(org, valid_to=VALID_TO)
    facts = selectors.organisation_facts(org, ON)
    assert facts.max_active_projects == n, ART
    for _ in range(n - 1):
        _lead(person, make_project())
    assert not _busy(org, standard), f"{ART}: {n - 1} 个"
    extra = _lead(person, make_project())
    assert _busy(org, standard), f"{ART}: {n} 个"
    surplus = _lead(person, make_project())
    assert _busy(org, standard), f"{ART}: {n + 1} 个"
    surplus.delete()
    # the n-th lead: active on its first day and on its last, not a day outside them
    for start, end, busy in (
        (ON - 100 * DAY, ON - DAY, False),
        (ON - 100 * DAY, ON, True),
        (ON, None, True),
        (ON + DAY, None, False),
    ):
        PersonAssignment.objects.filter(pk=extra.pk).update(start=start, end=end)
        assert _busy(org, standard) is busy, f"{ART}: {start}–{end}"


# --- the service: a further project refused --------------------------------------------------


@pytest.mark.rule("registered_constructor.max_active_projects")
def test_person_assign_refuses_a_project_beyond_the_limit_and_writes_nothing(
    contractor, make_project
):
    """《注册建造师管理规定》第二十一条 through person_assign: below the limit a lead is taken;
    at the limit and one above it a further project is refused with the article, nothing
    written."""
    n = _limit()
    person = constructor(contractor.organisation, valid_to=VALID_TO)
    for _ in range(n - 1):
        _lead(person, make_project())
    taken = _assign(contractor, person, make_project())  # n − 1 active: free
    assert taken.pk and taken.start == ON, f"{ART}: {n - 1} 个"
    for active in (n, n + 1):
        assert PersonAssignment.objects.filter(person=person, end__isnull=True).count() == active
        project = make_project()
        before = _state(person)
        with pytest.raises(Conflict) as exc:
            _assign(contractor, person, project)
        assert exc.value.code == LEADING, f"{ART}: {active} 个"
        assert ART in exc.value.message and person.name in exc.value.message
        assert _state(person) == before, "refused: nothing written"
        _lead(person, make_project())  # one more on record for the next round


@pytest.mark.rule("registered_constructor.max_active_projects")
def test_person_assign_counts_a_lead_active_until_its_last_day(contractor, make_project):
    """《注册建造师管理规定》第二十一条 through person_assign: a lead that ended the day before
    the new one starts frees the constructor; one that ends on that day does not; a new lead
    that ends the day before another starts does not overlap it."""
    n = _limit()
    person = constructor(contractor.organisation, valid_to=VALID_TO)
    for _ in range(n - 1):
        _lead(person, make_project())
    earlier = _lead(person, make_project(), start=ON - 100 * DAY, end=ON)
    project = make_project()
    before = _state(person)
    with pytest.raises(Conflict) as exc:
        _assign(contractor, person, project)
    assert exc.value.code == LEADING and _state(person) == before, f"{ART}: ends on the day"
    PersonAssignment.objects.filter(pk=earlier.pk).update(end=ON - DAY)
    assert _assign(contractor, person, make_project()).start == ON, f"{ART}: ended the day before"
    # a lead that starts later: a new one ending the day before it is free, ending on it is not
    later_start = ON + 200 * DAY
    person2 = constructor(contractor.organisation, cert="京JZ0002", valid_to=VALID_TO)
    for _ in range(n - 1):
        _lead(person2, make_project())
    _lead(person2, make_project(), start=later_start)
    project = make_project()
    before = _state(person2)
    with pytest.raises(Conflict) as exc:
        _assign(contractor, person2, project, start=ON, end=later_start)
    assert exc.value.code == LEADING and _state(person2) == before, f"{ART}: overlaps a day"
    taken = _assign(contractor, person2, make_project(), start=ON, end=later_start - DAY)
    assert taken.end == later_start - DAY, f"{ART}: ends the day before"


@pytest.mark.rule("registered_constructor.max_active_projects")
def test_the_limit_is_the_rule_in_force_on_the_start_day(contractor, make_project):
    """《注册建造师管理规定》第二十一条: person_assign asks the rule data in force on the start
    day: a (hypothetical) district version allowing one more lead from a day lets the
    constructor take it from that day, not the day before."""
    from jianguan.rules.models import Rule

    n = _limit()
    national = Rule.objects.get(code=CODE, region="national")
    Rule.objects.create(
        code=CODE,
        name=national.name,
        value=n + 1,
        unit="count",
        reference=national.reference,
        region="daxing",
        effective_from=ON,
    )
    person = constructor(contractor.organisation, valid_to=VALID_TO)
    for _ in range(n):
        _lead(person, make_project(), start=ON - 100 * DAY)
    with pytest.raises(Conflict) as exc:
        _assign(contractor, person, make_project(), start=ON - DAY, end=ON - DAY)
    assert exc.value.code == LEADING, f"{ART}: old limit the day before"
    assert _assign(contractor, person, make_project(), start=ON).start == ON, "new limit"
    with pytest.raises(Conflict):  # n + 1 now active: the new limit is reached
        _assign(contractor, person, make_project(), start=ON + DAY)
    assert selectors.organisation_facts(contractor.organisation, ON).max_active_projects == n + 1
    assert selectors.organisation_facts(contractor.organisation, ON - DAY).max_active_projects == n
