from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError

from jianguan.accounts import credit_code as cc
from jianguan.accounts.models import OrganisationKind, Town
from jianguan.core.forms import StyledFormMixin

# One answer for every refused login, on every login page: whether the username exists, the
# password is wrong, the account is locked or this address is paused must not show.
LOGIN_REFUSED = "用户名或密码错误，或登录过于频繁，请稍后再试"


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        username, password = data.get("username"), data.get("password")
        if not username or not password:
            return data
        user = authenticate(self.request, username=username, password=password)
        if user is None:
            raise ValidationError(LOGIN_REFUSED, code="invalid_login")
        self.user = user
        return data


class AdminLoginForm(AdminAuthenticationForm):
    """The admin site's login (set in AccountsConfig.ready) with the same single answer."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": LOGIN_REFUSED,
        "inactive": LOGIN_REFUSED,
    }


class OrganisationForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="机构名称", max_length=200)
    kind = forms.ChoiceField(label="机构类型", choices=OrganisationKind.choices)
    credit_code = forms.CharField(
        label="统一社会信用代码", max_length=40, help_text="18 位，GB 32100 校验"
    )
    legal_representative = forms.CharField(label="法定代表人", max_length=50)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    town = forms.ModelChoiceField(
        label="所在乡镇街道", queryset=Town.objects.all(), required=False, empty_label="（未指定）"
    )

    def clean_credit_code(self) -> str:
        try:
            return cc.validate(self.cleaned_data["credit_code"])
        except cc.CreditCodeError as exc:
            raise ValidationError(str(exc), code="invalid_credit_code") from None


class OrganisationFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="名称或信用代码", required=False)
    kind = forms.ChoiceField(
        label="机构类型", choices=[("", "全部类型"), *OrganisationKind.choices], required=False
    )
    town = forms.ModelChoiceField(
        label="乡镇街道", queryset=Town.objects.all(), required=False, empty_label="全部乡镇街道"
    )
