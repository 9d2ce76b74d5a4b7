"""BIM: model revisions of a project (an IFC file per discipline and revision, its elements and
summary), clash sets between groups of revisions with their runs and clashes (each with a
workflow and comments), and the take-off: BoQ items mapped to IFC selectors and the model
quantity per item and revision. Fields and constraints only; the writes are in services."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from jianguan.bim import workflow
from jianguan.core.models import BaseModel, choices

QTY = {"max_digits": 18, "decimal_places": 3}


class ModelRevision(BaseModel):
    """One uploaded IFC file: a discipline's model of a project at one revision."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        related_name="bim_revisions",
        on_delete=models.PROTECT,
    )
    discipline = models.CharField("专业", max_length=20, choices=choices(workflow.DISCIPLINES))
    label = models.CharField("版本号", max_length=40)
    previous = models.ForeignKey(
        "self",
        verbose_name="上一版本",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    file_path = models.CharField("文件路径", max_length=300)  # relative to BIM_DIR
    file_name = models.CharField("原文件名", max_length=200)
    size = models.BigIntegerField("文件大小（字节）")
    sm3 = models.CharField("文件 SM3 摘要", max_length=64)
    status = models.CharField(
        "状态",
        max_length=12,
        choices=choices(workflow.REVISION_STATUS),
        default=workflow.PENDING,
    )
    progress = models.PositiveSmallIntegerField("处理进度（%）", default=0)
    error = models.CharField("失败原因", max_length=500, blank=True)
    error_code = models.CharField("失败代码", max_length=40, blank=True)
    summary = models.JSONField("模型概况", default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", related_name="+", on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="上传单位",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    started_at = models.DateTimeField("开始处理时间", null=True, blank=True)
    finished_at = models.DateTimeField("处理完成时间", null=True, blank=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "模型版本"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["project", "discipline", "label"], name="bim_revision_label_unique"
            )
        ]
        indexes = [
            models.Index(fields=["project", "discipline", "-created_at"], name="bim_rev_latest")
        ]

    def __str__(self) -> str:
        return f"{self.get_discipline_display()} {self.label}"


class Element(models.Model):
    revision = models.ForeignKey(
        ModelRevision, verbose_name="模型版本", related_name="elements", on_delete=models.CASCADE
    )
    guid = models.CharField("GlobalId", max_length=22)
    ifc_class = models.CharField("IFC 类型", max_length=64)
    name = models.CharField("名称", max_length=200, blank=True)
    storey = models.CharField("楼层", max_length=120, blank=True)
    geometry_hash = models.CharField("几何摘要", max_length=64, blank=True)

    class Meta:
        verbose_name = "构件"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["revision", "guid"], name="bim_element_guid")]

    def __str__(self) -> str:
        return f"{self.ifc_class} {self.name or self.guid}"


