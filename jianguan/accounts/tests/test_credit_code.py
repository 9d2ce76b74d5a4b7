"""统一社会信用代码 (GB 32100-2015): the pure validator."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jianguan.accounts import credit_code as cc

# Published codes of well-known companies (from their business licences). Each one passes
# both the GB 32100 check character and the embedded GB 11714 organisation-code check.
PUBLISHED = [
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91110108551385082Q",  # 北京小米科技有限责任公司
    "91110000802100433B",  # 北京百度网讯科技有限公司
    "91350100M000100Y43",  # the worked example used with GB 32100-2015
]

DIGITS = "0123456789"


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code):
    assert cc.check_character(code[:17]) == code[17]
    assert cc.org_code_check(code[8:16]) == code[16]
    assert cc.validate(code) == code
    assert cc.is_valid(code)


@pytest.mark.parametrize(
    "parts",
    [
        ("9", "1", "110115", "10000001"),
        ("1", "2", "110115", "MA01ABCD"),
        ("5", "1", "310000", "00000000"),
        ("Y", "1", "440300", "12345678"),
    ],
)
def test_build_produces_valid_codes(parts):
    code = cc.build(*parts)
    assert len(code) == 18
    assert code.startswith("".join(parts))
    assert cc.org_code_check(parts[3]) == code[16]
    assert cc.validate(code) == code


@pytest.mark.parametrize("body", ["ZZZZZZZZ", "SOIV0000"])
def test_build_refuses_letters_outside_the_alphabet(body):
    # GB 11714 allows Z or S in an organisation code, GB 32100 does not: a clear error,
    # not a KeyError from deep inside.
    with pytest.raises(cc.CreditCodeError, match="不允许的字符"):
        cc.build("9", "1", "440300", body)


def test_build_check_characters_are_the_known_ones():
    # Hand-computed with W_i = 3^(i-1) mod 31 and the GB 11714 weights.
    assert cc.org_code_check("19220382") == "1"
    assert cc.org_code_check("71526726") == "X"
    assert cc.check_character("91440300192203821") == "6"
    assert cc.build("9", "1", "440300", "19220382") == "914403001922038216"


def test_weights_are_powers_of_three_mod_31():
    assert cc.WEIGHTS == tuple(pow(3, i, 31) for i in range(17))


@pytest.mark.parametrize("code", ["", "9111011510000001", "91110115100000010XX", "9" * 17])
def test_wrong_length_is_refused_with_length_in_message(code):
    with pytest.raises(cc.CreditCodeError) as info:
        cc.validate(code)
    assert "18 位" in str(info.value)
    assert f"当前为 {len(code)} 位" in str(info.value)
    assert not cc.is_valid(code)


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_forbidden_letters_are_refused(letter):
    good = PUBLISHED[0]
    bad = good[:10] + letter + good[11:]
    with pytest.raises(cc.CreditCodeError) as info:
        cc.validate(bad)
    message = str(info.value)
    assert "不允许的字符" in message
    assert letter in message


def test_non_digit_division_is_refused():
    code = cc.build("9", "1", "110115", "10000001")
    first17 = code[:2] + "A" + code[3:17]
    bad = first17 + cc.check_character(first17)
    with pytest.raises(cc.CreditCodeError, match="行政区划"):
        cc.validate(bad)


@pytest.mark.parametrize("code", PUBLISHED)
def test_wrong_check_character_is_refused(code):
    for ch in cc.ALPHABET:
        if ch == code[17]:
            continue
        with pytest.raises(cc.CreditCodeError, match="校验位错误"):
            cc.validate(code[:17] + ch)


def test_single_character_typo_is_detected():
    code = PUBLISHED[1]
    for pos in range(17):
        for ch in cc.ALPHABET:
            if ch == code[pos] or (2 <= pos < 8 and not ch.isdigit()):
                continue
            assert not cc.is_valid(code[:pos] + ch + code[pos + 1 :]), (pos, ch)


@pytest.mark.parametrize("code", PUBLISHED)
def test_lower_case_and_spaces_are_normalised(code):
    assert cc.validate("  " + code.lower() + " ") == code
    assert cc.is_valid(code.lower())


def test_none_and_empty_are_refused():
    assert not cc.is_valid("")
    assert not cc.is_valid(None)  # type: ignore[arg-type]


_prefix17 = st.tuples(
    st.text(cc.ALPHABET, min_size=2, max_size=2),
    st.text(DIGITS, min_size=6, max_size=6),
    st.text(cc.ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(prefix=_prefix17, other=st.sampled_from(cc.ALPHABET + "IOZSV"))
def test_property_only_the_computed_check_character_validates(prefix, other):
    check = cc.check_character(prefix)
    assert check in cc.ALPHABET
    assert cc.validate(prefix + check) == prefix + check
    assert cc.validate((prefix + check).lower()) == prefix + check
    if other != check:
        assert not cc.is_valid(prefix + other)


@given(prefix=_prefix17)
def test_property_weighted_sum_including_check_is_zero_mod_31(prefix):
    code = prefix + cc.check_character(prefix)
    values = [cc.ALPHABET.index(ch) for ch in code]
    assert (sum(v * w for v, w in zip(values, cc.WEIGHTS, strict=False)) + values[17]) % 31 == 0
