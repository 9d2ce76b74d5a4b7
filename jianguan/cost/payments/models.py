"""预付款与质量保证金: the contract's advance terms, the advance payment against its guarantee,
the recovery taken from each approved payment claim, the owner's holds on the retention and
the retention releases. Fields and constraints only: the rules live in workflow.py and
contracts/payments.py, the writes in services.py."""

from __future__ import annotations

from django.db import models

from jianguan.contracts.models import Contract, PaymentClaim
from jianguan.core.models import BaseModel, choices
from jianguan.cost.payments import workflow as wf

MONEY = {"max_digits": 16, "decimal_places": 2}
RATIO = {"max_digits": 5, "decimal_places": 4}


class AdvanceTerms(BaseModel):
    """How the contract recovers its advance (扣回): from the first period in which the approved
    cumulative value reaches ``start_ratio`` of the contract price, ``rate`` of each period's
    approved value until fully recovered."""

    contract = models.OneToOneField(
        Contract, related_name="advance_terms", on_delete=models.CASCADE
    )
    start_ratio = models.DecimalField("起扣点（累计审定产值占合同价比例）", **RATIO)
    rate = models.DecimalField("扣回比例（占当期审定产值）", **RATIO)
    defects_period_months = models.PositiveSmallIntegerField("缺陷责任期（月）", default=12)
    set_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "预付款扣回与缺陷责任期约定"


class AdvancePayment(BaseModel):
    contract = models.OneToOneField(Contract, related_name="advance", on_delete=models.PROTECT)
    amount = models.DecimalField("预付款金额（元）", **MONEY)
    status = models.CharField(
        "状态", max_length=12, choices=choices(wf.ADVANCE_STATUSES), db_index=True
    )
    guarantee_number = models.CharField("预付款保函编号", max_length=60)
    guarantee_issuer = models.CharField("开立银行", max_length=100)
    guarantee_amount = models.DecimalField("保函金额（元）", **MONEY)
    guarantee_outstanding = models.DecimalField("保函剩余担保金额（元）", **MONEY)
    guarantee_expires_on = models.DateField("保函有效期至")
    recovered = models.DecimalField("已扣回（元）", default=0, **MONEY)
    requested_by = models.CharField(max_length=150)
    requested_at = models.DateTimeField()
    due_on = models.DateField("审批支付期限", null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    opinion = models.CharField("审批意见", max_length=500, blank=True)
    paid_on = models.DateField("支付日期", null=True, blank=True)
    paid_reference = models.CharField("支付凭证号", max_length=100, blank=True)
    paid_by = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = "预付款"

    def __str__(self) -> str:
        return f"{self.contract.number} 预付款"

    @property
    def outstanding(self):
        return self.amount - self.recovered if self.status == wf.A_PAID else 0


class AdvanceRecovery(BaseModel):
    """扣回预付款 on one approved payment claim (one row per claim, written at approval)."""

    claim = models.OneToOneField(
        PaymentClaim, related_name="advance_recovery", on_delete=models.CASCADE
    )
    advance = models.ForeignKey(AdvancePayment, related_name="recoveries", on_delete=models.PROTECT)
    amount = models.DecimalField("本期扣回预付款（元）", **MONEY)
    cumulative = models.DecimalField("累计扣回（元）", **MONEY)

    class Meta:
        verbose_name = "预付款扣回"
        ordering = ["claim__sequence"]


class RetentionHold(BaseModel):
    """The owner keeps part of the retention back for an open defect or claim."""

    contract = models.ForeignKey(Contract, related_name="retention_holds", on_delete=models.PROTECT)
    amount = models.DecimalField("暂扣金额（元）", **MONEY)
    reason = models.CharField("暂扣原因", max_length=300)
    status = models.CharField(
        "状态", max_length=8, choices=choices(wf.HOLD_STATUSES), default=wf.H_OPEN
    )
    created_by = models.CharField(max_length=150)
    lifted_by = models.CharField(max_length=150, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "质量保证金暂扣"
        ordering = ["contract", "created_at"]

    def __str__(self) -> str:
        return f"{self.contract.number} 暂扣 {self.amount}"


class RetentionRelease(BaseModel):
    contract = models.ForeignKey(
        Contract, related_name="retention_releases", on_delete=models.PROTECT
    )
    amount = models.DecimalField("申请返还金额（元）", **MONEY)
    status = models.CharField(
        "状态", max_length=12, choices=choices(wf.RELEASE_STATUSES), db_index=True
    )
    requested_by = models.CharField(max_length=150)
    requested_at = models.DateTimeField()
    confirm_due_on = models.DateField("建设单位核实期限")
    pay_due_on = models.DateField("支付期限", null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    opinion = models.CharField("核实意见", max_length=500, blank=True)
    paid_on = models.DateField("支付日期", null=True, blank=True)
    paid_reference = models.CharField("支付凭证号", max_length=100, blank=True)
    paid_by = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = "质量保证金返还"
        ordering = ["contract", "requested_at"]

    def __str__(self) -> str:
        return f"{self.contract.number} 质量保证金返还"
