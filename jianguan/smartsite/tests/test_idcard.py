"""The identity number (GB 11643-1999): check character, birth date, age, masking. No database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jianguan.smartsite.workers import idcard

# The standard's own example (GB 11643-1999 appendix): 11010519491231002X.
STANDARD_EXAMPLE = "11010519491231002X"


def make(region: str, born: dt.date, seq: str) -> str:
    first17 = f"{region}{born:%Y%m%d}{seq}"
    return first17 + idcard.check_char(first17)


def test_the_standards_example_is_valid():
    card = idcard.parse(STANDARD_EXAMPLE)
    assert card.birth_date == dt.date(1949, 12, 31)
    assert card.male is False  # sequence 002: even, a woman
    assert card.masked == "110105********002X"


def test_a_known_number_with_a_digit_check():
    first17 = "11010119900307653"
    total = sum(int(d) * w for d, w in zip(first17, idcard.WEIGHTS, strict=True))
    assert idcard.check_char(first17) == idcard.CHECK_CHARS[total % 11]
    assert idcard.WEIGHTS == tuple(pow(2, 17 - i, 11) for i in range(17))


def test_lower_case_x_and_spaces_are_read():
    assert idcard.parse(" 110105 19491231 002x ").number == STANDARD_EXAMPLE


@pytest.mark.parametrize(
    "raw, code",
    [
        ("11010519491231002", "id_number_length"),
        ("11010519491231002X1", "id_number_length"),
        ("", "id_number_length"),
        ("1101051949123100XX", "id_number_format"),
        ("11010519491231002Y", "id_number_format"),
        ("１１０１０５１９４９１２３１００２Ｘ", "id_number_format"),  # full-width digits
        ("110105194912310021", "id_number_check_digit"),
        ("01010519491231002X", "id_number_region"),
    ],
)
def test_bad_numbers_are_refused_with_a_stable_code(raw, code):
    with pytest.raises(idcard.IdCardError) as exc:
        idcard.parse(raw)
    assert exc.value.code == code
    assert exc.value.message  # a Chinese message for the user
    assert not idcard.is_valid(raw)


def test_an_impossible_birth_date_is_refused_even_with_a_right_check_char():
    first17 = "11010120010230123"
    with pytest.raises(idcard.IdCardError) as exc:
        idcard.parse(first17 + idcard.check_char(first17))
    assert exc.value.code == "id_number_birth_date"


def test_a_birth_date_in_the_future_is_refused():
    number = make("110101", dt.date(2030, 1, 1), "123")
    with pytest.raises(idcard.IdCardError) as exc:
        idcard.parse(number, today=dt.date(2026, 12, 6))
    assert exc.value.code == "id_number_birth_date"


@pytest.mark.parametrize(
    "born, on, age",
    [
        (dt.date(2010, 12, 7), dt.date(2026, 12, 6), 15),  # the day before the 16th birthday
        (dt.date(2010, 12, 6), dt.date(2026, 12, 6), 16),  # the birthday itself
        (dt.date(2008, 2, 29), dt.date(2024, 2, 28), 15),
        (dt.date(2008, 2, 29), dt.date(2024, 2, 29), 16),
        (dt.date(2008, 2, 29), dt.date(2025, 2, 28), 16),
        (dt.date(2008, 2, 29), dt.date(2025, 3, 1), 17),
    ],
)
def test_age_counts_full_years(born, on, age):
    assert idcard.age_on(born, on) == age


def test_masks():
    assert idcard.mask("110101199003076538") == "110101********6538"
    assert idcard.mask("123") == "*23"
    assert idcard.mask_tail("6222 0212 3456 7890 123") == "*" * 15 + "0123"
    assert idcard.mask_tail("12") == "**"


dates = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2025, 12, 31))
regions = st.sampled_from(["110101", "110115", "130102", "510104", "650102"])
seqs = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")


@settings(max_examples=200)
@given(regions, dates, seqs)
def test_every_generated_number_parses_back(region, born, seq):
    number = make(region, born, seq)
    card = idcard.parse(number, today=dt.date(2026, 1, 1))
    assert card.birth_date == born
    assert card.male == (int(seq[-1]) % 2 == 1)
    masked = idcard.mask(number)
    assert len(masked) == 18 and masked[:6] == region and masked[14:] == number[14:]
    assert born.strftime("%Y%m%d") not in masked


@settings(max_examples=200)
@given(regions, dates, seqs, st.integers(min_value=0, max_value=16), st.integers(1, 9))
def test_any_single_digit_change_is_caught(region, born, seq, position, delta):
    """MOD 11-2 detects every single-digit substitution (the weights are non-zero mod 11)."""
    number = make(region, born, seq)
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    assert not idcard.is_valid(changed) or changed == number


@settings(max_examples=200)
@given(st.text(max_size=30))
def test_arbitrary_text_never_crashes(raw):
    try:
        idcard.parse(raw)
    except idcard.IdCardError as exc:
        assert exc.code.startswith("id_number_")
    idcard.mask(raw)


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("11010519491231002", "id_number_length", "身份证号应为18位，收到17位"),
        ("11010519491231002Y", "id_number_format", "身份证号前17位必须是数字，末位为数字或X"),
        ("01010519491231002X", "id_number_region", "身份证号的地址码不能以0开头"),
        ("110105194912310021", "id_number_check_digit", "身份证号校验位不正确，请核对号码"),
        ("11010120010230123" + idcard.check_char("11010120010230123"), "id_number_birth_date",
         "身份证号中的出生日期不存在"),
        (make("110101", dt.date(1899, 12, 31), "123"), "id_number_birth_date",
         "身份证号中的出生日期不合理"),
    ],
)  # fmt: skip
def test_each_refusal_says_exactly_why(raw, code, message):
    with pytest.raises(idcard.IdCardError) as exc:
        idcard.parse(raw)
    assert (exc.value.code, exc.value.message, str(exc.value)) == (code, message, message)


def test_birth_year_1900_and_a_birth_today_are_accepted():
    assert idcard.parse(make("110101", dt.date(1900, 1, 1), "123")).birth_date.year == 1900
    today = dt.date(2026, 12, 6)
    assert idcard.parse(make("110101", today, "124"), today=today).birth_date == today


@pytest.mark.parametrize(
    "first17",
    [
        "1101051949123100",
        "110105194912310020",
        "１１０１０５１９４９１２３１００２",
        "1101051949123100a",
    ],
)
def test_the_check_character_needs_17_ascii_digits(first17):
    with pytest.raises(idcard.IdCardError) as exc:
        idcard.check_char(first17)
    assert (exc.value.code, exc.value.message) == ("id_number_format", "身份证号前17位必须是数字")


def test_is_valid_masks_and_normalising_at_their_edges():
    assert idcard.is_valid(STANDARD_EXAMPLE) is True
    assert idcard.is_valid("110105194912310021") is False
    assert idcard.normalise(None) == "" and idcard.normalise(" 1 2x ") == "12X"
    assert idcard.mask("") == "" and idcard.mask("7") == "7" and idcard.mask("12345") == "***45"
    assert idcard.mask_tail("1234") == "****" and idcard.mask_tail("12345") == "*2345"
    assert idcard.mask_tail("123", keep=4) == "***" and idcard.mask_tail("") == ""
    assert idcard.mask_tail("6222 0210 0112 3456 789", keep=3) == "*" * 16 + "789"
