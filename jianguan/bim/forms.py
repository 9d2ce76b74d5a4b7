"""Forms of the BIM pages. They only parse input (lengths in millimetres on the page, metres
in the services); the services check every rule."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms

from jianguan.bim import labels, workflow
from jianguan.core.forms import StyledFormMixin

# GB 50500 item codes: 9 digits (the standard's own) plus 3 the project adds
BOQ_CODE = re.compile(r"^\d{9}(\d{3})?$")


class UploadForm(StyledFormMixin, forms.Form):
    """Shown on the upload page; the script sends its values to the core's API."""

    discipline = forms.ChoiceField(label="专业", choices=list(workflow.DISCIPLINES.items()))
    label = forms.CharField(label="版本号", max_length=40, help_text="如 A01、施工图 2 版")
    file = forms.FileField(
        label="IFC 文件",
        widget=forms.ClearableFileInput(attrs={"accept": ".ifc,.ifczip"}),
    )


class ClashSetForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    mode = forms.ChoiceField(label="检测方式", choices=list(workflow.MODES.items()))
    a_revisions = forms.MultipleChoiceField(label="A 组模型", widget=forms.SelectMultiple)
    a_classes = forms.MultipleChoiceField(
        label="A 组构件类型", required=False, help_text="不选即全部构件"
    )
    b_revisions = forms.MultipleChoiceField(
        label="B 组模型", required=False, help_text="不选即 A 组自身相互检测"
    )
    b_classes = forms.MultipleChoiceField(
        label="B 组构件类型", required=False, help_text="不选即全部构件"
    )
    tolerance_mm = forms.FloatField(
        label="容差（毫米）",
        initial=2,
        min_value=0,
        max_value=1000,
        help_text="相交方式：侵入不超过此深度的不算碰撞",
    )
    clearance_mm = forms.FloatField(
        label="净距（毫米）",
        initial=50,
        min_value=0,
        max_value=10000,
        help_text="净距方式：小于此距离即报告",
    )
    allow_touching = forms.BooleanField(label="碰撞方式下允许接触", required=False)

    def __init__(self, *args, revisions=(), classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        rev_choices = [
            (str(r.pk), f"{workflow.DISCIPLINES.get(r.discipline, r.discipline)} {r.label}")
            for r in revisions
        ]
        class_choices = labels.ifc_class_choices(sorted(classes))
        self.fields["a_revisions"].choices = rev_choices
        self.fields["b_revisions"].choices = rev_choices
        self.fields["a_classes"].choices = class_choices
        self.fields["b_classes"].choices = class_choices
        for name in ("a_classes", "b_classes", "a_revisions", "b_revisions"):
            self.fields[name].widget.attrs["size"] = 6

    def clean(self):
        data = super().clean()
        a = set(data.get("a_revisions") or ())
        b = set(data.get("b_revisions") or ())
        if a & b and data.get("b_classes") == data.get("a_classes"):
            # the same model and classes on both sides is "A against itself": say so instead
            raise forms.ValidationError("A 组与 B 组相同：要检测同一组构件之间的碰撞，B 组请留空")
        return data


class ClashActForm(StyledFormMixin, forms.Form):
    target = forms.ChoiceField(choices=list(workflow.CLASH_STATUS.items()))
    assignee = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    reason = forms.CharField(max_length=500, required=False)


class CommentForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label="意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.ImageField(label="照片（可选）", required=False)


class MappingForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label="项目编码", max_length=12, help_text="GB 50500 清单编码，9 或 12 位数字"
    )
    name = forms.CharField(label="项目名称", max_length=200)
    unit = forms.ChoiceField(
        label="计量单位",
        choices=list(labels.UNITS.items()),
        help_text="立方米取构件体积；平方米、米按各类构件的计量规则；吨 = 体积 × 密度",
    )
    classes = forms.MultipleChoiceField(label="构件类型")
    material = forms.CharField(label="材料包含（可选）", max_length=100, required=False)
    type_name = forms.CharField(label="构件类型名包含（可选）", max_length=100, required=False)
    storey = forms.CharField(label="楼层（可选）", max_length=100, required=False)
    density = forms.DecimalField(
        label="密度（吨/立方米，计量单位为吨时必填）",
        required=False,
        min_value=Decimal("0.001"),
        max_value=Decimal("100"),
        decimal_places=3,
    )

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classes"].choices = labels.ifc_class_choices(sorted(classes))
        self.fields["classes"].widget.attrs["size"] = 6

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not BOQ_CODE.match(code):
            raise forms.ValidationError("项目编码须为 9 位或 12 位数字（GB 50500）")
        return code

    def clean(self):
        data = super().clean()
        if data.get("unit") == "t" and not data.get("density"):
            self.add_error("density", "计量单位为吨时须填写密度")
        return data

    def selector(self) -> dict:
        d = self.cleaned_data
        out = {"classes": ",".join(d["classes"])}
        for key in ("material", "type_name", "storey"):
            if d.get(key):
                out[key] = d[key]
        if d.get("density"):
            out["density"] = str(d["density"])
        return out
