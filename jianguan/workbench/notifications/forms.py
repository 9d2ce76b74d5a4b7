from __future__ import annotations

from django import forms

from jianguan.workbench.notifications.events import events
from jianguan.workbench.notifications.models import EMAIL_MODES, SMS_MODES


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(label="电子邮件", choices=list(EMAIL_MODES.items()))
    sms = forms.ChoiceField(label="短信", choices=list(SMS_MODES.items()))
    muted_kinds = forms.MultipleChoiceField(
        label="以下类型仅站内提醒（不发邮件、短信，不列入摘要）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form: apps register kinds in ready(), after this module is imported.
        self.fields["muted_kinds"].choices = sorted(events().items(), key=lambda kv: kv[0])
        for name in ("email", "sms"):
            self.fields[name].widget.attrs["class"] = "form-select"
