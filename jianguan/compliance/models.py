"""Risk register, inspections, findings and rectification orders. No business process here."""

from __future__ import annotations

from django.db import models

from jianguan.accounts.models import Organisation
from jianguan.compliance import credit, sanctions, workflow
from jianguan.core.models import BaseModel, choices
from jianguan.projects.models import Project


def credit_kinds() -> dict[str, str]:
    return {code: kind.label for code, kind in credit.KINDS.items()}


class RiskAssessment(BaseModel):
    """The risk register of a project before construction (one current assessment)."""

    project = models.OneToOneField(
        Project, related_name="risk_assessment", on_delete=models.CASCADE
    )
    level = models.CharField("总体风险等级", max_length=10, choices=choices(workflow.RISK_LABELS))
    max_score = models.PositiveSmallIntegerField("最高风险值")
    responsible_person = models.CharField("风险管控责任人", max_length=50, blank=True)
    emergency_plan = models.FileField("应急预案", upload_to="compliance/plans/%Y/", blank=True)
    emergency_plan_sm3 = models.CharField(max_length=64, blank=True)
    assessed_by = models.CharField(max_length=150)
    assessed_on = models.DateField("评估日期")

    class Meta:
        verbose_name = "风险评估"

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_level_display()}"

    @property
    def ready(self) -> bool:
        return workflow.risk_ready_for_construction(
            self.level, bool(self.emergency_plan_sm3), self.responsible_person
        )


class RiskItem(BaseModel):
    assessment = models.ForeignKey(RiskAssessment, related_name="items", on_delete=models.CASCADE)
    code = models.CharField(max_length=40)
    name = models.CharField("风险项", max_length=50)
    likelihood = models.PositiveSmallIntegerField("可能性")
    impact = models.PositiveSmallIntegerField("后果严重程度")
    score = models.PositiveSmallIntegerField("风险值")
    level = models.CharField(max_length=10, choices=choices(workflow.RISK_LABELS))
    measures = models.CharField("管控措施", max_length=500, blank=True)

    class Meta:
        verbose_name = "风险项"
        ordering = ["-score", "code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "code"], name="risk_item_unique_code")
        ]


class Inspection(BaseModel):
    project = models.ForeignKey(Project, related_name="inspections", on_delete=models.CASCADE)
    kind = models.CharField("检查类型", max_length=10, choices=choices(workflow.INSPECTION_KINDS))
    inspected_on = models.DateField("检查日期")
    inspector_organisation = models.ForeignKey(
        Organisation, related_name="+", on_delete=models.PROTECT
    )
    inspector = models.CharField("检查人", max_length=150)
    side = models.CharField(max_length=12)  # regulator / supervisor
    notes = models.TextField("检查情况", blank=True)

    class Meta:
        verbose_name = "监督检查"
        ordering = ["-inspected_on", "-pk"]

    def __str__(self) -> str:  # the ledger's words name the object (最近已办, 履历)
        return f"{self.inspected_on:%Y-%m-%d} {self.get_kind_display()}"


