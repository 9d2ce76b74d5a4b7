"""投资控制与跟踪审计: the owner's cost plan of a project (预算 where the tender's price
ceiling is not the figure, the contingency, the monthly payment plan behind the S-curve), and
whole-process tracking audit (全过程跟踪审计): the firm engaged on a project and its opinions
on the variations, claims, reviews and payments of the project's contracts, each answered by
the owner before that contract's next payment claim may be submitted."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jianguan.accounts.models import Organisation
from jianguan.contracts.models import Contract
from jianguan.core.models import BaseModel, choices
from jianguan.cost.control import workflow as wf
from jianguan.projects.models import Project

MONEY = {"max_digits": 16, "decimal_places": 2}


class CostPlan(BaseModel):
    """The owner's figures that no other app holds; the estimate (概算) is Project.budget."""

    project = models.OneToOneField(
        Project, related_name="cost_plan", on_delete=models.CASCADE, verbose_name="项目"
    )
    # 施工图预算; when blank the tenders' price ceilings (最高投标限价) stand for it
    budget_amount = models.DecimalField("预算（元）", null=True, blank=True, **MONEY)
    contingency = models.DecimalField("预留不可预见费（元）", default=0, **MONEY)
    note = models.CharField("说明", max_length=500, blank=True)
    updated_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "投资控制参数"


class PaymentPlanMonth(BaseModel):
    """The owner's planned payment in one month (the plan line of the S-curve)."""

    project = models.ForeignKey(Project, related_name="+", on_delete=models.CASCADE)
    month = models.DateField("月份（当月1日）")
    amount = models.DecimalField("计划支付（元）", **MONEY)

    class Meta:
        verbose_name = "资金支付计划"
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="cost_plan_month_unique")
        ]


class Engagement(BaseModel):
    """全过程跟踪审计委托: one firm at a time on a project, engaged by the owner or the
    finance bureau; ended engagements stay for the record."""

    project = models.ForeignKey(Project, related_name="+", on_delete=models.PROTECT)
    firm = models.ForeignKey(
        Organisation, verbose_name="跟踪审计单位", related_name="+", on_delete=models.PROTECT
    )
    engaged_by_org = models.ForeignKey(
        Organisation, verbose_name="委托单位", related_name="+", on_delete=models.PROTECT
    )
    engaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    reference = models.CharField("委托合同编号", max_length=100)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = "全过程跟踪审计委托"
        ordering = ["project", "-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(ended_on__isnull=True),
                name="cost_engagement_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.firm.name} 跟踪审计 {self.reference}"


class Opinion(BaseModel):
    """跟踪审计意见 on one object of a contract of the engaged project."""

    engagement = models.ForeignKey(Engagement, related_name="opinions", on_delete=models.PROTECT)
    project = models.ForeignKey(Project, related_name="+", on_delete=models.PROTECT)
    contract = models.ForeignKey(Contract, related_name="+", on_delete=models.PROTECT)
    number = models.CharField("编号", max_length=40, unique=True)
    subject_kind = models.CharField("对象类型", max_length=12, choices=choices(wf.SUBJECT_KINDS))
    subject_id = models.PositiveBigIntegerField("对象")
    subject_label = models.CharField("对象名称", max_length=200)
    text = models.TextField("审计意见")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    due_on = models.DateField("答复期限", db_index=True)
    status = models.CharField(
        "状态", max_length=10, choices=choices(wf.STATUSES), default=wf.OPEN, db_index=True
    )
    answer = models.TextField("建设单位答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "跟踪审计意见"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["contract", "status"])]

    def __str__(self) -> str:
        return f"{self.number} 跟踪审计意见（{self.subject_label}）"
