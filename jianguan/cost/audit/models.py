"""结算审计: the engagement of an audit firm on one final account, the two independent reviews
with their cuts, the merged result per cut line (the contractor's answer and a meeting's final
figure) and the dispute meetings. Lines that no review cut have no row: they stand as claimed."""

from __future__ import annotations

from django.db import models

from jianguan.accounts.models import Organisation
from jianguan.core.models import BaseModel, choices
from jianguan.cost.audit import workflow as wf

MONEY = {"max_digits": 16, "decimal_places": 2}


class SettlementAudit(BaseModel):
    """The engagement (审计委托) and the state of the audit of one final account."""

    account = models.OneToOneField(
        "cost_settlement.FinalAccount", related_name="settlement_audit", on_delete=models.PROTECT
    )
    firm = models.ForeignKey(
        Organisation, verbose_name="审计机构", related_name="+", on_delete=models.PROTECT
    )
    finance = models.ForeignKey(
        Organisation, verbose_name="财政评审机构", related_name="+", on_delete=models.PROTECT
    )
    appointed_by_org = models.ForeignKey(
        Organisation, verbose_name="委托单位", related_name="+", on_delete=models.PROTECT
    )
    appointed_by = models.CharField("委托人", max_length=150)
    appointed_at = models.DateTimeField("委托时间")
    reference = models.CharField("委托书编号", max_length=60)
    state = models.CharField(
        "状态", max_length=12, choices=choices(wf.STATES), default=wf.REVIEWING, db_index=True
    )
    review_due_on = models.DateField("审核期限")
    response_due_on = models.DateField("确认期限", null=True, blank=True)
    meeting_due_on = models.DateField("会商期限", null=True, blank=True)
    submitted_amount = models.DecimalField("送审金额（元）", null=True, blank=True, **MONEY)
    proposed_amount = models.DecimalField("初审审定金额（元）", null=True, blank=True, **MONEY)
    audited_amount = models.DecimalField("审定金额（元）", null=True, blank=True, **MONEY)
    reduction_ratio = models.DecimalField(
        "审减率", max_digits=7, decimal_places=4, null=True, blank=True
    )
    report_number = models.CharField("审计报告编号", max_length=40, blank=True)
    reported_at = models.DateTimeField("报告时间", null=True, blank=True)
    credit_recorded = models.BooleanField("已计入信用记录", default=False)

    class Meta:
        verbose_name = "结算审计"

    def __str__(self) -> str:
        return f"结算审计 {self.reference}"


class AuditReview(BaseModel):
    """One of the two independent reviews (财政评审 / 审计复核)."""

    audit = models.ForeignKey(SettlementAudit, related_name="reviews", on_delete=models.CASCADE)
    stage = models.CharField("审核环节", max_length=10, choices=choices(wf.STAGES))
    organisation = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    reviewer = models.CharField("审核人", max_length=150, blank=True)
    opinion = models.TextField("审核意见", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_amount = models.DecimalField("审定金额（元）", null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = "结算审计审核"
        constraints = [
            models.UniqueConstraint(fields=["audit", "stage"], name="cost_audit_one_review_each")
        ]


class AuditCut(models.Model):
    """A draft until the review is submitted: the figure this reviewer accepts on one line."""

    review = models.ForeignKey(AuditReview, related_name="cuts", on_delete=models.CASCADE)
    line = models.ForeignKey(
        "cost_settlement.FinalAccountLine", related_name="+", on_delete=models.CASCADE
    )
    audited_amount = models.DecimalField("审定金额（元）", **MONEY)
    reason = models.CharField("审减理由", max_length=500)

    class Meta:
        verbose_name = "结算审计审减"
        constraints = [
            models.UniqueConstraint(fields=["review", "line"], name="cost_audit_one_cut_per_line")
        ]

    def __str__(self) -> str:
        return f"审减 {self.line_id}：{self.audited_amount}"


class AuditLineResult(models.Model):
    """A line either review cut, once both are in: both figures side by side, the lower one
    proposed, the contractor's answer, and a meeting's final figure when disputed."""

    audit = models.ForeignKey(SettlementAudit, related_name="results", on_delete=models.CASCADE)
    line = models.ForeignKey(
        "cost_settlement.FinalAccountLine", related_name="+", on_delete=models.CASCADE
    )
    claimed_amount = models.DecimalField("送审金额（元）", **MONEY)
    finance_amount = models.DecimalField("财政评审审定（元）", **MONEY)
    audit_amount = models.DecimalField("审计复核审定（元）", **MONEY)
    proposed_amount = models.DecimalField("初审审定（元）", **MONEY)
    reasons = models.CharField("审减理由", max_length=1010, blank=True)
    response = models.CharField(
        "施工单位意见", max_length=10, choices=choices(wf.RESPONSES), blank=True, db_index=True
    )
    response_reason = models.CharField("异议理由", max_length=500, blank=True)
    final_amount = models.DecimalField("会商审定（元）", null=True, blank=True, **MONEY)
    meeting = models.ForeignKey(
        "DisputeMeeting", null=True, blank=True, related_name="lines", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "结算审计审定明细"
        constraints = [
            models.UniqueConstraint(fields=["audit", "line"], name="cost_audit_one_result_per_line")
        ]

    def __str__(self) -> str:
        return f"审定 {self.line_id}：{self.proposed_amount}"


class DisputeMeeting(BaseModel):
    """The meeting on disputed cuts (争议会商) and its minutes."""

    audit = models.ForeignKey(SettlementAudit, related_name="meetings", on_delete=models.CASCADE)
    held_on = models.DateField("会商日期")
    venue = models.CharField("地点", max_length=120)
    attendees = models.CharField("参会单位与人员", max_length=500)
    minutes = models.TextField("会议纪要")
    recorded_by = models.CharField("记录人", max_length=150)

    class Meta:
        verbose_name = "结算争议会商"
