"""Contracts, their bill of quantities, variations and 签证, payment claims with the double
review (双审双控), payments, guarantees and the acceptance tree. Fields and constraints only:
the process lives in workflow.py / payments.py, the writes in services/."""

from __future__ import annotations

from django.db import models

from jianguan.accounts.models import Organisation
from jianguan.contracts import workflow as wf
from jianguan.core.models import BaseModel, choices
from jianguan.projects.models import Project

MONEY = {"max_digits": 16, "decimal_places": 2}
QTY = {"max_digits": 18, "decimal_places": 3}
RATE = {"max_digits": 14, "decimal_places": 2}
RATIO = {"max_digits": 5, "decimal_places": 4}


class Contract(BaseModel):
    """施工合同 (main) or 分包合同 (subcontract under `parent`)."""

    number = models.CharField("合同编号", max_length=24, unique=True)
    project = models.ForeignKey(Project, related_name="contracts", on_delete=models.PROTECT)
    kind = models.CharField("合同类型", max_length=12, choices=choices(wf.CONTRACT_KINDS))
    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="subcontracts", on_delete=models.PROTECT
    )
    subcontract_type = models.CharField(
        "分包类型", max_length=12, blank=True, choices=choices(wf.SUBCONTRACT_TYPES)
    )
    # the law forbids subcontracting the main structure (建筑法 29): asked, recorded, checked
    covers_main_structure = models.BooleanField("含主体结构施工", default=False)
    # tendering.Award id (no FK: contracts must not depend on tendering's tables for deletion)
    award_id = models.PositiveBigIntegerField("中标结果", null=True, blank=True, unique=True)
    tender_code = models.CharField("招标编号", max_length=20, blank=True)
    title = models.CharField("合同名称", max_length=200)
    scope = models.TextField("承包范围", blank=True)
    employer = models.ForeignKey(
        Organisation, verbose_name="发包人", related_name="+", on_delete=models.PROTECT
    )
    contractor = models.ForeignKey(
        Organisation, verbose_name="承包人", related_name="+", on_delete=models.PROTECT
    )
    supervisor = models.ForeignKey(
        Organisation,
        verbose_name="监理单位",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    finance_bureau = models.ForeignKey(
        Organisation,
        verbose_name="财政评审机构",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    auditor = models.ForeignKey(
        Organisation,
        verbose_name="第三方审计机构",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    status = models.CharField(
        max_length=16, choices=choices(wf.CONTRACT_STATUSES), default=wf.DRAFT, db_index=True
    )
    price = models.DecimalField("签约合同价（元）", **MONEY)
    current_value = models.DecimalField("现合同价（含已批准变更，元）", **MONEY)
    duration_days = models.PositiveIntegerField("工期（日历天）")
    start_on = models.DateField("计划开工日期", null=True, blank=True)
    end_on = models.DateField("计划竣工日期", null=True, blank=True)
    # payment terms (checked against rule data when the contract is submitted for signature)
    advance_ratio = models.DecimalField("预付款比例", default=0, **RATIO)
    progress_ratio = models.DecimalField("进度款支付比例", default="0.8000", **RATIO)
    retention_form = models.CharField(
        "质量保证金形式", max_length=16, choices=choices(wf.RETENTION_FORMS), default="cash"
    )
    retention_ratio = models.DecimalField("质量保证金比例", default="0.0300", **RATIO)
    security_form = models.CharField(
        "履约担保形式", max_length=16, choices=choices(wf.SECURITY_FORMS), default="none"
    )
    security_amount = models.DecimalField("履约担保金额（元）", default=0, **MONEY)
    security_reference = models.CharField("保函或保单号", max_length=100, blank=True)
    measurement_period_months = models.PositiveSmallIntegerField("计量周期（月）", default=1)
    labour_payment_cycle_months = models.PositiveSmallIntegerField(
        "人工费用拨付周期（月）", default=1
    )
    employer_signed_at = models.DateTimeField("发包人签署时间", null=True, blank=True)
    employer_signed_by = models.CharField(max_length=150, blank=True)
    contractor_signed_at = models.DateTimeField("承包人签署时间", null=True, blank=True)
    contractor_signed_by = models.CharField(max_length=150, blank=True)
    signed_on = models.DateField("签订日期", null=True, blank=True)
    approved_at = models.DateTimeField("建设单位批准分包时间", null=True, blank=True)
    approved_by = models.CharField(max_length=150, blank=True)
    eligibility = models.JSONField("分包单位资格核验结果", null=True, blank=True)
    created_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "合同"
        verbose_name_plural = "合同"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["project", "kind"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class BoqItem(BaseModel):
    """One line of the contract's 工程量清单 (GB 50500 columns)."""

    contract = models.ForeignKey(Contract, related_name="boq_items", on_delete=models.CASCADE)
    sequence = models.PositiveIntegerField("序号")
    code = models.CharField("项目编码", max_length=40)
    name = models.CharField("项目名称", max_length=200)
    feature = models.TextField("项目特征", blank=True)
    unit = models.CharField("计量单位", max_length=20)
    quantity = models.DecimalField("合同工程量", **QTY)
    unit_rate = models.DecimalField("综合单价（元）", **RATE)
    amount = models.DecimalField("合价（元）", **MONEY)
    # contract quantity plus approved variations; what claims are checked against
    current_quantity = models.DecimalField("现工程量（含已批准变更）", **QTY)
    origin_variation = models.ForeignKey(
        "Variation", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "清单项"
        ordering = ["contract", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="boq_item_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Variation(BaseModel):
    """工程变更 (`variation`) or 现场签证 (`site_instruction`)."""

    contract = models.ForeignKey(Contract, related_name="variations", on_delete=models.PROTECT)
    number = models.CharField("编号", max_length=32, unique=True)
    kind = models.CharField("类型", max_length=20, choices=choices(wf.VARIATION_KINDS))
    title = models.CharField("事项", max_length=200)
    reason = models.TextField("原因")
    cause = models.CharField("起因", max_length=20, choices=choices(wf.VARIATION_CAUSES))
    cause_reference = models.CharField("设计变更文号或依据", max_length=200, blank=True)
    # compliance.Finding id when a finding caused it (no FK: compliance sits beside us)
    finding_id = models.PositiveBigIntegerField("引起变更的检查问题", null=True, blank=True)
    amount = models.DecimalField("变更金额（元，增为正减为负）", default=0, **MONEY)
    status = models.CharField(
        max_length=20, choices=choices(wf.VARIATION_STATUSES), default=wf.V_DRAFT, db_index=True
    )
    needs_regulator = models.BooleanField("须监管部门审批", default=False)
    raised_by = models.CharField(max_length=150)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "变更与签证"
        ordering = ["-created_at"]

    def __str__(self) -> str:  # the ledger's words name the object (最近已办, 履历)
        return f"{self.number} {self.title}"


class VariationLine(BaseModel):
    """A change to an existing BoQ line (`boq_item`) or a new line with its own rate."""

    variation = models.ForeignKey(Variation, related_name="lines", on_delete=models.CASCADE)
    boq_item = models.ForeignKey(
        BoqItem, null=True, blank=True, related_name="variation_lines", on_delete=models.PROTECT
    )
    code = models.CharField("项目编码", max_length=40, blank=True)
    name = models.CharField("项目名称", max_length=200, blank=True)
    feature = models.TextField("项目特征", blank=True)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    unit_rate = models.DecimalField("综合单价（元）", **RATE)
    quantity_delta = models.DecimalField("工程量增减", **QTY)
    amount_delta = models.DecimalField("金额增减（元）", **MONEY)

    class Meta:
        verbose_name = "变更清单明细"
        ordering = ["variation", "pk"]


class VariationStep(BaseModel):
    """One decision in the approval chain: supervisor → owner (→ regulator above the threshold)."""

    variation = models.ForeignKey(Variation, related_name="steps", on_delete=models.CASCADE)
    step = models.CharField("审批环节", max_length=12, choices=choices(wf.VARIATION_STEPS))
    decision = models.CharField("意见", max_length=10, choices=choices(wf.DECISIONS))
    opinion = models.CharField("审批意见", max_length=500, blank=True)
    organisation = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    decided_by = models.CharField(max_length=150)
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = "变更审批步骤"
        ordering = ["variation", "decided_at", "pk"]


class PaymentClaim(BaseModel):
    """进度款申请 for one measurement period: cumulative quantities per BoQ line."""

    contract = models.ForeignKey(Contract, related_name="claims", on_delete=models.PROTECT)
    sequence = models.PositiveSmallIntegerField("期数")
    number = models.CharField("申请编号", max_length=32, unique=True)
    period_start = models.DateField("计量期开始")
    period_end = models.DateField("计量期结束")
    status = models.CharField(
        max_length=16, choices=choices(wf.CLAIM_STATUSES), default=wf.C_DRAFT, db_index=True
    )
    claimed_value = models.DecimalField("申报本期完成产值（元）", default=0, **MONEY)
    claimed_cumulative_value = models.DecimalField("申报累计完成产值（元）", default=0, **MONEY)
    # a claim returned for correction is resubmitted as the next round; reviews are per round
    round = models.PositiveSmallIntegerField("提交轮次", default=0)
    checks = models.JSONField("自动校验结果", default=list, blank=True)
    chief_supervisor = models.CharField("总监理工程师", max_length=50, blank=True)
    chief_supervisor_signed_at = models.DateTimeField(null=True, blank=True)
    approved_value = models.DecimalField("审定本期完成产值（元）", null=True, blank=True, **MONEY)
    approved_cumulative_value = models.DecimalField(
        "审定累计完成产值（元）", null=True, blank=True, **MONEY
    )
    payable_amount = models.DecimalField("本期应付金额（元）", null=True, blank=True, **MONEY)
    retention_amount = models.DecimalField(
        "本期扣留质量保证金（元）", null=True, blank=True, **MONEY
    )
    paid_amount = models.DecimalField("已付金额（元）", default=0, **MONEY)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.CharField(max_length=150, blank=True)
    created_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "进度款申请"
        ordering = ["contract", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "sequence"], name="claim_sequence_unique")
        ]

    def __str__(self) -> str:  # the ledger's words name the object (最近已办, 履历)
        return self.number


class ClaimLine(BaseModel):
    claim = models.ForeignKey(PaymentClaim, related_name="lines", on_delete=models.CASCADE)
    boq_item = models.ForeignKey(BoqItem, related_name="claim_lines", on_delete=models.PROTECT)
    previous_quantity = models.DecimalField("上期末累计审定工程量", **QTY)
    cumulative_quantity = models.DecimalField("申报累计工程量", **QTY)
    unit_rate = models.DecimalField("综合单价（元）", **RATE)
    period_amount = models.DecimalField("申报本期金额（元）", **MONEY)
    evidence_note = models.CharField("计量依据", max_length=300, blank=True)
    approved_cumulative_quantity = models.DecimalField(
        "审定累计工程量", null=True, blank=True, **QTY
    )

    class Meta:
        verbose_name = "进度款申报明细"
        ordering = ["claim", "boq_item__sequence"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "boq_item"], name="claim_line_unique")
        ]


class Review(BaseModel):
    """One stage of the claim's review chain. Draft cuts are visible only to the reviewing
    organisation until `submitted_at` (the auditor never sees the finance draft, and the
    contractor sees neither draft)."""

    claim = models.ForeignKey(PaymentClaim, related_name="reviews", on_delete=models.CASCADE)
    stage = models.CharField("审核环节", max_length=12, choices=choices(wf.REVIEW_STAGES))
    round = models.PositiveSmallIntegerField("提交轮次", default=1)
    organisation = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    reviewer = models.CharField(max_length=150)
    started_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=choices(wf.DECISIONS), blank=True)
    opinion = models.CharField("审核意见", max_length=1000, blank=True)
    reviewed_value = models.DecimalField("本环节审定累计产值（元）", null=True, blank=True, **MONEY)
    reduction = models.DecimalField("本环节审减金额（元）", default=0, **MONEY)

    class Meta:
        verbose_name = "进度款审核"
        ordering = ["claim", "started_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "round", "stage"], name="review_stage_unique")
        ]

    def __str__(self) -> str:  # the ledger's words name the object (最近已办, 履历)
        return f"{self.get_stage_display()}（第 {self.round} 轮）"


class ReviewCut(BaseModel):
    """A reviewer's line-level cut: the cumulative quantity this reviewer accepts, and why."""

    review = models.ForeignKey(Review, related_name="cuts", on_delete=models.CASCADE)
    line = models.ForeignKey(ClaimLine, related_name="cuts", on_delete=models.CASCADE)
    accepted_quantity = models.DecimalField("审定累计工程量", **QTY)
    reason = models.CharField("审减理由", max_length=500)

    class Meta:
        verbose_name = "审核审减明细"
        ordering = ["review", "line"]
        constraints = [models.UniqueConstraint(fields=["review", "line"], name="review_cut_unique")]


class Payment(BaseModel):
    claim = models.ForeignKey(PaymentClaim, related_name="payments", on_delete=models.PROTECT)
    amount = models.DecimalField("支付金额（元）", **MONEY)
    paid_on = models.DateField("支付日期")
    reference = models.CharField("支付凭证号", max_length=100)
    recorded_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "支付记录"
        ordering = ["claim", "paid_on", "pk"]


class Evidence(BaseModel):
    """A file attached to a variation, a claim or a review cut; its SM3 goes into the ledger."""

    contract = models.ForeignKey(Contract, related_name="evidence", on_delete=models.CASCADE)
    variation = models.ForeignKey(
        Variation, null=True, blank=True, related_name="evidence", on_delete=models.CASCADE
    )
    claim = models.ForeignKey(
        PaymentClaim, null=True, blank=True, related_name="evidence", on_delete=models.CASCADE
    )
    review = models.ForeignKey(
        Review, null=True, blank=True, related_name="evidence", on_delete=models.CASCADE
    )
    file = models.FileField(upload_to="contracts/%Y/", max_length=200)
    name = models.CharField("文件名", max_length=200)
    sm3 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "证明材料"
        ordering = ["pk"]


class AcceptanceItem(BaseModel):
    """The acceptance tree: inspection lot → sub-division → division → unit project."""

    contract = models.ForeignKey(
        Contract, related_name="acceptance_items", on_delete=models.CASCADE
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.CASCADE
    )
    level = models.CharField("层级", max_length=16, choices=choices(wf.ACCEPTANCE_LEVELS))
    code = models.CharField("编号", max_length=40)
    name = models.CharField("名称", max_length=200)
    status = models.CharField(
        max_length=16, choices=choices(wf.ACCEPTANCE_STATUSES), default=wf.A_PENDING
    )
    self_checked_by = models.CharField(max_length=150, blank=True)
    self_checked_at = models.DateTimeField(null=True, blank=True)
    self_check_note = models.CharField("自检意见", max_length=500, blank=True)
    accepted_by = models.CharField(max_length=150, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    opinion = models.CharField("验收意见", max_length=500, blank=True)
    # compliance.RectificationOrder id opened by a failed acceptance
    order_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "质量验收"
        ordering = ["contract", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="acceptance_code_unique")
        ]
