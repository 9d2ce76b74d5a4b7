"""Core helpers: Actor, domain errors, money and time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest

from jianguan.core import timeutil
from jianguan.core.actor import ANONYMOUS, SYSTEM, Actor
from jianguan.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from jianguan.core.money import DecimalProblem, strict_decimal, to_money


def test_actor_basics():
    assert not ANONYMOUS.is_authenticated
    assert SYSTEM.is_authenticated and SYSTEM.is_system
    actor = Actor(user_id=3, organisation_kind="owner", roles=frozenset({"staff", "signer"}))
    assert actor.is_authenticated
    assert actor.has_role("signer", "admin") and not actor.has_role("admin")
    assert actor.is_kind("owner", "designer") and not actor.is_kind("regulator")
    with pytest.raises(AttributeError):
        actor.user_id = 4  # frozen: an actor cannot be altered on the way through


def test_domain_errors_carry_status_code_and_message():
    cases = [
        (ValidationFailed, 400, "validation_error"),
        (PermissionDenied, 403, "permission_denied"),
        (NotFound, 404, "not_found"),
        (Conflict, 409, "conflict"),
    ]
    for cls, status, code in cases:
        exc = cls("出错了")
        assert isinstance(exc, DomainError)
        assert (exc.status, exc.code, exc.message) == (status, code, "出错了")
    exc = Conflict("重复", code="duplicate_credit_code", details={"k": 1})
    assert exc.as_dict() == {
        "code": "duplicate_credit_code",
        "message": "重复",
        "details": {"k": 1},
    }
    assert Conflict("x").code == "conflict"  # a per-instance code does not leak to the class


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", "1.00"),
        (2, "2.00"),
        ("0.005", "0.01"),
        ("0.004", "0.00"),
        ("-0.005", "-0.01"),
        ("12345678901234.565", "12345678901234.57"),
        (Decimal("3.14159"), "3.14"),
    ],
)
def test_to_money_rounds_half_up_to_cents(value, expected):
    result = to_money(value)
    assert isinstance(result, Decimal)
    assert str(result) == expected


def test_to_money_refuses_floats_and_garbage():
    with pytest.raises(TypeError, match="浮点数"):
        to_money(0.1)
    for bad in ("abc", "", "NaN", "Infinity", "1e", None):
        with pytest.raises(ValueError, match="无效金额"):
            to_money(bad)


@pytest.mark.parametrize(
    ("raw", "kwargs", "kind"),
    [
        (None, {}, "not_number"),
        (True, {}, "not_number"),
        ("abc", {}, "not_number"),
        ("NaN", {}, "not_finite"),
        ("-Infinity", {}, "not_finite"),
        ("-1", {"minimum": Decimal(0)}, "below_minimum"),
        ("100", {"int_digits": 2}, "too_large"),
        ("-100", {"int_digits": 2}, "too_large"),
        ("10.01", {"maximum": Decimal(10)}, "too_large"),
        ("1.234", {}, "too_many_places"),
        ("-1.5", {"minimum": Decimal(0), "int_digits": 0}, "below_minimum"),  # first check wins
    ],
)
def test_strict_decimal_names_the_problem(raw, kwargs, kind):
    with pytest.raises(DecimalProblem) as caught:
        strict_decimal(raw, places=2, **kwargs)
    assert caught.value.kind == kind
    assert isinstance(caught.value, ValueError)


def test_strict_decimal_returns_the_exact_value():
    assert str(strict_decimal(" 1.50 ", places=2)) == "1.50"
    assert str(strict_decimal("1.5000", places=2)) == "1.5000"  # not quantized
    assert str(strict_decimal(7, places=0, int_digits=1)) == "7"
    assert strict_decimal(Decimal("-3.1"), places=1) == Decimal("-3.1")
    assert str(strict_decimal("10", places=2, maximum=Decimal(10))) == "10"


def test_now_is_utc_aware():
    value = timeutil.now()
    assert value.tzinfo is not None
    assert value.utcoffset() == dt.timedelta(0)


def test_today_local_is_the_shanghai_date():
    late_utc = dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC)  # 00:30 on 2 March in Beijing
    with mock.patch("jianguan.core.timeutil.now", return_value=late_utc):
        assert timeutil.today_local() == dt.date(2026, 3, 2)
    early_utc = dt.datetime(2026, 3, 1, 15, 59, tzinfo=dt.UTC)
    with mock.patch("jianguan.core.timeutil.now", return_value=early_utc):
        assert timeutil.today_local() == dt.date(2026, 3, 1)


def test_to_local_and_iso_utc():
    value = dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)
    assert timeutil.to_local(value).hour == 11
    assert timeutil.iso_utc(value) == "2026-01-02T03:04:05.678Z"
    assert timeutil.iso_utc(timeutil.to_local(value)) == "2026-01-02T03:04:05.678Z"
