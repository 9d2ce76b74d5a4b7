"""Cameras, still images and danger zones of a site."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jianguan.core.models import BaseModel, choices
from jianguan.smartsite.images import workflow


class Camera(BaseModel):
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", related_name="cameras", on_delete=models.PROTECT
    )
    name = models.CharField("摄像机名称", max_length=100)
    location = models.CharField("安装位置", max_length=200, blank=True)
    # The vendor's stream (RTSP/RTMP/HLS page): opened in the vendor's player, never proxied.
    stream_url = models.CharField("视频流地址", max_length=500)
    vendor = models.CharField("厂商", max_length=100, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField("在用", default=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "视频监控摄像机"
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="camera_name_per_project")
        ]


class SiteImage(BaseModel):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        related_name="site_images",
        on_delete=models.PROTECT,
    )
    kind = models.CharField("类型", max_length=20, choices=choices(workflow.IMAGE_KIND))
    camera = models.ForeignKey(
        Camera,
        verbose_name="摄像机",
        related_name="images",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    file = models.FileField(upload_to="smartsite/images/%Y/%m/", max_length=200)
    thumb = models.FileField(upload_to="smartsite/thumbs/%Y/%m/", max_length=200)
    name = models.CharField("原文件名", max_length=200)
    sm3 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # From EXIF when the camera wrote it (its wall clock read as Beijing time), else the upload.
    taken_at = models.DateTimeField("拍摄时间", db_index=True)
    taken_from_exif = models.BooleanField(default=False)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    on_site = models.BooleanField("位于用地范围内", null=True)
    batch = models.CharField("上传批次", max_length=32, db_index=True)
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "现场影像"
        indexes = [models.Index(fields=["project", "taken_at"], name="siteimage_project_time")]


class DangerZone(BaseModel):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        related_name="danger_zones",
        on_delete=models.PROTECT,
    )
    name = models.CharField("区域名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=choices(workflow.ZONE_KIND))
    polygon = models.JSONField("范围（GeoJSON Polygon）")
    is_active = models.BooleanField("有效", default=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="划定人", related_name="+", on_delete=models.PROTECT
    )
    removed_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "危险区域"