class Finding(BaseModel):
    inspection = models.ForeignKey(Inspection, related_name="findings", on_delete=models.CASCADE)
    project = models.ForeignKey(
        Project, related_name="compliance_findings", on_delete=models.CASCADE
    )
    type = models.CharField("问题类型", max_length=12, choices=choices(workflow.FINDING_TYPES))
    severity = models.CharField("严重程度", max_length=10, choices=choices(workflow.SEVERITIES))
    description = models.CharField("问题描述", max_length=500)
    location = models.CharField("现场部位", max_length=200, blank=True)
    responsible_organisation = models.ForeignKey(
        Organisation, verbose_name="责任单位", related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "检查发现问题"


class FindingPhoto(BaseModel):
    finding = models.ForeignKey(Finding, related_name="photos", on_delete=models.CASCADE)
    file = models.FileField(upload_to="compliance/photos/%Y/")
    sm3 = models.CharField(max_length=64)

    class Meta:
        verbose_name = "检查问题照片"


class RectificationOrder(BaseModel):
    """整改通知单: one per finding."""

    number = models.CharField("通知单编号", max_length=20, unique=True)
    finding = models.OneToOneField(Finding, related_name="order", on_delete=models.CASCADE)
    project = models.ForeignKey(
        Project, related_name="rectification_orders", on_delete=models.CASCADE
    )
    responsible_organisation = models.ForeignKey(
        Organisation, verbose_name="责任单位", related_name="+", on_delete=models.PROTECT
    )
    issued_on = models.DateField("下达日期")
    due_on = models.DateField("整改期限")
    status = models.CharField(
        "状态",
        max_length=10,
        choices=choices(workflow.ORDER_LABELS),
        default=workflow.OrderStatus.OPEN,
        db_index=True,
    )
    stop_work = models.BooleanField("停工整改", default=False)
    issued_by = models.CharField(max_length=150)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "整改通知单"
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return self.number


class RectificationAnswer(BaseModel):
    order = models.ForeignKey(RectificationOrder, related_name="answers", on_delete=models.CASCADE)
    text = models.TextField("整改情况")
    answered_by = models.CharField(max_length=150)
    organisation = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)

    class Meta:
        verbose_name = "整改回复"


class EvidenceFile(BaseModel):
    answer = models.ForeignKey(RectificationAnswer, related_name="files", on_delete=models.CASCADE)
    file = models.FileField(upload_to="compliance/evidence/%Y/")
    sm3 = models.CharField(max_length=64)

    class Meta:
        verbose_name = "整改证明材料"


class ReInspection(BaseModel):
    """复查: passes or fails the order. Failures count per responsible organisation."""

    order = models.ForeignKey(
        RectificationOrder, related_name="reinspections", on_delete=models.CASCADE
    )
    responsible_organisation = models.ForeignKey(
        Organisation, related_name="+", on_delete=models.PROTECT
    )
    result = models.CharField(max_length=10)  # passed / failed
    note = models.CharField("复查意见", max_length=500, blank=True)
    inspected_on = models.DateField("复查日期")
    inspector = models.CharField(max_length=150)

    class Meta:
        verbose_name = "整改复查"
        indexes = [models.Index(fields=["responsible_organisation", "-created_at"])]


# --- cards, blacklist, procurement bans ----------------------------------------------------------


