"""统一社会信用代码 (unified social credit code), GB 32100-2015.

18 characters from a 31-symbol alphabet (no I, O, Z, S, V): registration authority (1),
organisation category (1), administrative division (6 digits), organisation code
(9, GB 11714) and a check character computed over the first 17 with the weights of
GB 32100-2015 §4.2 (W_i = 3^(i-1) mod 31). Pure module: no Django.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714-1997 organisation code: 8 body characters and a check character.
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class CreditCodeError(ValueError):
    """Raised with a Chinese message that can be shown to the user as is."""


def check_character(first17: str) -> str:
    bad = sorted({ch for ch in first17 if ch not in _VALUE})
    if bad:
        raise CreditCodeError("统一社会信用代码含有不允许的字符：" + "、".join(bad))
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check(body8: str) -> str:
    total = sum(_ORG_ALPHABET.index(ch) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def validate(code: str) -> str:
    """Return the normalised code or raise CreditCodeError explaining what is wrong."""
    value = normalise(code)
    if len(value) != 18:
        raise CreditCodeError(f"统一社会信用代码应为 18 位，当前为 {len(value)} 位")
    bad = sorted({ch for ch in value if ch not in _VALUE})
    if bad:
        raise CreditCodeError(
            "统一社会信用代码含有不允许的字符：" + "、".join(bad) + "（不使用 I、O、Z、S、V）"
        )
    if not value[2:8].isdigit():
        raise CreditCodeError("统一社会信用代码第 3–8 位应为登记管理机关行政区划码（数字）")
    expected = check_character(value[:17])
    if value[17] != expected:
        raise CreditCodeError("统一社会信用代码校验位错误，请核对后重新输入")
    return value


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except CreditCodeError:
        return False
    return True


def build(authority: str, category: str, division: str, org_body8: str) -> str:
    """Compose a code whose embedded organisation code and final check are both right."""
    first17 = authority + category + division + org_body8 + org_code_check(org_body8)
    return first17 + check_character(first17)