class ClashSet(BaseModel):
    """Group A (revisions and IFC classes) against group B, or A against itself."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        related_name="bim_clash_sets",
        on_delete=models.PROTECT,
    )
    name = models.CharField("名称", max_length=100)
    a_revisions = models.ManyToManyField(ModelRevision, verbose_name="A 组模型", related_name="+")
    a_select = models.CharField("A 组构件类型", max_length=500, blank=True)
    b_revisions = models.ManyToManyField(
        ModelRevision, verbose_name="B 组模型", related_name="+", blank=True
    )
    b_select = models.CharField("B 组构件类型", max_length=500, blank=True)
    mode = models.CharField("检测方式", max_length=20, choices=choices(workflow.MODES))
    tolerance = models.FloatField("容差（米）", default=0.002)
    clearance = models.FloatField("净距（米）", default=0.05)
    allow_touching = models.BooleanField("允许接触", default=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="发起单位", related_name="+", on_delete=models.PROTECT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", related_name="+", on_delete=models.PROTECT
    )
    last_run_at = models.DateTimeField("最近检测时间", null=True, blank=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "碰撞检测集"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="bim_clash_set_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def against_itself(self) -> bool:
        return not self.b_revisions.exists()


class ClashRun(BaseModel):
    clash_set = models.ForeignKey(
        ClashSet, verbose_name="碰撞检测集", related_name="runs", on_delete=models.CASCADE
    )
    revision_ids = models.JSONField("所用模型版本", default=list)
    status = models.CharField(
        "状态", max_length=12, choices=choices(workflow.RUN_STATUS), default=workflow.PENDING
    )
    is_recheck = models.BooleanField("增量复核", default=False)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    still = models.PositiveIntegerField("仍存在", default=0)
    resolved = models.PositiveIntegerField("已消除", default=0)
    new = models.PositiveIntegerField("新发现", default=0)
    error = models.CharField("失败原因", max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "碰撞检测记录"
        verbose_name_plural = verbose_name


class Clash(BaseModel):
    clash_set = models.ForeignKey(
        ClashSet, verbose_name="碰撞检测集", related_name="clashes", on_delete=models.CASCADE
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", related_name="+", on_delete=models.PROTECT
    )
    a_guid = models.CharField("A 构件", max_length=22)
    b_guid = models.CharField("B 构件", max_length=22)
    a_class = models.CharField("A 类型", max_length=64, blank=True)
    b_class = models.CharField("B 类型", max_length=64, blank=True)
    a_name = models.CharField("A 名称", max_length=200, blank=True)
    b_name = models.CharField("B 名称", max_length=200, blank=True)
    storey = models.CharField("楼层", max_length=120, blank=True)
    type = models.CharField("碰撞类型", max_length=12, choices=choices(workflow.CLASH_TYPES))
    distance = models.FloatField("距离（米）")
    p1 = models.JSONField("A 上的点")
    p2 = models.JSONField("B 上的点")
    group_key = models.CharField("分组", max_length=200, blank=True)
    # the nearest grid line (IfcGrid axis tag) and grid intersection ("C/3"); empty without grids
    grid = models.CharField("轴线", max_length=40, blank=True)
    grid_cross = models.CharField("轴网交点", max_length=60, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=choices(workflow.CLASH_STATUS), default=workflow.NEW
    )
    assignee = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="责任单位",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    reason = models.CharField("接受理由", max_length=500, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    first_run = models.ForeignKey(
        ClashRun, verbose_name="首次发现", related_name="+", on_delete=models.PROTECT
    )
    last_run = models.ForeignKey(
        ClashRun, verbose_name="最近检测", related_name="+", on_delete=models.PROTECT
    )
    topic_guid = models.CharField("BCF 主题 GUID", max_length=36, blank=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "碰撞"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["clash_set", "a_guid", "b_guid"], name="bim_clash_pair_unique"
            )
        ]
        indexes = [
            models.Index(fields=["project", "status"], name="bim_clash_project_status"),
            models.Index(fields=["assignee", "status"], name="bim_clash_assignee"),
        ]

    def __str__(self) -> str:
        return f"{self.a_class} × {self.b_class}"


class ClashComment(BaseModel):
    clash = models.ForeignKey(
        Clash, verbose_name="碰撞", related_name="comments", on_delete=models.CASCADE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发表人",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    author_name = models.CharField("发表人（外部）", max_length=100, blank=True)  # from BCF
    text = models.TextField("内容")
    photo = models.FileField("照片", upload_to="bim/photos/%Y/%m/", blank=True)
    bcf_guid = models.CharField("BCF 评论 GUID", max_length=36, blank=True)

    class Meta:
        verbose_name = "碰撞意见"
        verbose_name_plural = verbose_name
        ordering = ["created_at", "pk"]


class BoqMapping(BaseModel):
    """A bill-of-quantities item (GB 50500 code) and the IFC elements that measure it."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        related_name="bim_mappings",
        on_delete=models.PROTECT,
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name="合同",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    code = models.CharField("项目编码", max_length=40)
    name = models.CharField("项目名称", max_length=200)
    unit = models.CharField("计量单位", max_length=20)
    # {"classes": ["IfcWall", ...], "measure": "volume"|"area"|"length"|"count",
    #  "disciplines": [...], "name_contains": "..."}
    selector = models.JSONField("构件选择")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="设置人", related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "清单项与模型对应"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="bim_mapping_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ModelQuantity(BaseModel):
    revision = models.ForeignKey(
        ModelRevision, verbose_name="模型版本", related_name="quantities", on_delete=models.CASCADE
    )
    code = models.CharField("项目编码", max_length=40)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    quantity = models.DecimalField("模型工程量", **QTY)
    guids = models.JSONField("构件", default=list)

    class Meta:
        verbose_name = "模型工程量"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["revision", "code"], name="bim_quantity_code_unique")
        ]


class UploadSession(BaseModel):
    """A chunked upload in progress: the bytes so far sit in ``temp_path`` until finish."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", related_name="+", on_delete=models.CASCADE
    )
    discipline = models.CharField("专业", max_length=20, choices=choices(workflow.DISCIPLINES))
    label = models.CharField("版本号", max_length=40)
    file_name = models.CharField("原文件名", max_length=200)
    total_size = models.BigIntegerField("文件大小（字节）")
    received = models.BigIntegerField("已接收（字节）", default=0)
    temp_path = models.CharField("临时文件", max_length=300)
    sm3 = models.CharField("客户端 SM3", max_length=64, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", related_name="+", on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = "分片上传"
        verbose_name_plural = verbose_name
