"""Forms of the complaint pages. A field left empty gets the service's own words (the API's
message for the same mistake); the rules of the law (the 10-day window, objection first,
only a bidder on the evaluation) stay in `complaint_file` and reach the page unchanged."""

from __future__ import annotations

from django import forms

from jianguan.core.forms import StyledFormMixin
from jianguan.tendering.models import Complaint

# The API reads these as `Text` (10,000 characters); the service keeps 5,000 of a reason or
# a decision, so the page refuses a longer one instead of cutting it silently.
TEXT_MAX = 10000
DECISION_MAX = 5000


class ComplaintFileForm(StyledFormMixin, forms.Form):
    subject = forms.ChoiceField(
        label="投诉事项",
        choices=[("", "请选择"), *Complaint.SUBJECTS.items()],
        error_messages={"required": "请选择投诉事项", "invalid_choice": "未知的投诉事项"},
    )
    known_on = forms.DateField(
        label="知道或应当知道之日",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写知道或应当知道之日", "invalid": "日期格式应为 年-月-日"},
        help_text="投诉应当自知道或者应当知道之日起10日内提出（《招标投标法实施条例》第六十条）",
    )
    text = forms.CharField(
        label="投诉内容及事实依据",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "请填写投诉内容及事实依据"},
        strip=True,
    )


class AcceptForm(StyledFormMixin, forms.Form):
    suspend = forms.BooleanField(
        label="处理期间暂停招标投标活动", required=False
    )  # 实施条例 62: the department may order the tender suspended


class RefuseForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="不予受理的理由",
        max_length=DECISION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请说明不予受理的理由"},
    )


class DecideForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="处理结果",
        choices=[
            (Complaint.UPHELD, Complaint.STATUSES[Complaint.UPHELD]),
            (Complaint.DISMISSED, Complaint.STATUSES[Complaint.DISMISSED]),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择处理结果", "invalid_choice": "请选择处理结果"},
    )
    decision = forms.CharField(
        label="处理意见",
        max_length=DECISION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写处理意见"},
    )
