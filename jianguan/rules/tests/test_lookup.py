"""Rule lookup with precedence district > Beijing > national, and effective periods."""

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.core.errors import NotFound, PermissionDenied, ValidationFailed
from jianguan.ledger.models import LedgerEntry
from jianguan.rules import lookup, services
from jianguan.rules.models import CalendarOverride, Rule

D = dt.date


@pytest.fixture
def loaded(db):
    services.rules_sync_from_data()


def test_sync_is_idempotent_and_ledgered(db):
    first = services.rules_sync_from_data()
    entries = LedgerEntry.objects.filter(type="rule.loaded").count()
    assert first["created"] == first["total"] > 100
    assert entries == first["created"]
    again = services.rules_sync_from_data()
    assert again["created"] == again["updated"] == 0
    assert LedgerEntry.objects.filter(type__startswith="rule.").count() == entries


def test_bid_bond_max_is_two_percent_tiaoli_26(loaded):
    found = lookup.rule("bid_bond.ratio_max", on=D(2026, 6, 1), region="daxing")
    assert found.value == Decimal("0.02")
    assert "第二十六条" in found.reference
    assert found.region == "national"


def test_beijing_overrides_bond_refund_to_working_days_jing_tiaoli_38(loaded):
    beijing = lookup.rule("bid_bond.refund_after_contract", on=D(2026, 6, 1), region="beijing")
    national = lookup.rule("bid_bond.refund_after_contract", on=D(2026, 6, 1), region="national")
    daxing = lookup.rule("bid_bond.refund_after_contract", on=D(2026, 6, 1), region="daxing")
    assert (national.value, national.unit) == (5, "day")
    assert (beijing.value, beijing.unit) == (5, "working_day")
    assert daxing == beijing  # the district has no policy of its own: Beijing applies


def test_district_card_policy_yellow_after_two_failed_rectifications(loaded):
    found = lookup.rule("card.yellow_after_failed_rectifications", region="daxing")
    assert found.value == 2 and found.region == "daxing"
    # The district policy is not national law: nationally there is no such rule.
    with pytest.raises(NotFound):
        lookup.rule("card.yellow_after_failed_rectifications", region="national")


def test_effective_period_selects_the_version_in_force(loaded, regulator):
    before = lookup.rule("publicity.duration_min", on=D(2026, 6, 1))
    services.rule_override_set(
        actor=regulator,
        code="publicity.duration_min",
        value=5,
        effective_from=D(2027, 1, 1),
        reference="大兴区政策（测试）",
    )
    assert lookup.rule("publicity.duration_min", on=D(2026, 12, 31)).value == before.value == 3
    newer = lookup.rule("publicity.duration_min", on=D(2027, 1, 1))
    assert newer.value == 5 and newer.region == "daxing"
    assert lookup.rule("publicity.duration_min", on=D(2027, 1, 1), region="beijing").value == 3
    assert LedgerEntry.objects.filter(type="rule.overridden").count() == 1


def test_override_refused_for_non_admin_and_bad_values(loaded, contractor, regulator):
    with pytest.raises(PermissionDenied):
        services.rule_override_set(
            actor=contractor,
            code="publicity.duration_min",
            value=1,
            effective_from=D(2027, 1, 1),
            reference="x",
        )
    with pytest.raises(ValidationFailed):
        services.rule_override_set(
            actor=regulator,
            code="bid_bond.ratio_max",
            value="1.5",
            effective_from=D(2027, 1, 1),
            reference="超过 100% 的比例",
        )
    with pytest.raises(ValidationFailed):
        services.rule_override_set(
            actor=regulator,
            code="no.such_rule",
            value=1,
            effective_from=D(2027, 1, 1),
            reference="x",
        )
    assert not Rule.objects.filter(source="admin").exists()


def test_rule_not_yet_in_force_is_not_found(loaded):
    with pytest.raises(NotFound):
        lookup.rule("bid_bond.ratio_max", on=D(1990, 1, 1))


def test_calendar_override_applies_and_is_ledgered(db, regulator):
    assert lookup.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)
    services.calendar_override_set(
        actor=regulator, date=D(2026, 3, 9), is_workday=False, note="测试调休"
    )
    assert lookup.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 10)
    assert CalendarOverride.objects.count() == 1
    assert LedgerEntry.objects.filter(type="calendar.override_set").count() == 1


def test_unknown_year_is_a_clear_validation_error(db):
    with pytest.raises(ValidationFailed) as info:
        lookup.add_working_days(D(2035, 5, 6), 3)
    assert info.value.code == "calendar_unknown_year"


def test_provisional_clock_counts_weekdays_in_an_unpublished_year(db):
    # 2035-05-04 is a Friday: 3 working days later is Wednesday, weekends skipped
    assert lookup.add_working_days(D(2035, 5, 4), 3, provisional=True) == D(2035, 5, 9)
    # an override (the year's arrangement entered by hand) still wins
    CalendarOverride.objects.create(date=D(2035, 5, 7), is_workday=False, note="补录")
    assert lookup.add_working_days(D(2035, 5, 4), 3, provisional=True) == D(2035, 5, 10)
