"""Forms of the contract pages: new contract (from an award or by hand), terms, subcontract,
approval. Numbers are checked again by the services (the single source of the rules)."""

from __future__ import annotations

from django import forms

from jianguan.accounts.models import Organisation
from jianguan.contracts import workflow
from jianguan.core.forms import chinese_empty_choices

RATIO = {"max_digits": 5, "decimal_places": 4, "min_value": 0, "max_value": 1}
MONEY = {"max_digits": 16, "decimal_places": 2, "min_value": 0}
DATE = forms.DateInput(attrs={"type": "date"})


def tabler(form: forms.Form) -> None:
    """Tabler classes on every widget."""
    for field in form.fields.values():
        w = field.widget
        css = (
            "form-check-input"
            if isinstance(w, forms.CheckboxInput)
            else "form-select"
            if isinstance(w, forms.Select)
            else "form-control"
        )
        w.attrs["class"] = css
    chinese_empty_choices(form)  # "请选择", not Django's "---------"


def _orgs(kind: str):
    return Organisation.objects.filter(kind=kind).order_by("name")


class TermsForm(forms.Form):
    title = forms.CharField(label="合同名称", max_length=200)
    scope = forms.CharField(
        label="承包范围", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    duration_days = forms.IntegerField(label="工期（日历天）", min_value=1, max_value=3650)
    start_on = forms.DateField(label="计划开工日期", required=False, widget=DATE)
    end_on = forms.DateField(label="计划竣工日期", required=False, widget=DATE)
    advance_ratio = forms.DecimalField(label="预付款比例", help_text="如 0.1 表示 10%", **RATIO)
    progress_ratio = forms.DecimalField(label="进度款支付比例", help_text="不低于 0.8", **RATIO)
    retention_form = forms.ChoiceField(
        label="质量保证金形式", choices=list(workflow.RETENTION_FORMS.items())
    )
    retention_ratio = forms.DecimalField(label="质量保证金比例", help_text="不高于 0.03", **RATIO)
    security_form = forms.ChoiceField(
        label="履约担保形式", choices=list(workflow.SECURITY_FORMS.items())
    )
    security_amount = forms.DecimalField(label="履约担保金额（元）", **MONEY)
    security_reference = forms.CharField(label="保函或保单号", required=False, max_length=100)
    measurement_period_months = forms.IntegerField(
        label="计量周期（月）", min_value=1, max_value=12
    )
    labour_payment_cycle_months = forms.IntegerField(
        label="人工费用拨付周期（月）", min_value=1, max_value=12
    )
    supervisor = forms.ModelChoiceField(
        label="监理单位", queryset=_orgs("supervisor"), required=False
    )
    finance_bureau = forms.ModelChoiceField(
        label="财政评审机构", queryset=_orgs("finance_bureau"), required=False
    )
    auditor = forms.ModelChoiceField(
        label="第三方审计机构", queryset=_orgs("auditor"), required=False
    )

    FIELDS_FOR_SUB = (
        "title", "scope", "duration_days", "start_on", "end_on", "advance_ratio",
        "progress_ratio", "retention_form", "retention_ratio", "security_form",
        "security_amount", "security_reference", "measurement_period_months",
        "labour_payment_cycle_months",
    )  # fmt: skip

    def __init__(self, *args, subcontract: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = _orgs("supervisor")
        self.fields["finance_bureau"].queryset = _orgs("finance_bureau")
        self.fields["auditor"].queryset = _orgs("auditor")
        if subcontract:
            for name in ("supervisor", "finance_bureau", "auditor"):
                del self.fields[name]
        tabler(self)

    @classmethod
    def initial_for(cls, contract) -> dict:
        names = list(cls.base_fields)
        return {n: getattr(contract, n) for n in names}


class FromAwardForm(forms.Form):
    award = forms.TypedChoiceField(label="中标结果", coerce=int)
    start_on = forms.DateField(label="计划开工日期", required=False, widget=DATE)
    auditor = forms.ModelChoiceField(
        label="第三方审计机构", queryset=_orgs("auditor"), required=False
    )

    def __init__(self, *args, awards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = [
            (
                a.pk,
                f"{a.tender.code} {a.tender.title} · 第{a.lot.number}标段 · {a.supplier.name} · {a.value:,.2f} 元",
            )
            for a in awards
        ]
        self.fields["auditor"].queryset = _orgs("auditor")
        tabler(self)


class ManualContractForm(forms.Form):
    project = forms.TypedChoiceField(label="项目", coerce=int)
    contractor = forms.TypedChoiceField(label="承包人（施工总承包单位）", coerce=int)
    title = forms.CharField(label="合同名称", max_length=200)
    price = forms.DecimalField(
        label="签约合同价（元）", max_digits=16, decimal_places=2, min_value=0
    )
    duration_days = forms.IntegerField(label="工期（日历天）", min_value=1, max_value=3650)
    tender_code = forms.CharField(label="招标编号", max_length=20, required=False)

    def __init__(self, *args, projects=(), contractors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [(p.pk, f"{p.code} {p.name}") for p in projects]
        self.fields["contractor"].choices = [(o.pk, o.name) for o in contractors]
        tabler(self)


class SubcontractForm(forms.Form):
    contractor = forms.TypedChoiceField(label="分包单位", coerce=int)
    subcontract_type = forms.ChoiceField(
        label="分包类型", choices=list(workflow.SUBCONTRACT_TYPES.items())
    )
    title = forms.CharField(label="分包合同名称", max_length=200)
    scope = forms.CharField(
        label="分包范围", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    price = forms.DecimalField(
        label="分包合同价（元）", max_digits=16, decimal_places=2, min_value=0
    )
    duration_days = forms.IntegerField(label="工期（日历天）", min_value=1, max_value=3650)
    covers_main_structure = forms.BooleanField(label="分包内容含主体结构施工", required=False)
    access_standard = forms.TypedChoiceField(
        label="准入标准", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, contractors=(), standards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contractor"].choices = [
            (o.pk, f"{o.name}（{o.get_kind_display()}）") for o in contractors
        ]
        self.fields["access_standard"].choices = [("", "默认：具备有效安全生产许可证")] + [
            (s.pk, s.name) for s in standards
        ]
        tabler(self)


class ApproveForm(forms.Form):
    decision = forms.ChoiceField(
        label="审批意见", choices=[("approve", "批准"), ("refuse", "不予批准")]
    )
    opinion = forms.CharField(label="审批说明", max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tabler(self)
