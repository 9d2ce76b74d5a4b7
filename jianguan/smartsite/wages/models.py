"""Wages (工资): the project's dedicated wage account and pay arrangements, daily pay rates,
monthly payrolls per employer with their lines and payments, and arrears cases.

《保障农民工工资支付条例》: the general contractor opens the dedicated wage account (第二十六条)
and pays each worker on the subcontractors' behalf after the sub has verified the month's
workload and the worker has signed (第三十一条); the pay cycle is at most one month (第二十四条).
"""

from __future__ import annotations

from django.db import models

from jianguan.accounts.models import Organisation
from jianguan.core.models import BaseModel, choices
from jianguan.projects.models import Project
from jianguan.smartsite.wages import workflow
from jianguan.smartsite.workers import workflow as workers_workflow
from jianguan.smartsite.workers.models import LabourContract, Worker

MONEY = {"max_digits": 14, "decimal_places": 2}


class WageAccount(BaseModel):
    """农民工工资专用账户 and the project's wage arrangements shown on the rights-notice board."""

    project = models.OneToOneField(Project, related_name="wage_account", on_delete=models.PROTECT)
    holder = models.ForeignKey(
        Organisation, verbose_name="开户单位", related_name="+", on_delete=models.PROTECT
    )
    bank = models.CharField("开户银行", max_length=80)
    account_number = models.CharField("账号", max_length=40)
    opened_on = models.DateField("开户日期")
    pay_day = models.PositiveSmallIntegerField("工资支付日（每月）")
    labour_officer_name = models.CharField("劳资专管员", max_length=50)
    labour_officer_phone = models.CharField("劳资专管员电话", max_length=20)

    class Meta:
        verbose_name = "工资专用账户"

    def __str__(self) -> str:
        return f"{self.bank} {self.account_masked}"

    @property
    def account_masked(self) -> str:
        n = self.account_number
        return n if len(n) <= 8 else f"{n[:4]}{'*' * (len(n) - 8)}{n[-4:]}"


class PayRate(BaseModel):
    """日工资标准: for one labour contract, or for a trade of one employer on the project."""

    project = models.ForeignKey(Project, related_name="pay_rates", on_delete=models.PROTECT)
    employer = models.ForeignKey(
        Organisation, verbose_name="用工单位", related_name="+", on_delete=models.PROTECT
    )
    contract = models.ForeignKey(
        LabourContract, related_name="pay_rates", null=True, blank=True, on_delete=models.PROTECT
    )
    trade = models.CharField(
        "工种", max_length=30, blank=True, choices=choices(workers_workflow.TRADES)
    )
    daily_rate = models.DecimalField("日工资（元）", **MONEY)
    set_by = models.CharField("设定人", max_length=150)

    class Meta:
        verbose_name = "日工资标准"
        ordering = ["-pk"]
        indexes = [models.Index(fields=["project", "employer"])]


class Payroll(BaseModel):
    """工资表: one employer's workers on one project for one month."""

    project = models.ForeignKey(Project, related_name="payrolls", on_delete=models.PROTECT)
    employer = models.ForeignKey(
        Organisation, verbose_name="用工单位", related_name="+", on_delete=models.PROTECT
    )
    month = models.DateField("月份")  # the first day of the month
    due_on = models.DateField("应发放日期")
    status = models.CharField(
        "状态", max_length=12, choices=choices(workflow.STATUS), default=workflow.DRAFT
    )
    total = models.DecimalField("应发合计（元）", default=0, **MONEY)
    paid = models.DecimalField("已发合计（元）", default=0, **MONEY)
    drafted_by = models.CharField("编制人", max_length=150)
    confirmed_by = models.CharField("分包确认人", max_length=150, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    signed_sheet = models.FileField("签字工资表", upload_to="smartsite/payrolls/%Y/%m/", blank=True)
    signed_sheet_sm3 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "工资表"
        ordering = ["-month", "employer__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "employer", "month"], name="smartsite_one_payroll_a_month"
            )
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}工资表（{self.employer.name}）"

    @property
    def owed(self):
        return self.total - self.paid


