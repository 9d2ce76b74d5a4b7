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


ROWS = 8  # ground points offered on the page (4 needed; more average the error out)


class CalibrationForm(StyledFormMixin, forms.Form):
    """Ground points as rows (pixel x, pixel y on the camera's snapshot; longitude, latitude on
    the site plan): clicking the snapshot fills the pixels of the next row. ``points`` (JSON,
    [[x, y, lon, lat], …]) is still read when no row is filled, for tools that post it."""

    points = forms.CharField(
        label="标定点（JSON，可选）", widget=forms.HiddenInput, max_length=5000, required=False
    )
    width = forms.IntegerField(label="标定图像宽度（像素）", min_value=1, max_value=20000)
    height = forms.IntegerField(label="标定图像高度（像素）", min_value=1, max_value=20000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(ROWS):
            for key, label, low, high in (
                ("x", "像素 x", 0, 20000),
                ("y", "像素 y", 0, 20000),
                ("lon", "经度", -180, 180),
                ("lat", "纬度", -90, 90),
            ):
                self.fields[f"p{i}_{key}"] = forms.DecimalField(
                    label=f"第 {i + 1} 点{label}",
                    required=False,
                    min_value=low,
                    max_value=high,
                    max_digits=12,
                    decimal_places=8,
                    widget=forms.NumberInput(attrs={"step": "any", "data-key": key}),
                )

    def rows(self):
        """The point rows' bound fields, for the template's table."""
        return [[self[f"p{i}_{key}"] for key in ("x", "y", "lon", "lat")] for i in range(ROWS)]

    def clean(self):
        data = super().clean()
        points, partial = [], []
        for i in range(ROWS):
            row = [data.get(f"p{i}_{key}") for key in ("x", "y", "lon", "lat")]
            if all(v is None for v in row):
                continue
            if any(v is None for v in row):
                partial.append(str(i + 1))
                continue
            points.append([float(v) for v in row])
        if partial:
            raise forms.ValidationError(
                f"第 {'、'.join(partial)} 个点须填写像素 x、像素 y、经度和纬度四项"
            )
        if not points:
            raw = (data.get("points") or "").strip()
            if not raw:
                raise forms.ValidationError("请至少填写 4 个地面点")
            try:
                points = json.loads(raw)
            except ValueError:
                raise forms.ValidationError("标定点须为 JSON 数组") from None
        data["points"] = points
        return {"points": points, "width": data.get("width"), "height": data.get("height")}


class RuleForm(StyledFormMixin, forms.Form):
    uniform_required = forms.BooleanField(label="本工地要求穿反光背心/工作服", required=False)