class Sanction(BaseModel):
    """黄牌、红牌、黑名单或政府采购禁入: one decision about one organisation."""

    number = models.CharField("决定编号", max_length=24, unique=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name="被处理单位", related_name="sanctions", on_delete=models.PROTECT
    )
    kind = models.CharField("类型", max_length=16, choices=choices(sanctions.KINDS), db_index=True)
    trigger = models.CharField(
        "黑名单情形", max_length=32, choices=choices(sanctions.TRIGGERS), blank=True
    )
    reason = models.CharField("事由", max_length=1000)
    legal_basis = models.CharField("依据", max_length=500)
    automatic = models.BooleanField("按规则自动作出", default=False)
    issued_by = models.CharField("作出人", max_length=150)
    issued_by_organisation = models.ForeignKey(
        Organisation, related_name="+", null=True, blank=True, on_delete=models.PROTECT
    )
    issued_on = models.DateField("决定日期")
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("届满日期")
    published_from = models.DateField("公布起始")
    published_to = models.DateField("公布截止")
    status = models.CharField(
        "状态",
        max_length=10,
        choices=choices(sanctions.STATUSES),
        default=sanctions.ACTIVE,
        db_index=True,
    )
    evidence = models.JSONField("依据材料", default=list, blank=True)
    reinspections = models.ManyToManyField(ReInspection, related_name="sanctions", blank=True)
    source_cards = models.ManyToManyField("self", symmetrical=False, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "不良行为处理决定"
        ordering = ["-issued_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    def status_on(self, on) -> str:
        return sanctions.current_status(self.status, self.effective_to, on)


class SanctionAppeal(BaseModel):
    """申诉: filed by the sanctioned organisation, reviewed by the regulator."""

    sanction = models.ForeignKey(Sanction, related_name="appeals", on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    text = models.TextField("申诉理由")
    submitted_by = models.CharField(max_length=150)
    submitted_on = models.DateField("申诉日期")
    status = models.CharField(
        "状态",
        max_length=10,
        choices=choices(sanctions.APPEAL_STATUSES),
        default=sanctions.APPEAL_SUBMITTED,
        db_index=True,
    )
    reviewed_by = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("复核意见", max_length=1000, blank=True)

    class Meta:
        verbose_name = "申诉"
        ordering = ["-submitted_on", "-pk"]


# --- credit scores ---------------------------------------------------------------------------


class CreditRecord(BaseModel):
    """One good or bad record of an organisation or a registered person (信用记录).

    Points are frozen from rule data when the record is made, so a past score can always be
    recomputed exactly; see compliance.credit for when a record counts.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="单位",
        related_name="credit_records",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    person = models.ForeignKey(
        "registry.RegisteredPerson",
        verbose_name="注册人员",
        related_name="credit_records",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    kind = models.CharField("记录类型", max_length=24, choices=choices(credit_kinds()))
    points = models.DecimalField("分值", max_digits=8, decimal_places=2)
    description = models.CharField("事由", max_length=300)
    occurred_on = models.DateField("发生日期")
    recorded_on = models.DateField("记录日期")
    expires_on = models.DateField("公布期满")
    ends_on = models.DateField("终止计分日期", null=True, blank=True)
    end_reason = models.CharField("终止原因", max_length=300, blank=True)
    project = models.ForeignKey(
        Project, related_name="+", null=True, blank=True, on_delete=models.PROTECT
    )
    source_type = models.CharField("来源", max_length=20, default="manual")
    source_id = models.BigIntegerField(null=True, blank=True)
    reference = models.CharField("依据", max_length=300)
    recorded_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "信用记录"
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False, person__isnull=True)
                | models.Q(organisation__isnull=True, person__isnull=False),
                name="credit_record_one_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "expires_on"]),
            models.Index(fields=["person", "expires_on"]),
            models.Index(fields=["expires_on"]),
            models.Index(fields=["source_type", "source_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points}"


class CreditScore(models.Model):
    """The score published for one subject on one day; read back for bid opening."""

    organisation = models.ForeignKey(
        Organisation, related_name="+", null=True, on_delete=models.CASCADE
    )
    person = models.ForeignKey(
        "registry.RegisteredPerson", related_name="+", null=True, on_delete=models.CASCADE
    )
    on = models.DateField("日期")
    score = models.DecimalField("信用分", max_digits=7, decimal_places=2)
    good = models.DecimalField("良好记录得分", max_digits=9, decimal_places=2)
    bad = models.DecimalField("不良记录扣分", max_digits=9, decimal_places=2)
    records = models.PositiveIntegerField("计分记录数")

    class Meta:
        verbose_name = "信用分"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "on"], name="credit_score_org_day"),
            models.UniqueConstraint(fields=["person", "on"], name="credit_score_person_day"),
        ]
        indexes = [models.Index(fields=["on", "score"])]

    def __str__(self) -> str:
        return f"{self.on} {self.score}"


class CreditPublication(BaseModel):
    """One day's publication of all scores; its digest is on the ledger."""

    on = models.DateField("日期", unique=True)
    subjects = models.PositiveIntegerField("评价对象数")
    digest = models.CharField(max_length=64)
    base = models.DecimalField(max_digits=7, decimal_places=2)
    decay = models.CharField(max_length=10)

    class Meta:
        verbose_name = "信用分发布"
        ordering = ["-on"]
