"""The regulator's policy form: tags as one line separated by commas or spaces; targets as
organisation kinds and towns (leaving both empty pushes to every enterprise)."""

from __future__ import annotations

import re

from django import forms

from jianguan.accounts.models import OrganisationKind, Town

KINDS = [(k, v) for k, v in OrganisationKind.choices if k != "regulator"]


class PolicyForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    issuer = forms.CharField(label="发文机关", max_length=100)
    number = forms.CharField(label="文号", max_length=100, required=False)
    issued_on = forms.DateField(label="发布日期", widget=forms.DateInput(attrs={"type": "date"}))
    effective_on = forms.DateField(
        label="施行日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label="失效日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    summary = forms.CharField(
        label="摘要", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    full_text = forms.CharField(
        label="全文", max_length=200_000, widget=forms.Textarea(attrs={"rows": 12})
    )
    tags = forms.CharField(label="标签（以逗号分隔）", max_length=300, required=False)
    target_kinds = forms.MultipleChoiceField(
        label="推送机构类型（不选为全部企业）",
        choices=KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_towns = forms.ModelMultipleChoiceField(
        label="推送乡镇街道（不选为全区）",
        queryset=Town.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The page's look without a script (the CSP allows none inline): boxes but checkboxes.
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "form-control"

    def fields_for_service(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"],
            "issuer": d["issuer"],
            "number": d["number"],
            "issued_on": d["issued_on"],
            "effective_on": d["effective_on"],
            "expires_on": d["expires_on"],
            "summary": d["summary"],
            "full_text": d["full_text"],
            "tags": [t for t in re.split(r"[,，、\s]+", d["tags"] or "") if t],
            "target_kinds": d["target_kinds"],
            "town_ids": [t.pk for t in d["target_towns"]],
        }
