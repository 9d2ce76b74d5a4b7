"""The display filters every page uses for numbers (issue 16), and the Chinese empty choice."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from jianguan.core.forms import EMPTY_LABEL, StyledFormMixin, chinese_empty_choices
from jianguan.core.templatetags.jg_format import num, pct, percent, qty, share, wan_yuan, yuan


def test_money_has_separators_and_two_places():
    assert yuan(Decimal("28400000")) == "28,400,000.00"
    assert yuan("10657156557.165") == "10,657,156,557.17"  # half up
    assert yuan(Decimal("-0.001")) == "0.00"  # never "-0.00"
    assert wan_yuan(Decimal("12345678.9")) == "1,234.57"
    assert yuan(None) == "—" and yuan("") == "—" and yuan("n/a") == "n/a"


def test_ratios_are_percentages():
    assert percent(Decimal("0.0300")) == "3.00 %"
    assert percent(Decimal("0.85"), 0) == "85 %"
    assert pct(Decimal("85")) == "85.00 %"
    assert share(Decimal("1"), Decimal("800")) == "0.13 %"  # not "0%"
    assert share(1, 0) == "—"


def test_plain_numbers_and_quantities():
    assert num(Decimal("1000"), 2) == "1,000.00"
    assert qty(Decimal("4601.3650")) == "4,601.365" and qty(Decimal("0.0000")) == "0"


class _Form(StyledFormMixin, forms.Form):
    pick = forms.ChoiceField(choices=[("", "---------"), ("a", "甲")], required=False)
    org = forms.ModelChoiceField(queryset=None, required=False)
    own = forms.ChoiceField(choices=[("", "全部"), ("a", "甲")], required=False)

    def __init__(self, *args, **kwargs):
        from django.contrib.auth.models import Group

        self.base_fields["org"].queryset = Group.objects.none()
        super().__init__(*args, **kwargs)


def test_selects_say_please_choose_not_dashes():
    form = _Form()
    assert form.fields["pick"].choices[0] == ("", EMPTY_LABEL)
    assert form.fields["org"].empty_label == EMPTY_LABEL
    assert form.fields["own"].choices[0] == ("", "全部")  # a chosen label is kept
    assert "---------" not in str(form)
    plain = forms.Form()
    plain.fields["x"] = forms.ChoiceField(choices=[("", "---------")])
    chinese_empty_choices(plain)
    assert plain.fields["x"].choices == [("", EMPTY_LABEL)]
