"""Forms of the compliance pages. They only parse input; the services check every rule."""

from __future__ import annotations

from django import forms

from jianguan.compliance import workflow
from jianguan.core.forms import MultipleFileField, StyledFormMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InspectionFindingForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="检查类型", choices=list(workflow.INSPECTION_KINDS.items()))
    inspected_on = forms.DateField(label="检查日期", widget=DATE)
    type = forms.ChoiceField(label="问题类型", choices=list(workflow.FINDING_TYPES.items()))
    severity = forms.ChoiceField(label="严重程度", choices=list(workflow.SEVERITIES.items()))
    description = forms.CharField(
        label="问题描述", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    location = forms.CharField(label="现场部位", max_length=200, required=False)
    responsible = forms.ChoiceField(label="责任单位", choices=())
    due_on = forms.DateField(label="整改期限（留空按规则）", required=False, widget=DATE)
    stop_work = forms.BooleanField(label="责令停工整改（仅重大问题）", required=False)
    photos = MultipleFileField(label="现场照片（JPEG/PNG）", required=False)
    notes = forms.CharField(
        label="检查情况", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label="证明材料（PDF/JPEG/PNG）", required=False)


class ReinspectForm(StyledFormMixin, forms.Form):
    result = forms.ChoiceField(label="复查结论", choices=[("passed", "通过"), ("failed", "不通过")])
    note = forms.CharField(label="复查意见", max_length=500, required=False)


SCORES = [(str(i), str(i)) for i in range(1, 6)]


class RiskForm(StyledFormMixin, forms.Form):
    """One likelihood and one impact select per checklist item of the project type."""

    responsible_person = forms.CharField(label="风险管控责任人", max_length=50, required=False)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.item_rows = []
        for code, name, hint in items:
            self.fields[f"l_{code}"] = forms.TypedChoiceField(
                label=f"{name}·可能性", choices=SCORES, coerce=int, initial="1"
            )
            self.fields[f"i_{code}"] = forms.TypedChoiceField(
                label=f"{name}·后果", choices=SCORES, coerce=int, initial="1"
            )
            self.item_rows.append((code, name, hint))
        # fields added after the mixin's __init__ get their classes here
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def rows(self):
        return [
            (code, name, hint, self[f"l_{code}"], self[f"i_{code}"])
            for code, name, hint in self.item_rows
        ]

    def items(self) -> dict:
        data = self.cleaned_data
        return {
            code: {"likelihood": data[f"l_{code}"], "impact": data[f"i_{code}"]}
            for code, _, _ in self.item_rows
        }


class PlanForm(StyledFormMixin, forms.Form):
    responsible_person = forms.CharField(label="风险管控责任人", max_length=50)
    emergency_plan = forms.FileField(label="应急预案（PDF）")
