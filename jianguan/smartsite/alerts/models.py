"""Environmental alerts: one per device, limit and episode of exceedances."""

from __future__ import annotations

from django.db import models

from jianguan.core.models import BaseModel, choices
from jianguan.smartsite import limits
from jianguan.smartsite.alerts import workflow


class EnvAlert(BaseModel):
    device = models.ForeignKey(
        "smartsite.Device", verbose_name="设备", related_name="alerts", on_delete=models.PROTECT
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", related_name="env_alerts", on_delete=models.PROTECT
    )
    metric = models.CharField("超标项目", max_length=20, choices=choices(limits.METRICS))
    status = models.CharField(
        "状态", max_length=20, choices=choices(workflow.STATUS), default=workflow.OPEN
    )
    first_at = models.DateTimeField("首次超标时间")
    last_at = models.DateTimeField("最近超标时间", db_index=True)
    count = models.PositiveIntegerField("超标次数", default=1)
    peak = models.FloatField("峰值")
    limit = models.FloatField("限值")
    instantaneous = models.BooleanField("以瞬时声级判断", default=False)
    sustained = models.BooleanField("持续超标", default=False)
    answer = models.CharField("施工单位反馈", max_length=500, blank=True)
    decision = models.CharField("监管处理意见", max_length=500, blank=True)
    order = models.ForeignKey(
        "compliance.RectificationOrder",
        verbose_name="整改通知单",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "环境监测告警"
        verbose_name_plural = verbose_name
        indexes = [
            models.Index(fields=["device", "metric", "status"], name="envalert_live"),
            models.Index(fields=["project", "status"], name="envalert_project"),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}（{self.device}）"
