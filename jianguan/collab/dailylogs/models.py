"""Daily logs (施工日志 by the general contractor, 监理日志 by the supervisor): one per project,
kind, writing organisation and day; a signed log is never edited (a correction is an addendum
that refers to it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from jianguan.accounts.models import Organisation
from jianguan.collab.dailylogs import workflow
from jianguan.core.models import BaseModel, choices
from jianguan.projects.models import Project


class DailyLog(BaseModel):
    project = models.ForeignKey(Project, related_name="+", on_delete=models.PROTECT)
    kind = models.CharField("日志类型", max_length=20, choices=choices(workflow.KINDS))
    log_date = models.DateField("日期")  # the Asia/Shanghai day the log is about
    organisation = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    weather_am = models.CharField("上午天气", max_length=20, blank=True)
    weather_pm = models.CharField("下午天气", max_length=20, blank=True)
    temp_min = models.SmallIntegerField("最低气温", null=True, blank=True)
    temp_max = models.SmallIntegerField("最高气温", null=True, blank=True)
    wind = models.CharField("风力风向", max_length=40, blank=True)
    manpower = models.JSONField("人员（按工种）", default=list)
    equipment = models.JSONField("机械设备", default=list)
    work_done = models.TextField("施工/监理工作内容", blank=True)
    issues = models.TextField("存在问题及处理", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=choices(workflow.STATUS), default=workflow.DRAFT
    )
    signed_at = models.DateTimeField("签署时间", null=True, blank=True)
    content_sm3 = models.CharField("签署内容 SM3", max_length=64, blank=True)
    addendum_of = models.ForeignKey(
        "self", related_name="addenda", null=True, blank=True, on_delete=models.PROTECT
    )
    # The rectification order a supervisor's log raised (compliance), kept as a plain id so that
    # this app only reads compliance through its services.
    finding_order_id = models.BigIntegerField("整改通知单", null=True, blank=True)

    class Meta:
        ordering = ["-log_date", "kind", "pk"]
        verbose_name = "日志"
        verbose_name_plural = "日志"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "organisation", "log_date"],
                condition=Q(addendum_of__isnull=True),
                name="dailylog_one_per_day",
            )
        ]
        indexes = [models.Index(fields=["project", "log_date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.log_date}"


class DailyLogPhoto(BaseModel):
    log = models.ForeignKey(DailyLog, related_name="photos", on_delete=models.CASCADE)
    file = models.FileField(upload_to="collab/dailylogs/%Y/")
    sm3 = models.CharField(max_length=64)
    caption = models.CharField("说明", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = "日志照片"
        verbose_name_plural = "日志照片"