class PayrollLine(models.Model):
    payroll = models.ForeignKey(Payroll, related_name="lines", on_delete=models.CASCADE)
    worker = models.ForeignKey(Worker, related_name="+", on_delete=models.PROTECT)
    days = models.PositiveSmallIntegerField("出勤天数")
    daily_rate = models.DecimalField("日工资（元）", **MONEY)
    amount = models.DecimalField("应发（元）", **MONEY)
    paid = models.DecimalField("已发（元）", default=0, **MONEY)
    signed_on = models.DateField("签字日期", null=True, blank=True)
    # Each worker confirms its own line (第三十一条); the labour officer records how and when.
    sign_status = models.CharField(
        "签字状态",
        max_length=10,
        choices=choices(workflow.LINE_STATUS),
        default=workflow.LINE_PENDING,
    )
    sign_method = models.CharField(
        "确认方式", max_length=12, choices=choices(workflow.SIGN_METHODS), blank=True
    )
    signed_at = models.DateTimeField("签字登记时间", null=True, blank=True)
    signature_recorded_by = models.CharField("签字登记人", max_length=150, blank=True)
    dispute_reason = models.CharField("异议原因", max_length=300, blank=True)
    disputed_at = models.DateTimeField("提出异议时间", null=True, blank=True)

    class Meta:
        verbose_name = "工资表明细"
        ordering = ["worker__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["payroll", "worker"], name="smartsite_payroll_line")
        ]

    def __str__(self) -> str:
        return f"{self.worker.name} {self.days}天"

    @property
    def owed(self):
        return self.amount - self.paid


class WagePayment(models.Model):
    """One transfer from the wage account to a worker's bank card."""

    line = models.ForeignKey(PayrollLine, related_name="payments", on_delete=models.PROTECT)
    amount = models.DecimalField("金额（元）", **MONEY)
    paid_on = models.DateField("发放日期")
    bank_reference = models.CharField("银行流水号", max_length=60)
    recorded_by = models.CharField("登记人", max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "工资发放记录"
        ordering = ["paid_on", "pk"]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount:,.2f}元"


class WageArrears(BaseModel):
    """欠薪: a payroll not fully paid by its pay day, for the regulator."""

    # None while nobody has drafted the month's payroll (未编制工资表); a payroll drafted later
    # for the month takes the case over.
    payroll = models.OneToOneField(
        Payroll, related_name="arrears", null=True, blank=True, on_delete=models.PROTECT
    )
    project = models.ForeignKey(Project, related_name="+", on_delete=models.PROTECT)
    employer = models.ForeignKey(
        Organisation,
        verbose_name="用工单位",
        related_name="+",
        null=True,
        on_delete=models.PROTECT,
    )
    month = models.DateField("工资所属月份", null=True)
    due_on = models.DateField("应发放日期", null=True)
    worker_days = models.PositiveIntegerField("考勤人天", default=0)
    found_on = models.DateField("发现日期")
    owed = models.DecimalField("发现时拖欠（元）", **MONEY)
    repeated = models.BooleanField("屡次拖欠", default=False)
    status = models.CharField(
        "状态", max_length=10, choices=choices(workflow.ARREARS_STATUS), default=workflow.A_OPEN
    )
    decided_by = models.CharField("认定人", max_length=150, blank=True)
    decision_note = models.CharField("认定说明", max_length=300, blank=True)
    credit_record_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "欠薪记录"
        ordering = ["-found_on", "-pk"]
        indexes = [models.Index(fields=["project", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "employer", "month"], name="smartsite_one_arrears_a_month"
            )
        ]

    def __str__(self) -> str:
        if self.payroll_id is None:
            return f"欠薪：{self.month:%Y年%m月}未编制工资表（{self.employer.name}）"
        return f"欠薪：{self.payroll}"

    @property
    def missing_sheet(self) -> bool:
        return self.payroll_id is None
