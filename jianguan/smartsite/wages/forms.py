"""Forms of the wage pages: shape only; the services check the rules."""

from __future__ import annotations

from django import forms

from jianguan.core.models import choices
from jianguan.smartsite.wages import workflow
from jianguan.smartsite.workers import workflow as workers_workflow


class AccountForm(forms.Form):
    bank = forms.CharField(label="开户银行", max_length=80)
    account_number = forms.CharField(label="账号", max_length=40)
    opened_on = forms.DateField(label="开户日期", widget=forms.DateInput(attrs={"type": "date"}))
    pay_day = forms.IntegerField(label="每月工资支付日", min_value=1, max_value=31)
    labour_officer_name = forms.CharField(label="劳资专管员", max_length=50)
    labour_officer_phone = forms.CharField(label="劳资专管员电话", max_length=20)


class RateForm(forms.Form):
    employer = forms.TypedChoiceField(label="用工单位", coerce=int, required=False)
    trade = forms.ChoiceField(label="工种", required=False)
    contract = forms.TypedChoiceField(label="或：劳动合同", coerce=int, required=False)
    daily_rate = forms.CharField(label="日工资（元）", max_length=20)

    def __init__(self, *args, employers=(), contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [(o.pk, o.name) for o in employers]
        self.fields["trade"].choices = [("", "—")] + list(workers_workflow.TRADES.items())
        self.fields["contract"].choices = [("", "—")] + [
            (c.pk, f"{c.worker.name}（{c.number}）") for c in contracts
        ]


class DraftForm(forms.Form):
    employer = forms.TypedChoiceField(label="用工单位", coerce=int)
    month = forms.CharField(label="月份", widget=forms.TextInput(attrs={"type": "month"}))

    def __init__(self, *args, employers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [(o.pk, o.name) for o in employers]


class SheetForm(forms.Form):
    sheet = forms.FileField(label="工人签字的工资表（PDF 或 JPEG）")
    signed_on = forms.DateField(label="签字日期", widget=forms.DateInput(attrs={"type": "date"}))


class LineSignForm(forms.Form):
    worker = forms.IntegerField(widget=forms.HiddenInput)
    method = forms.ChoiceField(label="确认方式", choices=choices(workflow.SIGN_METHODS))


class LineDisputeForm(forms.Form):
    worker = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="异议原因", max_length=300)


class PayForm(forms.Form):
    worker = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.CharField(label="金额（元）", max_length=20)
    paid_on = forms.DateField(label="发放日期", widget=forms.DateInput(attrs={"type": "date"}))
    bank_reference = forms.CharField(label="银行流水号", max_length=60)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="认定", choices=[("confirm", "认定屡次欠薪，记入信用"), ("dismiss", "不予记录")]
    )
    note = forms.CharField(label="说明", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
