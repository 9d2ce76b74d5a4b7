"""Forms of the hazard pages. They only parse input; the services check every rule."""

from __future__ import annotations

import json

from django import forms

from jianguan.compliance.workflow import SEVERITIES
from jianguan.core.forms import StyledFormMixin
from jianguan.hazard import workflow

ACTIONS = {"confirm": "确认隐患，下达整改通知", "dismiss": "排除"}


class ActForm(StyledFormMixin, forms.Form):
    action = forms.ChoiceField(choices=list(ACTIONS.items()), widget=forms.HiddenInput)
    severity = forms.ChoiceField(label="严重程度", choices=list(SEVERITIES.items()), required=False)
    reason = forms.ChoiceField(
        label="排除原因",
        choices=[("", "请选择"), *workflow.DISMISS_REASONS.items()],
        required=False,
    )
    note = forms.CharField(
        label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CalibrationForm(StyledFormMixin, forms.Form):
    points = forms.CharField(
        label="标定点（JSON：[[像素x, 像素y, 经度, 纬度], …]，至少 4 个）",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    width = forms.IntegerField(label="标定图像宽度（像素）", min_value=1, max_value=20000)
    height = forms.IntegerField(label="标定图像高度（像素）", min_value=1, max_value=20000)

    def clean_points(self):
        try:
            return json.loads(self.cleaned_data["points"])
        except ValueError:
            raise forms.ValidationError("标定点须为 JSON 数组") from None


class RuleForm(StyledFormMixin, forms.Form):
    uniform_required = forms.BooleanField(label="本工地要求穿反光背心/工作服", required=False)
