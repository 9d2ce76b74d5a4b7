"""竣工结算: the final account of a contract (one per contract) and its lines, stage
settlements (过程结算) whose agreed quantities are carried into it and not audited again,
the signatures of the parties and the final payment or refund. Fields and constraints only:
the process lives in workflow.py, the writes in services.py."""

from __future__ import annotations

from django.db import models

from jianguan.accounts.models import Organisation
from jianguan.contracts.models import BoqItem, Contract
from jianguan.core.models import BaseModel, choices
from jianguan.cost.settlement import workflow as wf
from jianguan.projects.models import Project

MONEY = {"max_digits": 16, "decimal_places": 2}
QTY = {"max_digits": 18, "decimal_places": 3}
RATE = {"max_digits": 14, "decimal_places": 2}
RATIO = {"max_digits": 5, "decimal_places": 4}


class SettlementTerms(BaseModel):
    """What the contract says about its final account (GF-2017-0201 通用条款 14): the
    submission period, what the owner's silence means, the material price risk band. A blank
    number falls back to rule data."""

    contract = models.OneToOneField(
        Contract, related_name="settlement_terms", on_delete=models.CASCADE
    )
    submit_days = models.PositiveIntegerField("竣工结算提交期限（天）", null=True, blank=True)
    silence_consequence = models.CharField(
        "发包人逾期未答复的后果",
        max_length=20,
        choices=choices(wf.SILENCE_CONSEQUENCES),
        default="deemed_accepted",
    )
    material_risk_band = models.DecimalField("材料价格风险幅度", null=True, blank=True, **RATIO)
    set_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "合同结算条款"

    def __str__(self) -> str:
        return f"{self.contract.number} 结算条款"


