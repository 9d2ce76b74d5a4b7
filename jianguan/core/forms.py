"""Form helpers: Tabler/Bootstrap classes on every widget, so templates stay plain."""

from __future__ import annotations

from django import forms

# Django's blank choice is "---------"; people read a Chinese prompt instead (issue 16).
EMPTY_LABEL = "请选择"


def chinese_empty_choices(form) -> None:
    """Replace Django's "---------" blank choice of every select of `form` with EMPTY_LABEL.

    ModelChoiceField keeps its blank as `empty_label` (None when the field has none); a plain
    ChoiceField (model fields with choices and blank=True) carries it as a ("", "---------")
    choice, which is relabelled in place so the field's other choices stay untouched.
    """
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None and field.empty_label.strip("-") == "":
                field.empty_label = EMPTY_LABEL
        elif isinstance(field, forms.ChoiceField) and not callable(field.choices):
            choices = list(field.choices)
            if any(value == "" and str(label).strip("-") == "" for value, label in choices):
                field.choices = [
                    (v, EMPTY_LABEL if v == "" and str(lbl).strip("-") == "" else lbl)
                    for v, lbl in choices
                ]


class StyledFormMixin:
    """Adds form-control/form-select/form-check-input to widgets, and is-invalid after cleaning.

    The invalid marks are set in full_clean(), not in __init__: reading self.errors in
    __init__ would validate the form before a subclass has finished adjusting its fields
    (querysets, extra fields), and that stale result would then be cached.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
        chinese_empty_choices(self)

    def full_clean(self):
        super().full_clean()  # type: ignore[misc]
        for name in self._errors or ():  # type: ignore[attr-defined]
            field = self.fields.get(name)  # type: ignore[attr-defined]
            if field is not None and "is-invalid" not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = (
                    field.widget.attrs.get("class", "") + " is-invalid"
                ).strip()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was sent)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []
