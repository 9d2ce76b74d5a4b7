"""The 18-digit citizen identity number (公民身份号码), GB 11643-1999: pure Python, no Django.

Layout: 6-digit address code, 8-digit birth date (YYYYMMDD), 3-digit sequence (odd for men,
even for women), 1 check character computed with ISO 7064 MOD 11-2 over the first 17 digits
(GB 11643-1999 §8.2), written "X" when its value is 10.

The platform keeps only the 18-digit form: the 15-digit numbers of before 1999 have been
replaced on every card in use.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# Weights W_i = 2^(i-1) mod 11 for positions 18..2 (GB 11643-1999 §8.2.1), left to right.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# The check character for each value of the weighted sum mod 11 (§8.2.2).
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


class IdCardError(ValueError):
    """A number that is not a valid identity number; `code` is stable, the message Chinese."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class IdCard:
    number: str  # normalised: 18 characters, upper-case X
    birth_date: dt.date
    male: bool

    @property
    def masked(self) -> str:
        return mask(self.number)


def normalise(raw: str) -> str:
    """Spaces dropped, a lower-case x read as X (people type both)."""
    return "".join(str(raw or "").split()).upper()


def check_char(first17: str) -> str:
    """The check character of the first 17 digits (ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise IdCardError("身份证号前17位必须是数字", "id_number_format")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def parse(raw: str, *, today: dt.date | None = None) -> IdCard:
    """The identity number read and checked: shape, check character, birth date (a real day,
    not in the future). Raises IdCardError with a Chinese message."""
    number = normalise(raw)
    if len(number) != 18:
        raise IdCardError(f"身份证号应为18位，收到{len(number)}位", "id_number_length")
    if not number.isascii() or not _SHAPE.fullmatch(number):
        raise IdCardError("身份证号前17位必须是数字，末位为数字或X", "id_number_format")
    if number[0] == "0":
        raise IdCardError("身份证号的地址码不能以0开头", "id_number_region")
    expected = check_char(number[:17])
    if number[17] != expected:
        raise IdCardError("身份证号校验位不正确，请核对号码", "id_number_check_digit")
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdCardError("身份证号中的出生日期不存在", "id_number_birth_date") from None
    if born.year < 1900 or (today is not None and born > today):
        raise IdCardError("身份证号中的出生日期不合理", "id_number_birth_date")
    return IdCard(number=number, birth_date=born, male=int(number[16]) % 2 == 1)


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except IdCardError:
        return False
    return True


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Full years of age on `on`: a year older on the birthday itself; one born on 29 February
    becomes a year older on 1 March in a common year (the conservative reading for a minimum
    working age)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def mask(raw: str) -> str:
    """Address code and the last four characters kept, the birth date and the rest hidden:
    110101********123X. Anything that is not 18 characters long is hidden whole but its end."""
    number = normalise(raw)
    if len(number) != 18:
        return "*" * max(len(number) - 2, 0) + number[-2:]
    return number[:6] + "*" * 8 + number[14:]


def mask_tail(raw: str, keep: int = 4) -> str:
    """A bank card (or any long number) with only its last `keep` characters shown."""
    digits = normalise(raw)
    if len(digits) <= keep:
        return "*" * len(digits)
    return "*" * (len(digits) - keep) + digits[-keep:]
