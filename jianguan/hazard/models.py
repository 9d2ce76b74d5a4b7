"""Hazard recognition: what the detector found in each site image, the hazards it suggests,
and the inspectors' decisions on them; plus the two settings a site gives the rules (a fixed
camera's ground calibration, whether the site requires vests)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jianguan.core.models import BaseModel, choices
from jianguan.hazard import workflow


class CameraCalibration(BaseModel):
    """Four or more points marked on a snapshot of the camera and on the site plan: the
    ground-plane homography that places a person's feet on the plan."""

    camera = models.ForeignKey(
        "smartsite.Camera",
        verbose_name="摄像机",
        related_name="calibrations",
        on_delete=models.PROTECT,
    )
    # [[pixel x, pixel y, longitude, latitude], ...] on an image of width × height pixels
    points = models.JSONField("标定点")
    width = models.PositiveIntegerField("标定图像宽度")
    height = models.PositiveIntegerField("标定图像高度")
    homography = models.JSONField("地面映射")
    rms_m = models.FloatField("拟合误差（米）")
    is_active = models.BooleanField("有效", default=True)
    calibrated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="标定人", related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "摄像机地面标定"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["camera"],
                condition=models.Q(is_active=True),
                name="calibration_one_active_per_camera",
            )
        ]


class SiteRule(BaseModel):
    """A site's own setting for the rules; a site without one requires vests (the default)."""

    project = models.OneToOneField(
        "projects.Project",
        verbose_name="项目",
        related_name="hazard_rule",
        on_delete=models.PROTECT,
    )
    uniform_required = models.BooleanField("要求穿反光背心/工作服", default=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="设置人", related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "隐患识别规则"
        verbose_name_plural = verbose_name


class ImageAnalysis(BaseModel):
    """One run of the detector over one image (a re-run adds another; the newest counts)."""

    image = models.ForeignKey(
        "smartsite.SiteImage",
        verbose_name="影像",
        related_name="analyses",
        on_delete=models.PROTECT,
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        related_name="image_analyses",
        on_delete=models.PROTECT,
    )
    status = models.CharField(
        "状态",
        max_length=10,
        choices=choices(workflow.ANALYSIS_STATUS),
        default=workflow.PENDING,
    )
    reason = models.CharField("失败原因", max_length=300, blank=True)
    reason_code = models.CharField("失败代码", max_length=40, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)  # e.g. why no zone test
    model_version = models.CharField("模型版本", max_length=80, blank=True)
    model_sha = models.CharField("模型文件摘要", max_length=64, blank=True)
    duration_ms = models.PositiveIntegerField("耗时（毫秒）", null=True, blank=True)
    # the pixels the detector saw (EXIF orientation applied): the boxes' frame
    width = models.PositiveIntegerField("识别图像宽度", null=True, blank=True)
    height = models.PositiveIntegerField("识别图像高度", null=True, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    is_demo = models.BooleanField("演示数据", default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "影像智能识别"
        verbose_name_plural = verbose_name
        indexes = [
            models.Index(fields=["image", "-created_at"], name="analysis_image_latest"),
            models.Index(fields=["status", "created_at"], name="analysis_status"),
        ]


class Detection(models.Model):
    analysis = models.ForeignKey(
        ImageAnalysis, verbose_name="识别", related_name="detections", on_delete=models.CASCADE
    )
    cls = models.CharField("类别", max_length=12, choices=choices(workflow.CLASSES))
    score = models.FloatField("置信度")
    x1 = models.FloatField()
    y1 = models.FloatField()
    x2 = models.FloatField()
    y2 = models.FloatField()
    above = models.BooleanField("达到阈值", default=False)
    # where the person's feet are on the site plan, when the image has a ground mapping
    foot_lon = models.FloatField("落脚点经度", null=True, blank=True)
    foot_lat = models.FloatField("落脚点纬度", null=True, blank=True)

    class Meta:
        verbose_name = "识别目标"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.get_cls_display()} {self.score:.0%}"

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.x1, self.y1, self.x2, self.y2


class HazardCandidate(BaseModel):
    """A hazard the detector suggests, waiting for several frames or an inspector."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        related_name="hazard_candidates",
        on_delete=models.PROTECT,
    )
    kind = models.CharField("隐患类型", max_length=20, choices=choices(workflow.KINDS))
    camera = models.ForeignKey(
        "smartsite.Camera",
        verbose_name="摄像机",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    zone = models.ForeignKey(
        "smartsite.DangerZone",
        verbose_name="危险区域",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    status = models.CharField(
        "状态",
        max_length=12,
        choices=choices(workflow.CANDIDATE_STATUS),
        default=workflow.OPEN,
    )
    frames = models.PositiveIntegerField("帧数", default=1)
    best_score = models.FloatField("最高置信度")
    best_image = models.ForeignKey(
        "smartsite.SiteImage",
        verbose_name="代表影像",
        related_name="+",
        on_delete=models.PROTECT,
    )
    first_at = models.DateTimeField("首次拍摄时间")
    last_at = models.DateTimeField("最近拍摄时间", db_index=True)
    corroborated = models.BooleanField("多帧印证", default=False)
    is_demo = models.BooleanField("演示数据", default=False)
    dismiss_reason = models.CharField(
        "排除原因", max_length=20, choices=choices(workflow.DISMISS_REASONS), blank=True
    )
    decision = models.CharField("处理意见", max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    order = models.ForeignKey(
        "compliance.RectificationOrder",
        verbose_name="整改通知单",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "疑似安全隐患"
        verbose_name_plural = verbose_name
        indexes = [
            models.Index(fields=["project", "status"], name="candidate_project_status"),
            models.Index(fields=["camera", "kind", "status"], name="candidate_camera_live"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.project_id}）"


class CandidateFrame(models.Model):
    """One image that shows the candidate's hazard, with the detection that shows it best."""

    candidate = models.ForeignKey(
        HazardCandidate, verbose_name="疑似隐患", related_name="frame_set", on_delete=models.CASCADE
    )
    image = models.ForeignKey(
        "smartsite.SiteImage", verbose_name="影像", related_name="+", on_delete=models.PROTECT
    )
    detection = models.ForeignKey(
        Detection, verbose_name="识别目标", related_name="+", on_delete=models.PROTECT
    )
    score = models.FloatField("置信度")

    class Meta:
        verbose_name = "疑似隐患影像"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["candidate", "image"], name="candidate_frame_once")
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id}/{self.image_id}"
