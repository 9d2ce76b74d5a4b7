"""Page forms of tasks and meetings. The assignee and people pickers list the project's parties
and their people (names, never logins); the services check them again."""

from __future__ import annotations

from django import forms

from jianguan.collab.tasks import workflow
from jianguan.core.forms import StyledFormMixin


def assignee_choices(parties: list[dict]) -> list[tuple[str, list[tuple[str, str]]]]:
    out = []
    for org in parties:
        opts = [(f"org:{org['id']}", f"{org['name']}（整个单位）")]
        opts += [(f"user:{p['id']}", p["name"]) for p in org["people"]]
        out.append((f"{org['name']}（{org['role']}）", opts))
    return out


def split_assignee(value: str) -> tuple[int | None, int | None]:
    """ "user:<id>" / "org:<id>" -> (user id, organisation id)."""
    kind, _, pk = (value or "").partition(":")
    if not pk.isdigit():
        return None, None
    return (int(pk), None) if kind == "user" else (None, int(pk)) if kind == "org" else (None, None)


class TaskForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="任务", max_length=200)
    description = forms.CharField(
        label="说明", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # checked by the service (a party or a person of a party), so that a stale or forged
    # choice gets the service's reason, not a generic "invalid choice"
    assignee = forms.CharField(label="承办人或承办单位", max_length=40, widget=forms.Select)
    priority = forms.ChoiceField(
        label="优先级", choices=list(workflow.PRIORITY.items()), initial=workflow.NORMAL
    )
    due_on = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    checklist = forms.CharField(
        label="检查项（每行一项）",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    link = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)

    def __init__(self, *args, parties: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].widget.choices = [("", "请选择")] + assignee_choices(parties)


class MeetingForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="会议名称", max_length=200)
    starts_at = forms.DateTimeField(
        label="会议时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label="地点", max_length=200, required=False)
    agenda = forms.CharField(
        label="议程（每行一项）",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attendees = forms.MultipleChoiceField(label="参会人员", required=False)

    def __init__(self, *args, parties: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [
            (org["name"], [(str(p["id"]), p["name"]) for p in org["people"]]) for org in parties
        ]
        self.fields["attendees"].widget.attrs["size"] = 8


def lines(text: str) -> list[str]:
    return [x.strip() for x in (text or "").splitlines() if x.strip()]