class FinalAccount(BaseModel):
    """竣工结算 of one contract, from the contractor's submission to the signed settlement
    and the final payment."""

    contract = models.OneToOneField(
        Contract, related_name="final_account", on_delete=models.PROTECT
    )
    project = models.ForeignKey(Project, related_name="final_accounts", on_delete=models.PROTECT)
    number = models.CharField("结算编号", max_length=32, unique=True)
    status = models.CharField(
        max_length=16, choices=choices(wf.STATUSES), default=wf.DRAFT, db_index=True
    )
    submitted_amount = models.DecimalField("送审金额（元）", default=0, **MONEY)
    audited_amount = models.DecimalField("审定金额（元）", null=True, blank=True, **MONEY)
    settled_amount = models.DecimalField("结算金额（元）", null=True, blank=True, **MONEY)
    completion_date = models.DateField("竣工验收日期")
    submit_due_on = models.DateField("应提交日期")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.CharField(max_length=150, blank=True)
    review_due_on = models.DateField("发包人审核期限", null=True, blank=True)
    silence_consequence = models.CharField(
        "逾期未答复的后果", max_length=20, choices=choices(wf.SILENCE_CONSEQUENCES), blank=True
    )
    owner_decision = models.CharField(
        "发包人审核结论", max_length=20, choices=choices(wf.OWNER_DECISIONS), blank=True
    )
    owner_opinion = models.CharField("发包人审核意见", max_length=1000, blank=True)
    owner_reviewed_at = models.DateTimeField(null=True, blank=True)
    owner_reviewed_by = models.CharField(max_length=150, blank=True)
    review_lapsed_on = models.DateField("审核逾期日", null=True, blank=True)
    audit_started_at = models.DateTimeField(null=True, blank=True)
    audit_finished_at = models.DateTimeField(null=True, blank=True)
    report_reference = models.CharField("审计报告文号", max_length=200, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.CharField(max_length=150, blank=True)
    # the position at signing (payments.position): what the final payment is computed from
    paid_to_date = models.DecimalField("已付进度款（元）", null=True, blank=True, **MONEY)
    # progress certificates paid part of their value by offsetting the advance: that part
    # was paid too (the cash went out as the advance)
    advance_recovered = models.DecimalField(
        "进度款中已扣回预付款（元）", null=True, blank=True, **MONEY
    )
    retention_held = models.DecimalField("预留质量保证金（元）", null=True, blank=True, **MONEY)
    advance_outstanding = models.DecimalField("未扣回预付款（元）", null=True, blank=True, **MONEY)
    final_balance = models.DecimalField(
        "结算尾款（元，负数为超付应退）", null=True, blank=True, **MONEY
    )
    signed_at = models.DateTimeField("各方签署完成时间", null=True, blank=True)
    refund_due_on = models.DateField("超付款退还期限", null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "竣工结算"
        verbose_name_plural = "竣工结算"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.contract.title}"


class FinalAccountLine(BaseModel):
    """One line of the final account: a BoQ line at its final quantity, an approved
    variation or 签证, a claim, a price adjustment, a deduction or what a stage settlement
    already settled (`stage_settled`: not audited again)."""

    account = models.ForeignKey(FinalAccount, related_name="lines", on_delete=models.CASCADE)
    sequence = models.PositiveIntegerField("序号")
    source_kind = models.CharField("来源", max_length=20, choices=choices(wf.SOURCE_KINDS))
    # BoqItem / Variation / StageSettlementLine id, by kind; none for manual lines
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    code = models.CharField("项目编码", max_length=40, blank=True)
    name = models.CharField("项目名称", max_length=200)
    feature = models.TextField("项目特征", blank=True)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    contract_quantity = models.DecimalField("合同工程量", null=True, blank=True, **QTY)
    quantity = models.DecimalField("结算工程量", default=0, **QTY)
    unit_rate = models.DecimalField("综合单价（元）", default=0, **RATE)
    base_price = models.DecimalField("基准单价（元）", null=True, blank=True, **RATE)
    market_price = models.DecimalField("信息价（元）", null=True, blank=True, **RATE)
    claimed_amount = models.DecimalField("送审金额（元）", default=0, **MONEY)
    settled_amount = models.DecimalField("审定金额（元）", null=True, blank=True, **MONEY)
    stage_settled = models.BooleanField("过程结算已确认", default=False)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "竣工结算明细"
        ordering = ["account", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["account", "sequence"], name="final_line_sequence")
        ]
        indexes = [models.Index(fields=["account", "source_kind"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class FinalAccountSignature(BaseModel):
    """One party's signature on the settlement (结算书) once its amount is confirmed."""

    account = models.ForeignKey(FinalAccount, related_name="signatures", on_delete=models.CASCADE)
    party = models.CharField("签署方", max_length=12, choices=choices(wf.PARTIES))
    organisation = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    signed_by = models.CharField(max_length=150)
    signed_at = models.DateTimeField()

    class Meta:
        verbose_name = "结算签署"
        ordering = ["account", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["account", "party"], name="final_signature_party")
        ]


class SettlementPayment(BaseModel):
    """The final payment to the contractor, or the contractor's return of an overpayment."""

    account = models.ForeignKey(FinalAccount, related_name="payments", on_delete=models.PROTECT)
    direction = models.CharField("方向", max_length=10, choices=choices(wf.PAYMENT_DIRECTIONS))
    amount = models.DecimalField("金额（元）", **MONEY)
    paid_on = models.DateField("支付日期")
    reference = models.CharField("凭证号", max_length=100, blank=True)
    recorded_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "结算款支付"
        ordering = ["account", "paid_on", "pk"]


class StageSettlement(BaseModel):
    """过程结算: agreed, undisputed quantities of one period, settled while the works go on."""

    contract = models.ForeignKey(
        Contract, related_name="stage_settlements", on_delete=models.PROTECT
    )
    number = models.CharField("编号", max_length=32, unique=True)
    period_start = models.DateField("结算周期起")
    period_end = models.DateField("结算周期止")
    status = models.CharField(
        max_length=12, choices=choices(wf.STAGE_STATUSES), default=wf.STAGE_DRAFT
    )
    amount = models.DecimalField("结算金额（元）", default=0, **MONEY)
    submitted_at = models.DateTimeField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.CharField(max_length=150, blank=True)
    created_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "过程结算"
        ordering = ["contract", "period_start"]

    def __str__(self) -> str:
        return f"{self.number}（{self.period_start}—{self.period_end}）"


class StageSettlementLine(BaseModel):
    stage = models.ForeignKey(StageSettlement, related_name="lines", on_delete=models.CASCADE)
    boq_item = models.ForeignKey(BoqItem, related_name="+", on_delete=models.PROTECT)
    quantity = models.DecimalField("结算工程量", **QTY)
    unit_rate = models.DecimalField("综合单价（元）", **RATE)
    amount = models.DecimalField("金额（元）", **MONEY)

    class Meta:
        verbose_name = "过程结算明细"
        ordering = ["stage", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "boq_item"], name="stage_line_item")
        ]
