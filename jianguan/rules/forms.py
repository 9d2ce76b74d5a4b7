from __future__ import annotations

from django import forms

from jianguan.core.forms import StyledFormMixin
from jianguan.rules.models import Region


class RuleFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="编码、名称或依据", required=False, max_length=100)
    region = forms.ChoiceField(
        label="地区", required=False, choices=[("", "全部地区"), *Region.choices]
    )
    verified = forms.ChoiceField(
        label="核对状态",
        required=False,
        choices=[("", "全部"), ("1", "已核对原文"), ("0", "待核对")],
    )


class WorkingDayForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label="起算日期", widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label="工作日数", min_value=0, max_value=366)


class CalendarOverrideForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label="当日为",
        choices=[("1", "工作日（调休上班）"), ("0", "休息日（节假日）")],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label="说明", max_length=200, required=False)
