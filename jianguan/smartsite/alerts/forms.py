"""Forms of the alert pages. They only parse input; the services check every rule."""

from __future__ import annotations

from django import forms

from jianguan.compliance.workflow import SEVERITIES
from jianguan.core.forms import StyledFormMixin

ACTIONS = {"answer": "反馈处置情况", "dismiss": "不予处理", "escalate": "转为整改通知"}


class AlertActForm(StyledFormMixin, forms.Form):
    action = forms.ChoiceField(choices=list(ACTIONS.items()), widget=forms.HiddenInput)
    text = forms.CharField(
        label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    severity = forms.ChoiceField(label="严重程度", choices=list(SEVERITIES.items()), required=False)
