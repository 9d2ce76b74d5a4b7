"""Forms of the site-image page. They only parse input; the services check every rule."""

from __future__ import annotations

from django import forms

from jianguan.core.forms import MultipleFileField, StyledFormMixin
from jianguan.smartsite.images import workflow


class UploadForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="影像类型", choices=list(workflow.IMAGE_KIND.items()))
    camera = forms.TypedChoiceField(
        label="摄像机（监控抓拍必选）", coerce=int, required=False, empty_value=None
    )
    files = MultipleFileField(label=f"照片（JPEG/PNG，一次最多 {workflow.MAX_BATCH} 张）")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, cameras=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["camera"].choices = [("", "无")] + [(c.pk, c.name) for c in cameras]


class CameraForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="摄像机名称", max_length=100)
    location = forms.CharField(label="安装位置", max_length=200, required=False)
    stream_url = forms.CharField(label="视频流地址（rtsp/rtmp/http/https）", max_length=500)
    vendor = forms.CharField(label="厂商", max_length=100, required=False)
    latitude = forms.DecimalField(label="纬度", required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label="经度", required=False, max_digits=9, decimal_places=6)


class ZoneForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="区域名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=list(workflow.ZONE_KIND.items()))
    # Filled by the map (click the corners); a GeoJSON Polygon.
    polygon = forms.CharField(widget=forms.HiddenInput, required=False)


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="原因", max_length=200)
