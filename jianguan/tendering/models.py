"""Tenders, lots, documents, clarifications, objections, bidder keys, sealed bids and uploads."""

from __future__ import annotations

import uuid

from django.db import models

from jianguan.accounts.models import Organisation
from jianguan.core.models import BaseModel, choices
from jianguan.projects.models import Project
from jianguan.tendering import procedures, workflow


class Tender(BaseModel):
    code = models.CharField("招标编号", max_length=20, unique=True)
    project = models.ForeignKey(Project, related_name="tenders", on_delete=models.PROTECT)
    title = models.CharField("招标项目名称", max_length=200)
    description = models.TextField("招标范围及说明", blank=True)
    procedure = models.CharField("招标方式", max_length=20, choices=choices(procedures.LABELS))
    status = models.CharField(
        "状态",
        max_length=20,
        choices=choices(workflow.LABELS),
        default=workflow.Status.DRAFT,
        db_index=True,
    )
    tenderer = models.ForeignKey(
        Organisation, verbose_name="招标人", related_name="+", on_delete=models.PROTECT
    )
    agency = models.ForeignKey(
        Organisation,
        verbose_name="招标代理机构",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    access_standard = models.ForeignKey(
        "registry.AccessStandard",
        verbose_name="准入标准",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    evaluation_method = models.CharField(
        "评标办法", max_length=30, default="lowest_evaluated_price"
    )
    evaluation_config = models.JSONField("评标办法参数", default=dict, blank=True)
    k_commitment = models.CharField("下浮系数承诺值", max_length=64, blank=True)
    k_seed_hex = models.CharField(max_length=64, blank=True)  # secret until the K is revealed
    k_value = models.DecimalField("下浮系数K", max_digits=6, decimal_places=4, null=True)
    estimate = models.DecimalField("招标估算价（元）", max_digits=16, decimal_places=2)
    documents_from = models.DateTimeField("招标文件发出时间", null=True, blank=True)
    sale_end = models.DateTimeField("招标文件发售截止", null=True, blank=True)
    prequal_deadline = models.DateTimeField("资格预审申请截止", null=True, blank=True)
    bid_deadline = models.DateTimeField("投标截止时间", null=True, blank=True, db_index=True)
    bid_validity_days = models.PositiveSmallIntegerField("投标有效期（日）", default=90)
    published_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField("暂停时间", null=True, blank=True)
    paused_reason = models.CharField(max_length=300, blank=True)
    unseal_until = models.DateTimeField("解密截止", null=True, blank=True)
    publicity_until = models.DateTimeField("公示截止", null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    failed_reason = models.CharField("流标或终止原因", max_length=500, blank=True)
    original = models.ForeignKey(
        "self",
        verbose_name="原招标项目（重新招标）",
        null=True,
        blank=True,
        related_name="retenders",
        on_delete=models.PROTECT,
    )
    created_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "招标项目"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def procedure_class(self):
        return procedures.PROCEDURES[self.procedure]


class Lot(BaseModel):
    tender = models.ForeignKey(Tender, related_name="lots", on_delete=models.CASCADE)
    number = models.PositiveSmallIntegerField("标段号")
    title = models.CharField("标段名称", max_length=200)
    price_ceiling = models.DecimalField("最高投标限价（元）", max_digits=16, decimal_places=2)
    bond_amount = models.DecimalField("投标保证金（元）", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "标段"
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="lot_unique_number")
        ]

    def __str__(self) -> str:
        return f"第{self.number}标段 {self.title}"


class TenderDocument(BaseModel):
    KINDS = {
        "tender_documents": "招标文件",
        "clarification": "澄清或修改",
        "opening_record": "开标记录",
        "notice": "公告",
    }
    tender = models.ForeignKey(Tender, related_name="documents", on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=choices(KINDS))
    title = models.CharField("名称", max_length=200)
    file = models.FileField(upload_to="tendering/documents/%Y/")
    sm3 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    published_at = models.DateTimeField()

    class Meta:
        verbose_name = "招标文件"
        ordering = ["published_at", "pk"]


class Clarification(BaseModel):
    tender = models.ForeignKey(Tender, related_name="clarifications", on_delete=models.CASCADE)
    text = models.TextField("澄清或修改内容")
    affects_bids = models.BooleanField("可能影响投标文件编制", default=True)
    issued_at = models.DateTimeField()
    old_deadline = models.DateTimeField()
    new_deadline = models.DateTimeField()
    document = models.ForeignKey(
        TenderDocument, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    issued_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "澄清与修改"
        ordering = ["issued_at", "pk"]


class Objection(BaseModel):
    """异议 to the tender documents (实施条例 22): pauses the process until answered."""

    tender = models.ForeignKey(Tender, related_name="objections", on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    text = models.TextField("异议内容")
    filed_at = models.DateTimeField()
    answer_due = models.DateTimeField()
    answer = models.TextField("答复", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    filed_by = models.CharField(max_length=150)
    answered_by = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = "异议"
        ordering = ["filed_at", "pk"]


class Invitation(BaseModel):
    tender = models.ForeignKey(Tender, related_name="invitations", on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)

    class Meta:
        verbose_name = "投标邀请"
        constraints = [
            models.UniqueConstraint(fields=["tender", "organisation"], name="invitation_unique")
        ]


class BidderKey(BaseModel):
    """A bidder's public key for one tender: packages sealed for it can be bids there only."""

    tender = models.ForeignKey(Tender, related_name="bidder_keys", on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    public_pem = models.TextField()
    fingerprint = models.CharField(max_length=64, unique=True)
    registered_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "投标人加密公钥"
        constraints = [
            models.UniqueConstraint(fields=["tender", "organisation"], name="bidder_key_once")
        ]


class Bid(BaseModel):
    SUBMITTED, REPLACED, WITHDRAWN = "submitted", "replaced", "withdrawn"
    OPENED, REVOKED, WITHDRAWN_AT_OPENING = "opened", "revoked", "withdrawn_at_opening"
    STATUSES = {
        SUBMITTED: "已递交（密封）",
        REPLACED: "已被替换",
        WITHDRAWN: "已撤回",
        OPENED: "已解密",
        REVOKED: "解密失败（撤销）",
        WITHDRAWN_AT_OPENING: "解密失败（视为撤回）",
    }
    tender = models.ForeignKey(Tender, related_name="bids", on_delete=models.PROTECT)
    lot = models.ForeignKey(Lot, related_name="bids", on_delete=models.PROTECT)
    bidder = models.ForeignKey(
        Organisation, verbose_name="投标人", related_name="bids", on_delete=models.PROTECT
    )
    status = models.CharField(max_length=24, choices=choices(STATUSES), db_index=True)
    receipt_number = models.CharField("回执编号", max_length=32, unique=True)
    received_at = models.DateTimeField("递交时间")
    package = models.FileField(upload_to="tendering/bids/%Y/", max_length=200)
    package_sm3 = models.CharField(max_length=64)
    package_size = models.PositiveBigIntegerField()
    manifest = models.JSONField()
    key_fingerprint = models.CharField(max_length=64)
    upload_ip = models.GenericIPAddressField(null=True, blank=True)
    bond_amount = models.DecimalField("投标保证金（元）", max_digits=14, decimal_places=2)
    bond_account = models.CharField("保证金汇出账户（基本账户）", max_length=40)
    bond_refund_due = models.DateField("保证金退还期限", null=True, blank=True)
    bond_refunded_at = models.DateTimeField("保证金退还时间", null=True, blank=True)
    submitted_by = models.CharField(max_length=150)
    # filled at opening only
    opened_at = models.DateTimeField(null=True, blank=True)
    price = models.DecimalField("投标报价（元）", max_digits=16, decimal_places=2, null=True)
    duration_days = models.PositiveIntegerField("工期（日历天）", null=True)
    summary = models.JSONField("开标一览表", null=True, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "投标文件"
        ordering = ["received_at", "pk"]
        indexes = [models.Index(fields=["tender", "lot", "bidder", "status"])]


class Upload(BaseModel):
    """A resumable, chunked upload of one sealed package; nothing is a bid until completed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tender = models.ForeignKey(Tender, related_name="+", on_delete=models.CASCADE)
    lot = models.ForeignKey(Lot, related_name="+", on_delete=models.CASCADE)
    bidder = models.ForeignKey(Organisation, related_name="+", on_delete=models.CASCADE)
    size = models.PositiveBigIntegerField()
    sm3 = models.CharField(max_length=64)
    chunk_size = models.PositiveIntegerField()
    received = models.JSONField(default=list)  # chunk numbers on disk
    bond_amount = models.DecimalField(max_digits=14, decimal_places=2)
    bond_account = models.CharField(max_length=40)
    started_by = models.CharField(max_length=150)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "投标文件上传"


class OcdsRelease(models.Model):
    """One OCDS 1.1 release per public event, kept as published (never rewritten)."""

    ocid = models.CharField(max_length=64, db_index=True)
    release_id = models.CharField(max_length=100, unique=True)
    tender = models.ForeignKey(Tender, related_name="ocds_releases", on_delete=models.PROTECT)
    tag = models.CharField(max_length=30)
    date = models.DateTimeField(db_index=True)
    data = models.JSONField()

    class Meta:
        verbose_name = "OCDS 发布"
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return self.release_id


class Candidate(BaseModel):
    """中标候选人: ranked by the evaluation, published for the statutory period."""

    tender = models.ForeignKey(Tender, related_name="candidates", on_delete=models.CASCADE)
    lot = models.ForeignKey(Lot, related_name="candidates", on_delete=models.CASCADE)
    bid = models.ForeignKey(Bid, related_name="+", on_delete=models.PROTECT)
    rank = models.PositiveSmallIntegerField("排名")
    price = models.DecimalField("投标报价（元）", max_digits=16, decimal_places=2)
    disqualified_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "中标候选人"
        ordering = ["lot", "rank"]
        constraints = [models.UniqueConstraint(fields=["lot", "rank"], name="candidate_rank_once")]


class Award(BaseModel):
    tender = models.ForeignKey(Tender, related_name="awards", on_delete=models.CASCADE)
    lot = models.ForeignKey(Lot, related_name="awards", on_delete=models.CASCADE)
    bid = models.ForeignKey(Bid, related_name="+", on_delete=models.PROTECT)
    supplier = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    value = models.DecimalField("中标价（元）", max_digits=16, decimal_places=2)
    decided_at = models.DateTimeField()
    contract_due = models.DateField("合同签订期限")
    report_due = models.DateField("书面报告期限")
    reason = models.CharField("定标说明", max_length=500, blank=True)
    decided_by = models.CharField(max_length=150)
    report_filed_at = models.DateTimeField("书面报告提交时间", null=True, blank=True)
    report_document = models.ForeignKey(
        TenderDocument, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "中标结果"
        constraints = [models.UniqueConstraint(fields=["lot"], name="award_once_per_lot")]


class Complaint(BaseModel):
    """投诉 to the supervising department (实施条例 60–61), with working-day clocks."""

    SUBJECTS = {
        "documents": "资格预审文件或招标文件",
        "opening": "开标",
        "evaluation": "评标结果",
        "other": "其他违法行为",
    }
    SUBMITTED, ACCEPTED, REFUSED, UPHELD, DISMISSED = (
        "submitted",
        "accepted",
        "refused",
        "upheld",
        "dismissed",
    )
    STATUSES = {
        SUBMITTED: "已提交，待受理",
        ACCEPTED: "已受理",
        REFUSED: "不予受理",
        UPHELD: "投诉成立",
        DISMISSED: "驳回投诉",
    }
    tender = models.ForeignKey(Tender, related_name="complaints", on_delete=models.PROTECT)
    complainant = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    subject = models.CharField("投诉事项", max_length=20, choices=choices(SUBJECTS))
    text = models.TextField("投诉内容")
    known_on = models.DateField("知道或应当知道之日")
    filed_at = models.DateTimeField()
    objection = models.ForeignKey(
        Objection, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=12, choices=choices(STATUSES), default=SUBMITTED)
    accept_due = models.DateField("受理期限")
    decide_due = models.DateField("处理期限", null=True, blank=True)
    suspended = models.BooleanField("暂停招标投标活动", default=False)
    decision = models.TextField("处理意见", blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    filed_by = models.CharField(max_length=150)
    handled_by = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = "投诉"
        ordering = ["-filed_at", "-pk"]


class PrequalApplication(BaseModel):
    """资格预审申请: the access standard checked at once, then the tenderer's review."""

    tender = models.ForeignKey(
        Tender, related_name="prequal_applications", on_delete=models.CASCADE
    )
    applicant = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    applied_at = models.DateTimeField()
    eligible = models.BooleanField("准入标准核验通过")
    reasons = models.JSONField("核验理由", default=list)
    qualified = models.BooleanField("通过资格预审", null=True)
    review_note = models.CharField("审查意见", max_length=500, blank=True)
    reviewed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = "资格预审申请"
        constraints = [models.UniqueConstraint(fields=["tender", "applicant"], name="prequal_once")]


class CollusionReport(BaseModel):
    """围标串标筛查 of one tender at one stage: evidence, never a verdict."""

    OPENING, EVALUATION = "opening", "evaluation"
    STAGES = {OPENING: "开标后", EVALUATION: "评标后"}
    tender = models.ForeignKey(Tender, related_name="collusion_reports", on_delete=models.CASCADE)
    stage = models.CharField(max_length=12, choices=choices(STAGES))
    suspicion = models.DecimalField("可疑程度", max_digits=4, decimal_places=3, db_index=True)
    price = models.JSONField("报价分布筛查", default=dict)
    evidence = models.JSONField("线索", default=list)
    thresholds = models.JSONField("阈值", default=dict)

    class Meta:
        verbose_name = "围标串标筛查报告"
        ordering = ["-suspicion", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "stage"], name="collusion_once_per_stage")
        ]


class LowBidQuery(BaseModel):
    """异常低价: the committee asks for a written explanation; unexplained → below cost."""

    tender = models.ForeignKey(Tender, related_name="low_bid_queries", on_delete=models.CASCADE)
    bid = models.OneToOneField(Bid, related_name="low_bid_query", on_delete=models.CASCADE)
    reasons = models.JSONField("触发情形", default=list)
    due = models.DateTimeField("说明期限")
    explanation = models.TextField("书面说明", blank=True)
    explained_at = models.DateTimeField(null=True, blank=True)
    accepted = models.BooleanField("说明成立", null=True)
    decision = models.CharField("评审意见", max_length=500, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = "异常低价说明"


class Entrustment(BaseModel):
    """招标委托: the owner (招标人) entrusts a tender agency with a project's tendering and
    signs the 委托合同 (招标投标法 12–13). Only while active and in its dates may the agency
    act for the owner; withdrawal ends that at once."""

    ACTIVE, WITHDRAWN = "active", "withdrawn"
    STATUSES = {ACTIVE: "有效", WITHDRAWN: "已撤销"}
    project = models.ForeignKey(Project, related_name="+", on_delete=models.PROTECT)
    agency = models.ForeignKey(
        Organisation, verbose_name="招标代理机构", related_name="+", on_delete=models.PROTECT
    )
    scope = models.CharField("委托范围", max_length=100)
    starts_on = models.DateField("委托起始日")
    ends_on = models.DateField("委托截止日")
    contract = models.FileField("委托合同", upload_to="tendering/entrustments/%Y/")
    contract_sm3 = models.CharField(max_length=64)
    contract_size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(
        "状态", max_length=12, choices=choices(STATUSES), default=ACTIVE, db_index=True
    )
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    withdrawn_by = models.CharField(max_length=150, blank=True)
    withdraw_reason = models.CharField("撤销原因", max_length=500, blank=True)
    created_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "招标委托"
        verbose_name_plural = "招标委托"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["agency", "status", "project"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="entrustment_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.scope}"
