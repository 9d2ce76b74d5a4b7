"""Monitor devices, their readings, and the raw traffic kept for the audit trail.

Readings are sensor values (three or four significant digits, from instruments with a few per
cent accuracy), not money: they are stored as ``FloatField`` — half the bytes of a numeric
column, native aggregates, faster bulk inserts — while the exact text the device sent stays in
``RawFrame`` for the retention period. Readings are not ledger entries (DESIGN.md "Ledger");
alerts and decisions about them are.
"""

from __future__ import annotations

from django.db import models

from jianguan.core.models import BaseModel, choices
from jianguan.smartsite.monitors import workflow


class Device(BaseModel):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        related_name="monitor_devices",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    mn = models.CharField("设备唯一标识（MN）", max_length=32, unique=True)
    name = models.CharField("设备名称", max_length=100, blank=True)
    kind = models.CharField(
        "设备类型", max_length=20, choices=choices(workflow.DEVICE_KIND), default="dust_noise"
    )
    status = models.CharField(
        "状态", max_length=20, choices=choices(workflow.DEVICE_STATUS), default=workflow.ACTIVE
    )
    password = models.CharField("HJ 212 访问密码（PW）", max_length=32, blank=True)
    key_hash = models.CharField("HTTP 设备密钥摘要（SHA-256）", max_length=64, blank=True)
    crc_variants = models.JSONField("接受的校验码算法", default=list, blank=True)
    pm_unit = models.CharField(
        "颗粒物单位", max_length=10, choices=choices(workflow.PM_UNIT), default="ug_m3"
    )
    at_boundary = models.BooleanField("位于施工场界", default=True)
    last_seen_at = models.DateTimeField("最近通信时间", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "环境监测设备"
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(
                name="smartsite_device_unknown_has_no_project",
                condition=models.Q(status=workflow.UNKNOWN) | models.Q(project__isnull=False),
            )
        ]
        indexes = [models.Index(fields=["key_hash"], name="smartsite_device_key")]

    def __str__(self) -> str:
        return self.name or self.mn


class Reading(models.Model):
    """One record of a device at one time (real-time, minute, hourly or daily average)."""

    device = models.ForeignKey(Device, verbose_name="设备", on_delete=models.PROTECT)
    time = models.DateTimeField("数据时间")
    period = models.CharField("数据类型", max_length=4, choices=choices(workflow.PERIOD))
    received_at = models.DateTimeField("接收时间")
    source = models.CharField("接入方式", max_length=8, choices=choices(workflow.SOURCE))
    pm25 = models.FloatField("PM2.5（µg/m³）", null=True, blank=True)
    pm10 = models.FloatField("PM10（µg/m³）", null=True, blank=True)
    tsp = models.FloatField("TSP（µg/m³）", null=True, blank=True)
    noise_la = models.FloatField("A 声级 LA（dB(A)）", null=True, blank=True)
    noise_leq = models.FloatField("等效声级 Leq（dB(A)）", null=True, blank=True)
    wind_speed = models.FloatField("风速（m/s）", null=True, blank=True)
    wind_direction = models.FloatField("风向（°）", null=True, blank=True)
    temperature = models.FloatField("气温（℃）", null=True, blank=True)
    humidity = models.FloatField("相对湿度（%）", null=True, blank=True)
    #: {field: reason} for values the device sent but the platform refused (impossible value,
    #: a data flag other than N): the rest of the record is kept.
    rejected = models.JSONField("未采用的数值", default=dict, blank=True)

    class Meta:
        verbose_name = "监测数据"
        verbose_name_plural = verbose_name
        constraints = [
            # A device resends unacknowledged data after a reconnect: the first copy stands.
            models.UniqueConstraint(
                fields=["device", "period", "time"], name="smartsite_reading_once"
            )
        ]
        indexes = [models.Index(fields=["device", "-time"], name="smartsite_reading_recent")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.time:%Y-%m-%d %H:%M:%S}"


class RawFrame(models.Model):
    """What a registered device sent, as sent, kept for the retention period in rule data
    (``smartsite.raw_record_retention``; 噪声污染防治法第四十二条: raw records kept)."""

    device = models.ForeignKey(Device, verbose_name="设备", on_delete=models.PROTECT)
    received_at = models.DateTimeField("接收时间", db_index=True)
    source = models.CharField("接入方式", max_length=8, choices=choices(workflow.SOURCE))
    text = models.TextField("原始报文")
    crc_ok = models.BooleanField("校验通过", null=True)
    peer = models.CharField("来源地址", max_length=64, blank=True)

    class Meta:
        verbose_name = "原始报文"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.device_id} {self.received_at:%Y-%m-%d %H:%M:%S}"


class QuarantinedFrame(models.Model):
    """Traffic that cannot be attributed or trusted: an unknown MN, a quarantined device, a bad
    CRC or password, an unreadable frame. Nothing is dropped without a trace."""

    received_at = models.DateTimeField("接收时间", db_index=True)
    mn = models.CharField("设备唯一标识（MN）", max_length=64, blank=True, db_index=True)
    source = models.CharField("接入方式", max_length=8, choices=choices(workflow.SOURCE))
    reason = models.CharField("原因", max_length=24, choices=choices(workflow.QUARANTINE_REASON))
    detail = models.CharField("说明", max_length=200, blank=True)
    text = models.TextField("原始报文")
    peer = models.CharField("来源地址", max_length=64, blank=True)

    class Meta:
        verbose_name = "隔离报文"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.mn} {self.get_reason_display()}"
