from __future__ import annotations

from django import forms

from jianguan.accounts.models import Organisation
from jianguan.core.forms import chinese_empty_choices
from jianguan.registry.models import AccessStandard


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")


class EligibilityForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="单位", queryset=Organisation.objects.filter(is_active=True).order_by("kind", "name")
    )
    standard = forms.ModelChoiceField(label="准入标准", queryset=AccessStandard.objects.all())
    on = forms.DateField(
        label="核验日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class",
                "form-select" if isinstance(field, forms.ModelChoiceField) else "form-control",
            )
        chinese_empty_choices(self)  # "请选择", not Django's "---------"
