"""Forms of the document pages. They only parse input; the services check every rule (the
file's type by its content, its size, the revision order)."""

from __future__ import annotations

from django import forms

from jianguan.collab.documents import workflow
from jianguan.core.forms import StyledFormMixin

ACCEPT = ",".join(ext for _, ext, _ in workflow.TYPES.values())


class FolderForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="文件夹名称", max_length=60)
    parent = forms.TypedChoiceField(
        label="上级文件夹", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, folders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", "（项目根目录）")] + [(f.pk, f.path) for f in folders]


class DocumentForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="类别", choices=list(workflow.KINDS.items()))
    title = forms.CharField(label="标题", max_length=200)
    number = forms.CharField(label="文件编号", max_length=60, required=False)
    discipline = forms.ChoiceField(label="专业", choices=list(workflow.DISCIPLINES.items()))
    folder = forms.TypedChoiceField(label="文件夹", coerce=int, required=False, empty_value=None)
    drawing_number = forms.CharField(label="图号（图纸必填）", max_length=60, required=False)
    scale = forms.CharField(
        label="比例（图纸）", max_length=20, required=False, help_text="如 1:100"
    )
    sheet = forms.CharField(label="图幅（图纸）", max_length=20, required=False, help_text="如 A1")
    label = forms.CharField(
        label="版本号/版次",
        max_length=20,
        required=False,
        help_text="文件不填则为 V1；图纸不填则为 A",
    )
    reason = forms.CharField(label="说明", max_length=500, initial="首次上传")
    file = forms.FileField(label="文件", widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))

    def __init__(self, *args, folders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["folder"].choices = [("", "（项目根目录）")] + [(f.pk, f.path) for f in folders]


class VersionForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="修改说明（为什么上传新版本）",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    label = forms.CharField(
        label="版本号/版次", max_length=20, required=False, help_text="不填则自动顺延"
    )
    file = forms.FileField(label="文件", widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))


class TransmittalForm(StyledFormMixin, forms.Form):
    subject = forms.CharField(label="主题", max_length=200)
    purpose = forms.ChoiceField(label="用途", choices=list(workflow.TRANSMITTAL_PURPOSES.items()))
    message = forms.CharField(
        label="说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    recipients = forms.TypedMultipleChoiceField(
        label="接收单位", coerce=int, widget=forms.CheckboxSelectMultiple
    )
    versions = forms.TypedMultipleChoiceField(
        label="传递的文件（当前版本）", coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organisations=(), versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = list(organisations)
        self.fields["versions"].choices = list(versions)
        for name in ("recipients", "versions"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
