"""RFIs (工作联系单/技术核定单) with their thread and attachments, and submittals (报审报验) with
their revisions. Who holds the ball is derived from the state (workflow.COURT); the clock
(due date, reminder day, escalation level) is stored so the sweep acts once per step."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jianguan.accounts.models import Organisation
from jianguan.collab.rfis import workflow as wf
from jianguan.core.models import BaseModel, choices
from jianguan.projects.models import Project

MONEY = {"max_digits": 16, "decimal_places": 2}


class Clock(models.Model):
    """The chasing clock shared by RFIs and submittals."""

    due_on = models.DateField("答复期限", null=True, blank=True, db_index=True)
    remind_on = models.DateField("提醒日", null=True, blank=True)
    reminded = models.BooleanField("已提醒", default=False)
    escalation_level = models.PositiveSmallIntegerField("升级级别", default=0)
    escalated_at = models.DateTimeField("最近升级时间", null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def escalation_label(self) -> str:
        return wf.ESCALATION_LEVELS[self.escalation_level]


class Rfi(BaseModel, Clock):
    project = models.ForeignKey(Project, related_name="rfis", on_delete=models.PROTECT)
    number = models.CharField("编号", max_length=20)
    kind = models.CharField("类型", max_length=12, choices=choices(wf.RFI_KINDS))
    priority = models.CharField(
        "紧急程度", max_length=8, choices=choices(wf.PRIORITIES), default=wf.NORMAL
    )
    subject = models.CharField("事由", max_length=200)
    question = models.TextField("内容")
    state = models.CharField(
        "状态", max_length=10, choices=choices(wf.RFI_STATES), default=wf.DRAFT, db_index=True
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    asked_by_org = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    addressed_to = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    cost_impact = models.BooleanField("涉及费用", default=False)
    cost_estimate = models.DecimalField("估算金额（元）", null=True, blank=True, **MONEY)
    schedule_impact_days = models.IntegerField("影响工期（日）", default=0)
    # contracts.Variation id (no FK: contracts sits beside us; its model has no origin field)
    variation_id = models.PositiveBigIntegerField("转入的工程变更", null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "工作联系单"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="uniq_rfi_number")
        ]
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def court(self) -> str | None:
        return wf.court(self.state)

    @property
    def court_org_id(self) -> int | None:
        party = self.court
        if party == wf.ASKER:
            return self.asked_by_org_id
        if party == wf.ADDRESSEE:
            return self.addressed_to_id
        return None


class RfiResponse(BaseModel):
    """One message of the thread: each step (submit, answer, return…) and each comment."""

    rfi = models.ForeignKey(Rfi, related_name="responses", on_delete=models.CASCADE)
    action = models.CharField("操作", max_length=12)  # an RFI action or "comment"
    text = models.TextField("内容", blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    organisation = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)

    class Meta:
        verbose_name = "联系单往来"
        ordering = ["created_at", "pk"]


class RfiAttachment(BaseModel):
    rfi = models.ForeignKey(Rfi, related_name="attachments", on_delete=models.CASCADE)
    response = models.ForeignKey(
        RfiResponse, null=True, blank=True, related_name="attachments", on_delete=models.CASCADE
    )
    file = models.FileField(upload_to="collab_rfis/rfi/%Y/")
    name = models.CharField("文件名", max_length=200)
    sm3 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "联系单附件"
        ordering = ["pk"]


class Submittal(BaseModel, Clock):
    project = models.ForeignKey(Project, related_name="submittals", on_delete=models.PROTECT)
    number = models.CharField("编号", max_length=20)
    kind = models.CharField("类型", max_length=24, choices=choices(wf.SUBMITTAL_KINDS))
    title = models.CharField("报审事项", max_length=200)
    description = models.TextField("说明", blank=True)
    state = models.CharField(
        "状态",
        max_length=24,
        choices=choices(wf.SUBMITTAL_STATES),
        default=wf.UNDER_REVIEW,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    submitter_org = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    reviewer_org = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    revision_count = models.PositiveIntegerField("版次", default=1)

    class Meta:
        verbose_name = "报审报验"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="uniq_submittal_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def court_org_id(self) -> int | None:
        party = wf.submittal_court(self.state)
        if party == wf.SUBMITTER:
            return self.submitter_org_id
        if party == wf.REVIEWER:
            return self.reviewer_org_id
        return None


class SubmittalRevision(BaseModel):
    """One revision as submitted, and the supervisor's decision on it; an approved one keeps
    the stamped PDF (its SM3 on the ledger, its verification code from the issued document)."""

    submittal = models.ForeignKey(Submittal, related_name="revisions", on_delete=models.CASCADE)
    revision = models.PositiveIntegerField("版次")
    file = models.FileField(upload_to="collab_rfis/submittals/%Y/")
    file_name = models.CharField("文件名", max_length=200)
    sm3 = models.CharField(max_length=64)
    note = models.TextField("报审说明", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    decision = models.CharField(
        "审查结论", max_length=24, blank=True, choices=choices(wf.DECISIONS)
    )
    comments = models.TextField("审查意见", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    stamped_file = models.FileField(upload_to="collab_rfis/stamped/%Y/", blank=True)
    stamped_sm3 = models.CharField(max_length=64, blank=True)
    document_code = models.CharField("验证码", max_length=20, blank=True)

    class Meta:
        verbose_name = "报审版次"
        ordering = ["submittal", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["submittal", "revision"], name="uniq_submittal_revision"
            )
        ]
