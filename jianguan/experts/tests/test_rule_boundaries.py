"""Boundary tests of the expert-pool rules: the minimum years of experience of an evaluation
expert (招标投标法第三十七条) and the employment look-back of the conflict rules
(政府采购法实施条例第九条), each at its limit and one unit (a year of experience; a day of
employment) on each side, through the pure draw and through the services that apply them.
The limits come from rule data (``jianguan.rules.lookup.rule``); the day is fixed (the services'
clock is pinned), so nothing moves across midnight in Shanghai.
``@pytest.mark.rule`` declares the codes covered (``jianguan/rules/tests/test_rule_coverage.py``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core.actor import SYSTEM
from jianguan.core.errors import ValidationFailed
from jianguan.experts import draw, services
from jianguan.experts.models import Committee, Employment, Expert, Member
from jianguan.ledger.models import LedgerEntry
from jianguan.rules.lookup import rule
from jianguan.tendering.models import Tender
from jianguan.tendering.tests.test_services import _tender

ON = dt.date(2026, 6, 10)  # the fixed day of registration and of the draw
AT = dt.datetime(2026, 6, 10, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai, on ON
DAY = dt.timedelta(days=1)
ART_37 = "招标投标法第三十七条"
ART_9 = "《中华人民共和国政府采购法实施条例》第九条"
EXPERIENCE = "expert.experience_years_min"
LOOKBACK = "expert.procurement_conflict_lookback"
TENDERER = "91110115TENDERER01"
BIDDER = "91110115BIDDERAAAA"


@pytest.fixture
def pinned(monkeypatch):
    """The experts services' clock on the fixed day."""
    monkeypatch.setattr(services, "now", lambda: AT)
    return AT


def _years(code: str) -> int:
    found = rule(code, on=ON)
    assert found.unit == "year", code
    return int(found.value)


def _years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years)  # ON is no 29 February


def _district_version(code: str, value: int) -> None:
    """A district version of a national rule, in force from ON."""
    from jianguan.rules.models import Rule

    national = Rule.objects.get(code=code, region="national")
    Rule.objects.create(
        code=code,
        name=national.name,
        value=value,
        unit=national.unit,
        reference=national.reference,
        region="daxing",
        effective_from=ON,
    )


def _register(years: int, name: str = "张三", specialty: str = "J01") -> Expert:
    return services.expert_register(
        actor=SYSTEM,
        name=name,
        title="senior",
        experience_years=years,
        specialties_codes=[specialty],
    )


# --- 招标投标法 37: at least 8 years in the field ----------------------------------------------


@pytest.mark.rule("expert.experience_years_min")
def test_registration_refuses_one_year_short_and_takes_the_limit_and_one_more(world, pinned):
    """《中华人民共和国招标投标法》第三十七条: an evaluation expert has worked in the field for
    at least 8 years; one year fewer is refused and nothing is written."""
    n = _years(EXPERIENCE)
    assert "第三十七条" in rule(EXPERIENCE, on=ON).reference
    before = Expert.objects.count(), LedgerEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        _register(n - 1)
    assert exc.value.code == "experience_too_short", ART_37
    assert f"满{n}年" in exc.value.message and ART_37 in exc.value.message
    assert (Expert.objects.count(), LedgerEntry.objects.count()) == before, "refused: no change"
    for years in (n, n + 1):
        expert = _register(years, name=f"专家{years}")
        assert Expert.objects.get(pk=expert.pk).experience_years == years, f"{ART_37}: {years}"
    assert Expert.objects.count() == before[0] + 2


@pytest.mark.rule("expert.experience_years_min")
def test_the_minimum_is_the_rule_in_force_on_the_day(world, pinned):
    """《中华人民共和国招标投标法》第三十七条: the service asks the rule data, not a number of
    its own: a district version of the rule in force on the day moves the limit with it."""
    n = _years(EXPERIENCE)
    _district_version(EXPERIENCE, n + 2)
    with pytest.raises(ValidationFailed) as exc:
        _register(n + 1)
    assert exc.value.code == "experience_too_short" and f"满{n + 2}年" in exc.value.message
    assert _register(n + 2).experience_years == n + 2


# --- 政府采购法实施条例 9: employment by a party within the last 3 years ---------------------


def _request(years: int) -> draw.Request:
    return draw.Request(
        tender="DX-2026-001",
        on=ON,
        tenderer=TENDERER,
        agency=None,
        bidders=frozenset({BIDDER}),
        needs=(("J01", 1),),
        lookback_years=years,
    )


def _candidate(i: int, org: str, ended: dt.date) -> draw.Candidate:
    return draw.Candidate(
        id=i,
        name=f"专家{i}",
        specialties=frozenset({"J01"}),
        economic=False,
        employments=(draw.Employment(org, dt.date(2000, 1, 1), ended),),
    )


@pytest.mark.rule("expert.procurement_conflict_lookback")
def test_employment_ended_on_the_cutoff_excludes_a_day_earlier_does_not(rules):
    """《中华人民共和国政府采购法实施条例》第九条: employment by a party in the 3 years before
    the draw excludes the expert: one that ended exactly 3 years before the draw day (or a day
    later) still counts, one that ended the day before that does not."""
    n = _years(LOOKBACK)
    assert ART_9 in rule(LOOKBACK, on=ON).reference
    cutoff = _years_before(ON, n)
    request = _request(n)
    for org, role in ((TENDERER, "招标人"), (BIDDER, "投标人")):
        for ended, excluded in ((cutoff - DAY, False), (cutoff, True), (cutoff + DAY, True)):
            reasons = draw.exclusions(_candidate(1, org, ended), request)
            want = [f"近{n}年曾受雇于{role} {org}"] if excluded else []
            assert reasons == want, f"{ART_9}: {role} ended {ended}"
    # the snapshot the draw commits to leaves the excluded out
    pool = [_candidate(i, TENDERER, cutoff + (i - 2) * DAY) for i in (1, 2, 3)]
    _digest, eligible, excluded = draw.pool_snapshot(pool, request)
    assert eligible == [1] and sorted(excluded) == [2, 3], ART_9


