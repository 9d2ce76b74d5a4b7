"""Forms of the regulator's personal blacklist page."""

from __future__ import annotations

from django import forms

from jianguan.core.models import choices
from jianguan.smartsite.workers import workflow
from jianguan.smartsite.workers.forms import Styled


class BlacklistForm(Styled):
    id_number = forms.CharField(label="身份证号", max_length=30)
    name = forms.CharField(
        label="姓名", max_length=50, required=False, help_text="已实名登记的可不填"
    )
    basis = forms.ChoiceField(label="列入依据", choices=choices(workflow.BLACKLIST_BASES))
    article = forms.CharField(label="依据条款", max_length=100, help_text="如：第四十八条")
    reason = forms.CharField(label="列入原因", max_length=500)
    valid_from = forms.DateField(label="列入日期", widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label="截止日期",
        required=False,
        help_text="不填为长期，直至移出",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class BlacklistLiftForm(forms.Form):
    reason = forms.CharField(label="移出原因", max_length=300)
