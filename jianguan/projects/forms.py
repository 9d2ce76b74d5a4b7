"""Forms of the register pages. They only parse input; every rule is checked by the services."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError

from jianguan.accounts.models import Organisation, Town
from jianguan.core.forms import StyledFormMixin
from jianguan.projects.models import (
    FundingSource,
    ParticipantRole,
    ProjectType,
    StageChoices,
    WarningLevel,
)
from jianguan.projects.selectors import SORTS, ProjectFilter
from jianguan.projects.services.register import ROLE_KINDS
from jianguan.projects.workflow import FIVE_PARTIES, ORDER, STAGE_LABELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FIVE_PARTY_CHOICES = [(c, label) for c, label in ParticipantRole.choices if c in FIVE_PARTIES]


def _opt_int(value) -> int | None:
    return int(value) if value not in (None, "") else None


class ProjectFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="编号或名称", required=False, max_length=100)
    town = forms.ModelChoiceField(
        label="乡镇街道", queryset=Town.objects.all(), required=False, empty_label="全部乡镇街道"
    )
    stage = forms.ChoiceField(
        label="阶段", choices=[("", "全部阶段"), *StageChoices.choices], required=False
    )
    type = forms.ChoiceField(
        label="项目类型", choices=[("", "全部类型"), *ProjectType.choices], required=False
    )
    funding = forms.ChoiceField(
        label="资金来源", choices=[("", "全部来源"), *FundingSource.choices], required=False
    )
    owner = forms.ModelChoiceField(
        label="建设单位",
        queryset=Organisation.objects.filter(kind="owner").order_by("name"),
        required=False,
        empty_label="全部建设单位",
    )
    warning_level = forms.TypedChoiceField(
        label="预警等级",
        choices=[("", "全部等级"), *WarningLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    created_from = forms.DateField(label="登记日期从", required=False, widget=DATE)
    created_to = forms.DateField(label="至", required=False, widget=DATE)
    sort = forms.ChoiceField(
        label="排序", choices=[(k, k) for k in SORTS], required=False, widget=forms.HiddenInput
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and end < start:
            self.add_error("created_to", "结束日期不能早于开始日期")
        return data

    def to_filter(self) -> ProjectFilter:
        """The valid part of the input as a ProjectFilter (invalid fields are ignored)."""
        if not self.is_bound:
            return ProjectFilter()
        self.is_valid()
        d = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return ProjectFilter(
            q=(d.get("q") or "").strip(),
            town=d["town"].pk if d.get("town") else None,
            stage=d.get("stage") or "",
            type=d.get("type") or "",
            funding=d.get("funding") or "",
            owner=d["owner"].pk if d.get("owner") else None,
            warning_level=d.get("warning_level"),
            created_from=d.get("created_from"),
            created_to=d.get("created_to"),
            sort=d.get("sort") or "-code",
        )


class PublicSearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="编号或名称", required=False, max_length=100)
    type = forms.ChoiceField(
        label="项目类型", choices=[("", "全部类型"), *ProjectType.choices], required=False
    )
    town = forms.ModelChoiceField(
        label="乡镇街道", queryset=Town.objects.all(), required=False, empty_label="全部乡镇街道"
    )

    def to_filter(self) -> ProjectFilter:
        if not self.is_bound:
            return ProjectFilter()
        self.is_valid()
        d = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return ProjectFilter(
            q=(d.get("q") or "").strip(),
            type=d.get("type") or "",
            town=d["town"].pk if d.get("town") else None,
        )


class GeoJSONField(forms.CharField):
    """A textarea holding GeoJSON; parsed to a dict (the geometry is checked by the service)."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            parsed = json.loads(value)
        except ValueError:
            raise ValidationError("不是有效的 JSON 文本", code="bad_geojson") from None
        if not isinstance(parsed, dict):
            raise ValidationError("GeoJSON 须为一个对象", code="bad_geojson")
        return parsed


class ProjectCreateForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="项目名称", max_length=200)
    type = forms.ChoiceField(label="项目类型", choices=ProjectType.choices)
    funding = forms.ChoiceField(label="资金来源", choices=FundingSource.choices)
    budget = forms.DecimalField(
        label="批复概算（元）", max_digits=16, decimal_places=2, min_value=0.01
    )
    town = forms.ModelChoiceField(label="所在乡镇街道", queryset=Town.objects.all())
    owner = forms.ModelChoiceField(
        label="建设单位",
        queryset=Organisation.objects.filter(kind="owner", is_active=True).order_by("name"),
    )
    longitude = forms.DecimalField(
        label="经度", max_digits=9, decimal_places=6, help_text="在地图上点击选取，或直接填写"
    )
    latitude = forms.DecimalField(label="纬度", max_digits=9, decimal_places=6)
    site_polygon = GeoJSONField(
        label="用地范围（GeoJSON，可选）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="Polygon 或 MultiPolygon，CGCS2000 经纬度",
    )
    design_life_years = forms.IntegerField(
        label="设计使用年限（年）", min_value=1, max_value=200, initial=50
    )
    description = forms.CharField(
        label="项目概况", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is not None and not actor.is_kind("regulator") and not actor.is_system:
            # An owner registers projects for itself only.
            self.fields["owner"].queryset = Organisation.objects.filter(pk=actor.organisation_id)
            self.fields["owner"].initial = actor.organisation_id
        for stage in ORDER:
            label = STAGE_LABELS[stage]
            for end, word in (("start", "开始"), ("end", "完成")):
                self.fields[f"plan_{stage.value}_{end}"] = forms.DateField(
                    label=f"{label}计划{word}", required=False, widget=DATE
                )
                self.fields[f"plan_{stage.value}_{end}"].widget.attrs["class"] = "form-control"

    def plan_rows(self):
        return [
            (
                STAGE_LABELS[stage],
                self[f"plan_{stage.value}_start"],
                self[f"plan_{stage.value}_end"],
            )
            for stage in ORDER
        ]

    def main_fields(self):
        return [f for f in self if not f.name.startswith("plan_")]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        planned = {}
        for stage in ORDER:
            start, end = d.get(f"plan_{stage.value}_start"), d.get(f"plan_{stage.value}_end")
            if start or end:
                planned[stage.value] = (start, end)
        return {
            "name": d["name"],
            "type": d["type"],
            "funding": d["funding"],
            "budget": d["budget"],
            "town": d["town"],
            "owner": d["owner"],
            "longitude": d["longitude"],
            "latitude": d["latitude"],
            "site_polygon": d.get("site_polygon"),
            "design_life_years": d["design_life_years"],
            "description": d.get("description") or "",
            "planned": planned,
        }


class DocumentsForm(StyledFormMixin, forms.Form):
    """Document references (文号) the stage guards read."""

    approval_document = forms.CharField(label="立项批复文号", max_length=100, required=False)
    design_review_document = forms.CharField(
        label="施工图审查意见文号", max_length=100, required=False
    )
    construction_permit = forms.CharField(label="施工许可证号", max_length=100, required=False)
    construction_permit_date = forms.DateField(label="施工许可日期", required=False, widget=DATE)
    construction_contract_ref = forms.CharField(
        label="施工合同编号", max_length=100, required=False
    )
    completion_filing = forms.CharField(label="竣工验收备案号", max_length=100, required=False)
    settlement_document = forms.CharField(label="结算审核报告文号", max_length=100, required=False)
    archive_transfer = forms.CharField(label="档案移交凭证号", max_length=100, required=False)


class TransitionForm(forms.Form):
    target = forms.ChoiceField(choices=StageChoices.choices)


class ParticipantForm(StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label="参建角色", choices=ParticipantRole.choices)
    organisation = forms.ModelChoiceField(
        label="单位",
        queryset=Organisation.objects.filter(
            is_active=True, kind__in=sorted(set().union(*ROLE_KINDS.values()))
        ).order_by("kind", "name"),
    )


class LeadForm(StyledFormMixin, forms.Form):
    party = forms.ChoiceField(label="责任主体", choices=FIVE_PARTY_CHOICES)
    person_name = forms.CharField(label="负责人姓名", max_length=50)
    certificate_number = forms.CharField(label="注册证书号", max_length=50, required=False)
    phone = forms.CharField(label="电话", max_length=20, required=False)
    started_on = forms.DateField(label="任职日期", widget=DATE)
    authorisation = forms.FileField(
        label="法定代表人授权书（PDF）",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf,.jpg,.png"}),
    )
    commitment = forms.FileField(
        label="质量终身责任承诺书（PDF）",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf,.jpg,.png"}),
    )


class InspectionForm(StyledFormMixin, forms.Form):
    result = forms.ChoiceField(
        label="检查结论",
        choices=[("passed", "通过"), ("failed", "不通过")],
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(
        label="检查发现的问题（每行一条；不通过时必填）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].widget.attrs["class"] = "form-check-input"

    def finding_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("findings", "").splitlines()]


class CompletionSignForm(StyledFormMixin, forms.Form):
    party = forms.ChoiceField(label="责任主体", choices=FIVE_PARTY_CHOICES)
    signed_on = forms.DateField(label="签字日期", widget=DATE)


class BoundaryForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="边界名称", max_length=100, initial="大兴区行政区划边界")
    file = forms.FileField(
        label="GeoJSON 文件",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.geojson,application/json"}),
    )
    text = forms.CharField(
        label="或粘贴 GeoJSON 文本",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )

    MAX_BYTES = 10 * 1024 * 1024

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if upload is None and not text:
            raise ValidationError("请上传 GeoJSON 文件或粘贴 GeoJSON 文本", code="missing_geojson")
        if upload is not None:
            if upload.size > self.MAX_BYTES:
                raise ValidationError("GeoJSON 文件超过 10 MB", code="file_too_large")
            raw = upload.read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError("GeoJSON 文件须为 UTF-8 编码", code="bad_encoding") from None
        data["geojson_text"] = text
        return data
