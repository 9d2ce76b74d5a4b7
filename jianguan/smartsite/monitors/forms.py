"""Forms of the device pages. They only parse input; the services check every rule."""

from __future__ import annotations

from django import forms

from jianguan.core.forms import StyledFormMixin
from jianguan.smartsite.monitors import workflow


class DeviceForm(StyledFormMixin, forms.Form):
    mn = forms.CharField(label="设备编号（MN）", max_length=32)
    name = forms.CharField(label="安装位置名称", max_length=100, required=False)
    kind = forms.ChoiceField(label="设备类型", choices=list(workflow.DEVICE_KIND.items()))
    pm_unit = forms.ChoiceField(label="颗粒物单位", choices=list(workflow.PM_UNIT.items()))
    password = forms.CharField(label="HJ 212 访问密码（PW，可空）", max_length=32, required=False)
    at_boundary = forms.BooleanField(
        label="位于施工场界（适用场界噪声限值）", required=False, initial=True
    )


class StatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="状态",
        choices=[
            (k, workflow.DEVICE_STATUS[k])
            for k in (workflow.ACTIVE, workflow.QUARANTINED, workflow.RETIRED)
        ],
    )
    reason = forms.CharField(label="原因", max_length=200)