@pytest.fixture
def rules(db):
    from jianguan.rules.services import rules_sync_from_data

    rules_sync_from_data()


NEEDS = [("J01", 3), ("E01", 2)]  # five, odd: the smallest committee 法 37 allows


def _clean_pool() -> None:
    """Two technical and two economic experts with no conflict: with one more technical expert
    the committee can be drawn, without it not."""
    for i in range(2):
        _register(12, name=f"技术专家{i}")
        _register(15, name=f"经济专家{i}", specialty="E01")


def _drawable(market) -> Tender:
    tender = _tender(market)
    Tender.objects.filter(pk=tender.pk).update(status="opening")
    return Tender.objects.get(pk=tender.pk)


@pytest.mark.rule("expert.procurement_conflict_lookback")
def test_committee_draw_excludes_employment_up_to_the_cutoff(market, pinned):
    """《中华人民共和国政府采购法实施条例》第九条 through committee_draw: three experts once
    employed by the tenderer, the employment ending a day before the cut-off, on it and a day
    after; only the first may be drawn, the others are excluded with the reason."""
    n = _years(LOOKBACK)
    cutoff = _years_before(ON, n)
    tender = _drawable(market)
    tenderer = tender.tenderer
    experts = {}
    for ended in (cutoff - DAY, cutoff, cutoff + DAY):
        expert = _register(12, name=f"离职于{ended.isoformat()}")
        services.employment_add(
            actor=SYSTEM,
            expert=expert,
            organisation_code=tenderer.credit_code,
            organisation_name=tenderer.name,
            start=dt.date(2000, 1, 1),
            end=ended,
        )
        experts[ended] = expert
    _clean_pool()
    committee = services.committee_draw(
        actor=market["actors"]["regulator"], tender=tender, needs=NEEDS
    )
    reason = f"近{n}年曾受雇于招标人 {tenderer.credit_code}"
    for ended, excluded in ((cutoff - DAY, False), (cutoff, True), (cutoff + DAY, True)):
        pk = experts[ended].pk
        if excluded:
            assert committee.excluded[str(pk)] == [reason], f"{ART_9}: ended {ended}"
        else:
            assert str(pk) not in committee.excluded, f"{ART_9}: ended {ended}"
    # three technical seats, three eligible technical experts: the one not excluded sits
    drawn = set(committee.members.values_list("expert_id", flat=True))
    assert experts[cutoff - DAY].pk in drawn
    assert not drawn & {experts[cutoff].pk, experts[cutoff + DAY].pk}
    assert Member.objects.filter(committee=committee, sat_on=ON).count() == 5


@pytest.mark.rule("expert.procurement_conflict_lookback")
def test_committee_draw_refused_when_only_conflicted_experts_remain(market, pinned):
    """《中华人民共和国政府采购法实施条例》第九条 through committee_draw: the only technical
    expert left the tenderer exactly 3 years ago: no committee can be drawn, nothing written."""
    n = _years(LOOKBACK)
    tender = _drawable(market)
    expert = _register(12)
    Employment.objects.create(
        expert=expert,
        organisation_code=tender.tenderer.credit_code,
        organisation_name=tender.tenderer.name,
        start=dt.date(2000, 1, 1),
        end=_years_before(ON, n),
    )
    _clean_pool()
    before = LedgerEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.committee_draw(actor=market["actors"]["regulator"], tender=tender, needs=NEEDS)
    assert exc.value.code == "too_few_experts", ART_9
    assert not Committee.objects.exists() and not Member.objects.exists()
    assert LedgerEntry.objects.count() == before
    # a day later the employment has left the window: the same expert may be drawn
    Employment.objects.filter(expert=expert).update(end=_years_before(ON, n) - DAY)
    committee = services.committee_draw(
        actor=market["actors"]["regulator"], tender=tender, needs=NEEDS
    )
    assert committee.members.filter(expert=expert).exists(), ART_9


@pytest.mark.rule("expert.procurement_conflict_lookback")
def test_committee_draw_looks_back_as_far_as_the_rule_in_force(market, pinned):
    """《中华人民共和国政府采购法实施条例》第九条: the draw asks the rule data for the look-back:
    with a longer one in force on the day, an employment that ended a day before the old
    cut-off excludes the expert too."""
    n = _years(LOOKBACK)
    _district_version(LOOKBACK, n + 1)
    tender = _drawable(market)
    expert = _register(12)
    services.employment_add(
        actor=SYSTEM,
        expert=expert,
        organisation_code=tender.tenderer.credit_code,
        organisation_name=tender.tenderer.name,
        start=dt.date(2000, 1, 1),
        end=_years_before(ON, n) - DAY,
    )
    _clean_pool()
    _register(12, name="技术专家2")
    committee = services.committee_draw(
        actor=market["actors"]["regulator"], tender=tender, needs=NEEDS
    )
    reason = f"近{n + 1}年曾受雇于招标人 {tender.tenderer.credit_code}"
    assert committee.excluded[str(expert.pk)] == [reason], ART_9
