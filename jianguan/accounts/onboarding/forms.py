"""Forms of onboarding and people. The services check everything again (the API and the
demo call them too); the forms give each error its field, in Chinese."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm

from jianguan.accounts.models import APPLICANT_KINDS, OrganisationKind, Role
from jianguan.core.errors import DomainError
from jianguan.core.forms import StyledFormMixin

KIND_LABELS = dict(OrganisationKind.choices)
ROLE_LABELS = dict(Role.choices)


class ApplicationForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="机构名称", max_length=200)
    kind = forms.ChoiceField(
        label="机构类型", choices=[("", "请选择"), *((k, KIND_LABELS[k]) for k in APPLICANT_KINDS)]
    )
    credit_code = forms.CharField(
        label="统一社会信用代码", max_length=40, help_text="18 位，按 GB 32100 校验"
    )
    legal_representative = forms.CharField(label="法定代表人", max_length=50)
    address = forms.CharField(label="地址", max_length=200, required=False)
    admin_name = forms.CharField(label="管理员姓名", max_length=50)
    admin_phone = forms.CharField(label="管理员手机号", max_length=20)
    admin_email = forms.CharField(
        label="管理员电子邮箱",
        max_length=150,
        help_text="通过后以此邮箱为用户名，设置密码的链接发往此邮箱",
    )
    licence = forms.FileField(
        label="营业执照扫描件", help_text="PDF、JPEG 或 PNG，不超过 20 MB", required=True
    )

    def __init__(self, *args, licence_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licence"].required = licence_required
        if not licence_required:
            self.fields["licence"].help_text = "如需更换请重新上传，否则沿用已提交的扫描件"


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="审核结论", choices=[("approve", "通过"), ("return", "退回修改")]
    )
    reasons = forms.CharField(
        label="审核意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class InviteForm(StyledFormMixin, forms.Form):
    display_name = forms.CharField(label="姓名", max_length=50)
    username = forms.CharField(label="用户名", max_length=150, help_text="字母、数字或 _ . @ + -")
    email = forms.CharField(
        label="电子邮箱", max_length=150, required=False, help_text="填写后将设置密码链接发往此邮箱"
    )
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    roles = RolesField(label="角色", choices=())

    def __init__(self, *args, allowed: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r, ROLE_LABELS.get(r, r)) for r in allowed]
        self.fields["roles"].widget.attrs["class"] = "form-check-input"


class RolesForm(StyledFormMixin, forms.Form):
    roles = RolesField(label="角色", choices=())

    def __init__(self, *args, allowed: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r, ROLE_LABELS.get(r, r)) for r in allowed]
        self.fields["roles"].widget.attrs["class"] = "form-check-input"


class ProfileForm(StyledFormMixin, forms.Form):
    display_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    email = forms.CharField(label="电子邮箱", max_length=150, required=False)


class PasswordChangeForm(StyledFormMixin, forms.Form):
    old_password = forms.CharField(label="原密码", strip=False, widget=forms.PasswordInput)
    new_password1 = forms.CharField(label="新密码", strip=False, widget=forms.PasswordInput)
    new_password2 = forms.CharField(label="确认新密码", strip=False, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if (
            data.get("new_password1")
            and data.get("new_password2")
            and data["new_password1"] != data["new_password2"]
        ):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class ResetRequestForm(StyledFormMixin, PasswordResetForm):
    """Django's reset-by-e-mail form in Chinese (it says nothing about whether the address
    belongs to anyone)."""

    email = forms.EmailField(label="电子邮箱", max_length=254)


class LinkSetPasswordForm(StyledFormMixin, SetPasswordForm):
    """The one-time link's form: the password is written by the service (ledgered), not by
    Django's form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "确认新密码"

    def save(self, commit: bool = True):
        from jianguan.accounts.actors import actor_for
        from jianguan.accounts.onboarding.people import password_set_by_link

        # The person sets its own password (the link proved who it is).
        return password_set_by_link(
            actor=actor_for(self.user),
            user=self.user,
            new_password=self.cleaned_data["new_password1"],
        )


def add_errors(form: forms.Form, exc: DomainError) -> None:
    """A service's error onto the form: each detail on its field, else the whole form."""
    details = exc.details if isinstance(exc.details, dict) else {}
    placed = False
    for field, message in details.items():
        if field in form.fields and isinstance(message, str):
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)
