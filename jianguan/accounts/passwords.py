"""Password policy: at least 10 characters and more than one character class."""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError


def _classes(password: str) -> int:
    groups = [
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
        any(c.isalpha() and not c.isascii() for c in password),
    ]
    return sum(groups)


class ComplexityValidator:
    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码至少需要 {self.min_length} 个字符", code="password_too_short"
            )
        if _classes(password) < 2:
            raise ValidationError(
                "密码不能只由一类字符组成，请混合使用字母、数字或符号", code="password_one_class"
            )

    def get_help_text(self) -> str:
        return f"密码至少 {self.min_length} 个字符，且包含至少两类字符（字母、数字、符号）。"
