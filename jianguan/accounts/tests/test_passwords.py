"""Password policy: >= 10 characters from at least two classes; Chinese messages."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.password_validation import validate_password as django_validate
from django.core.exceptions import ValidationError

from jianguan.accounts.passwords import ComplexityValidator

validator = ComplexityValidator(min_length=10)


@pytest.mark.parametrize("password", ["", "Ab1!", "Abcdefgh1"])
def test_short_passwords_are_refused(password):
    with pytest.raises(ValidationError) as info:
        validator.validate(password)
    assert info.value.code == "password_too_short"
    assert "至少需要 10 个字符" in info.value.messages[0]


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaa", "123456789012", "ABCDEFGHIJKL", "!@#$%^&*()_+", "建设工程管理平台系统"],
)
def test_one_character_class_is_refused(password):
    with pytest.raises(ValidationError) as info:
        validator.validate(password)
    assert info.value.code == "password_one_class"
    assert "不能只由一类字符组成" in info.value.messages[0]


@pytest.mark.parametrize(
    "password", ["abcdefghi1", "Abcdefghij", "abcdefghi!", "1234567890!", "建设工程2026abc"]
)
def test_mixed_passwords_are_accepted(password):
    validator.validate(password)  # no exception


def test_min_length_is_configurable():
    ComplexityValidator(min_length=4).validate("ab1c")
    with pytest.raises(ValidationError):
        ComplexityValidator(min_length=12).validate("abcdefghi1")


def test_help_text_is_chinese():
    assert "至少 10 个字符" in validator.get_help_text()


def test_settings_wire_the_policy():
    """AUTH_PASSWORD_VALIDATORS really applies it (and Django's common-password list)."""
    with pytest.raises(ValidationError) as info:
        django_validate("aaaaaaaaaaaa")
    assert any("一类字符" in m for m in info.value.messages)
    with pytest.raises(ValidationError):
        django_validate("short1")
    django_validate("Daxing-Jianguan-7")
    assert any("至少 10 个字符" in t for t in password_validators_help_texts())


def test_user_create_refuses_a_weak_password(db, system_actor):
    from jianguan.accounts import services
    from jianguan.accounts.models import User
    from jianguan.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as info:
        services.user_create(actor=system_actor, username="weak", password="123456789012")
    assert info.value.code == "weak_password"
    assert "一类字符" in info.value.message
    assert not User.objects.filter(username="weak").exists()
