"""The policy library (政策库): a policy with its document number, dates, full text, PDF
attachments and tags, targeted to organisation kinds and/or towns; one receipt per targeted
organisation records its first read and its acknowledgement."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jianguan.accounts.models import Organisation, Town
from jianguan.collab.policies import workflow
from jianguan.core.models import BaseModel, choices


class Policy(BaseModel):
    title = models.CharField("标题", max_length=200)
    issuer = models.CharField("发文机关", max_length=100)
    number = models.CharField("文号", max_length=100, blank=True)
    issued_on = models.DateField("发布日期")
    effective_on = models.DateField("施行日期", null=True, blank=True)
    expires_on = models.DateField("失效日期", null=True, blank=True)
    summary = models.CharField("摘要", max_length=500, blank=True)
    full_text = models.TextField("全文")
    tags = models.JSONField("标签", default=list)
    status = models.CharField(
        "状态", max_length=10, choices=choices(workflow.STATUS), default=workflow.DRAFT
    )
    target_kinds = models.JSONField("推送机构类型", default=list)
    target_towns = models.ManyToManyField(Town, verbose_name="推送乡镇街道", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.PROTECT
    )
    repealed_at = models.DateTimeField("废止时间", null=True, blank=True)
    repeal_reason = models.CharField("废止原因", max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = "政策"
        verbose_name_plural = "政策"
        indexes = [models.Index(fields=["status", "issued_on"])]

    def __str__(self) -> str:
        return self.title


class PolicyAttachment(BaseModel):
    policy = models.ForeignKey(Policy, related_name="attachments", on_delete=models.CASCADE)
    name = models.CharField("名称", max_length=120)
    file = models.FileField(upload_to="collab/policies/%Y/")
    sm3 = models.CharField(max_length=64)
    size = models.PositiveIntegerField("大小（字节）")

    class Meta:
        ordering = ["pk"]
        verbose_name = "政策附件"
        verbose_name_plural = "政策附件"


class PolicyReceipt(BaseModel):
    policy = models.ForeignKey(Policy, related_name="receipts", on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    first_read_at = models.DateTimeField("首次阅读", null=True, blank=True)
    first_read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.PROTECT
    )
    acknowledged_at = models.DateTimeField("确认已阅", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = "政策送达回执"
        verbose_name_plural = "政策送达回执"
        constraints = [
            models.UniqueConstraint(fields=["policy", "organisation"], name="policy_receipt_once")
        ]
        indexes = [models.Index(fields=["organisation", "acknowledged_at"])]
