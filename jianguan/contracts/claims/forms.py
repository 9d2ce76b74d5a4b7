"""Forms of the claim pages. They only parse input; the services check every rule."""

from __future__ import annotations

import json
from decimal import Decimal

from django import forms

from jianguan.core.forms import MultipleFileField, StyledFormMixin
from jianguan.core.money import DecimalProblem, strict_decimal

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# QTY is max_digits=18, decimal_places=3; MONEY max_digits=16, decimal_places=2
QTY_MAX = Decimal("999999999999999.999")
MONEY_MAX = Decimal("99999999999999.99")


def parse_decimal(raw: str, label: str, *, places: int, maximum: Decimal) -> Decimal:
    """A non-negative finite decimal with at most `places` decimals, or ValueError(中文).
    The value is returned as typed (not quantized); "1.50" with places=1 is refused."""
    text = (raw or "").strip().replace(",", "").replace("，", "")
    if not text:
        raise ValueError(f"{label}不能为空")
    if len(text) > 40:
        raise ValueError(f"{label}过长")
    try:
        value = strict_decimal(text, places=places, maximum=maximum, minimum=Decimal(0))
    except DecimalProblem as problem:
        message = {
            "not_number": f"{label}须为数字",
            "not_finite": f"{label}须为有限的数字",
            "below_minimum": f"{label}不能为负数",
            "too_large": f"{label}超出允许范围",
            "too_many_places": f"{label}最多保留 {places} 位小数",
        }[problem.kind]
        raise ValueError(message) from None
    if value.as_tuple().exponent < -places:  # type: ignore[operator]
        raise ValueError(f"{label}最多保留 {places} 位小数")
    return value


class DecimalText(forms.CharField):
    """A decimal typed as text, parsed with Chinese messages (never NaN/Infinity/negative)."""

    def __init__(self, *args, places: int = 3, maximum: Decimal = QTY_MAX, **kwargs):
        self.places, self.maximum = places, maximum
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return parse_decimal(
                value, self.label or "数值", places=self.places, maximum=self.maximum
            )
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class ClaimHeaderForm(StyledFormMixin, forms.Form):
    period_start = forms.DateField(label="计量期开始", widget=DATE)
    period_end = forms.DateField(label="计量期结束", widget=DATE)
    files = MultipleFileField(label="计量证明材料（PDF/JPG/PNG）", required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "计量期结束日期不能早于开始日期")
        return data


MAX_LINES = 20000


def typed_lines(post) -> dict[int, dict]:
    """{BoQ item id: {"q": cumulative quantity, "n": evidence note}} as typed. The page's script
    packs the filled rows into one `lines_json` field (a BoQ of thousands of lines would pass
    Django's field limit); without the script the rows come as `q_<id>` / `n_<id>`."""
    typed: dict[int, dict] = {}
    packed = post.get("lines_json")
    if packed:
        try:
            rows = json.loads(packed)
        except ValueError:
            rows = None
        if not isinstance(rows, list) or len(rows) > MAX_LINES:
            raise ValueError("清单数据格式不正确，请刷新页面后重新填写")
        for row in rows:
            if not isinstance(row, dict) or not str(row.get("id", "")).isdigit():
                raise ValueError("清单数据格式不正确，请刷新页面后重新填写")
            q, n = row.get("q", ""), row.get("n", "")
            typed[int(row["id"])] = {
                "q": q.strip() if isinstance(q, str) else "",
                "n": n.strip() if isinstance(n, str) else "",
            }
        return typed
    for key, value in post.items():
        kind, _, pk = key.partition("_")
        if kind in ("q", "n") and pk.isdigit() and len(pk) < 19:
            typed.setdefault(int(pk), {"q": "", "n": ""})[kind] = (value or "").strip()
    return typed


def parse_lines(
    typed: dict[int, dict], items
) -> tuple[list[dict], dict[int, str], dict[int, dict]]:
    """Check the typed rows of this contract's BoQ items (blank rows are skipped). Returns
    (lines for the service, {item id: error}, {item id: {"q", "n"}} to re-show what was typed)."""
    lines: list[dict] = []
    errors: dict[int, str] = {}
    shown: dict[int, dict] = {}
    for item in items:
        row = typed.get(item.pk)
        if not row or (not row["q"] and not row["n"]):
            continue
        q, n = row["q"], row["n"]
        shown[item.pk] = {"q": q[:40], "n": n[:300]}
        if not q:
            errors[item.pk] = "填写了计量依据，请同时填写累计工程量"
            continue
        if len(n) > 300:
            errors[item.pk] = "计量依据最多 300 字"
            continue
        try:
            value = parse_decimal(q, "累计工程量", places=3, maximum=QTY_MAX)
        except ValueError as exc:
            errors[item.pk] = str(exc)
            continue
        lines.append({"boq_item": item.pk, "cumulative_quantity": str(value), "evidence_note": n})
    return lines, errors, shown


class CutForm(StyledFormMixin, forms.Form):
    line = forms.TypedChoiceField(label="清单项", coerce=int, choices=())
    accepted_quantity = DecimalText(label="审定累计工程量", places=3, maximum=QTY_MAX)
    reason = forms.CharField(label="审减理由", max_length=500)
    files = MultipleFileField(label="审减依据（PDF/JPG/PNG）", required=False)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [
            (ln.pk, f"{ln.boq_item.code} {ln.boq_item.name}") for ln in lines
        ]


class ReviewSubmitForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="审核结论", choices=[("approve", "同意（报下一环节）"), ("return", "退回修改")]
    )
    opinion = forms.CharField(
        label="审核意见", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PaymentForm(StyledFormMixin, forms.Form):
    amount = DecimalText(label="支付金额（元）", places=2, maximum=MONEY_MAX)
    paid_on = forms.DateField(label="支付日期", widget=DATE)
    reference = forms.CharField(label="支付凭证号", max_length=100)

    def clean_amount(self):
        value = self.cleaned_data.get("amount")
        if value is not None and value <= 0:
            raise forms.ValidationError("支付金额须大于零")
        return value
