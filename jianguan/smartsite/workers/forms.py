"""Forms of the 实名制 pages."""

from __future__ import annotations

from django import forms

from jianguan.core.models import choices
from jianguan.smartsite.workers import workflow


class Styled(forms.Form):
    """Tabler's classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class WorkerForm(Styled):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=30)
    trade = forms.ChoiceField(label="工种", choices=choices(workflow.TRADES))
    employer = forms.TypedChoiceField(label="用工单位", coerce=int)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    bank_card = forms.CharField(label="银行卡号", max_length=30, required=False)
    bank_name = forms.CharField(label="开户银行", max_length=60, required=False)
    photo = forms.ImageField(label="照片", required=False)
    contract_start = forms.DateField(
        label="劳动合同起始日期",
        required=False,
        help_text="填写则同时签订本项目劳动合同并办理进场",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, employers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [(o.pk, o.name) for o in employers]


class ContractForm(Styled):
    worker = forms.TypedChoiceField(label="工人", coerce=int)
    start = forms.DateField(label="起始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label="终止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.BooleanField(label="同时办理进场", required=False, initial=True)

    def __init__(self, *args, workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [
            (w.pk, f"{w.name}（{w.get_trade_display()}，{w.id_number_masked}）") for w in workers
        ]


class ManualEventForm(Styled):
    worker = forms.TypedChoiceField(label="工人", coerce=int)
    direction = forms.ChoiceField(label="方向", choices=choices(workflow.DIRECTIONS))
    at = forms.DateTimeField(
        label="时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [
            (w.pk, f"{w.name}（{w.id_number_masked}）") for w in workers
        ]


class DeviceForm(Styled):
    name = forms.CharField(label="闸机名称", max_length=60)
    serial = forms.CharField(label="设备序列号", max_length=60)


class ImportForm(Styled):
    employer = forms.TypedChoiceField(label="用工单位", coerce=int)
    file = forms.FileField(label="Excel 文件（.xlsx）")

    def __init__(self, *args, employers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [(o.pk, o.name) for o in employers]


class AlertCloseForm(forms.Form):
    alert = forms.IntegerField(min_value=1)
    note = forms.CharField(label="处理说明", max_length=300)


class TrainingForm(Styled):
    worker = forms.TypedChoiceField(label="工人", coerce=int)
    kind = forms.ChoiceField(label="培训类别", choices=choices(workflow.TRAINING_KINDS))
    title = forms.CharField(label="内容", max_length=200)
    held_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(label="学时", min_value=0.5, max_value=200, decimal_places=1)
    passed = forms.BooleanField(label="考核合格", required=False, initial=True)

    def __init__(self, *args, workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [
            (w.pk, f"{w.name}（{w.id_number_masked}）") for w in workers
        ]


class CertificateForm(Styled):
    worker = forms.TypedChoiceField(label="工人", coerce=int)
    kind = forms.ChoiceField(label="证书类别", choices=choices(workflow.CERTIFICATE_KINDS))
    name = forms.CharField(label="证书名称", max_length=100)
    number = forms.CharField(label="证书编号", max_length=60)
    valid_to = forms.DateField(
        label="有效期至", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [
            (w.pk, f"{w.name}（{w.id_number_masked}）") for w in workers
        ]


class ExitForm(forms.Form):
    placement = forms.IntegerField(min_value=1)
