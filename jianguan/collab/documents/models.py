"""Document management of a project: a folder tree, documents (ordinary or drawings, with the
drawing's number, scale and sheet), their versions (a file in private storage with who, when,
why and its SM3), the text extracted from a version for search, and transmittals (what was sent
to which organisations, and when each acknowledged). Fields and constraints only; the writes are
in services."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jianguan.collab.documents import workflow
from jianguan.core.models import BaseModel, choices

USER = settings.AUTH_USER_MODEL


class Folder(BaseModel):
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", related_name="+", on_delete=models.PROTECT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级文件夹",
        related_name="children",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    name = models.CharField("名称", max_length=60)
    path = models.CharField("路径", max_length=600)  # "/设计文件/施工图", unique in the project
    created_by = models.ForeignKey(
        USER, verbose_name="创建人", related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "文件夹"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["project", "path"], name="collab_doc_folder_path")
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class Document(BaseModel):
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", related_name="+", on_delete=models.PROTECT
    )
    folder = models.ForeignKey(
        Folder,
        verbose_name="文件夹",
        related_name="documents",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    kind = models.CharField("类别", max_length=10, choices=choices(workflow.KINDS))
    title = models.CharField("标题", max_length=200)
    number = models.CharField("文件编号", max_length=60, blank=True)
    discipline = models.CharField("专业", max_length=20, choices=choices(workflow.DISCIPLINES))
    # a drawing's own fields (blank for an ordinary document)
    drawing_number = models.CharField("图号", max_length=60, blank=True)
    scale = models.CharField("比例", max_length=20, blank=True)
    sheet = models.CharField("图幅", max_length=20, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="编制单位", related_name="+", on_delete=models.PROTECT
    )
    created_by = models.ForeignKey(
        USER, verbose_name="创建人", related_name="+", on_delete=models.PROTECT
    )
    # the newest version (kept by the services; None only between creation and the first upload)
    current = models.ForeignKey(
        "DocumentVersion",
        verbose_name="当前版本",
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "文件"
        indexes = [models.Index(fields=["project", "kind", "drawing_number"])]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "drawing_number"],
                condition=models.Q(kind=workflow.DRAWING),
                name="collab_doc_drawing_number",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_drawing(self) -> bool:
        return self.kind == workflow.DRAWING

    @property
    def reference(self) -> str:
        return self.drawing_number if self.is_drawing else self.number


class DocumentVersion(BaseModel):
    document = models.ForeignKey(
        Document, verbose_name="文件", related_name="versions", on_delete=models.PROTECT
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", related_name="+", on_delete=models.PROTECT
    )
    seq = models.PositiveIntegerField("序号")  # 1, 2, 3 … in upload order
    label = models.CharField("版本号/版次", max_length=20)  # V1 … or a drawing's A, B / 0, 1
    file = models.FileField("文件", upload_to="collab/documents/%Y/%m/", max_length=200)
    file_name = models.CharField("原文件名", max_length=200)
    file_type = models.CharField(
        "文件类型", max_length=10, choices=choices({k: v[0] for k, v in workflow.TYPES.items()})
    )
    size = models.BigIntegerField("大小（字节）")
    sm3 = models.CharField("SM3 摘要", max_length=64)
    reason = models.CharField("修改说明", max_length=500)
    uploaded_by = models.ForeignKey(
        USER, verbose_name="上传人", related_name="+", on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="上传单位", related_name="+", on_delete=models.PROTECT
    )
    superseded_at = models.DateTimeField("被替代时间", null=True, blank=True)

    class Meta:
        verbose_name = "文件版本"
        ordering = ["document_id", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["document", "seq"], name="collab_doc_version_seq"),
            models.UniqueConstraint(fields=["document", "label"], name="collab_doc_version_label"),
        ]

    def __str__(self) -> str:
        return f"{self.document} {self.label}"

    @property
    def content_type(self) -> str:
        return workflow.TYPES[self.file_type][2]

    @property
    def superseded(self) -> bool:
        return self.superseded_at is not None


class ExtractedText(models.Model):
    """The text of one version for search: PDF text (pypdf) or plain text, with the words the
    global search's tokeniser cut (``tokens``) and a normalised copy to match query terms in."""

    PENDING, DONE, NONE, FAILED = "pending", "done", "none", "failed"
    STATUS = {PENDING: "待提取", DONE: "已提取", NONE: "无文字", FAILED: "提取失败"}

    version = models.OneToOneField(
        DocumentVersion, verbose_name="文件版本", related_name="extracted", on_delete=models.CASCADE
    )
    status = models.CharField("状态", max_length=10, choices=choices(STATUS), default=PENDING)
    pages = models.PositiveIntegerField("页数", default=0)
    text = models.TextField("文字", blank=True)
    tokens = models.TextField("分词", blank=True)
    error = models.CharField("失败原因", max_length=300, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "提取文字"

    def __str__(self) -> str:
        return f"{self.version} {self.get_status_display()}"


class Transmittal(BaseModel):
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", related_name="+", on_delete=models.PROTECT
    )
    number = models.CharField("编号", max_length=30)  # TR-0001 per project
    subject = models.CharField("主题", max_length=200)
    purpose = models.CharField(
        "用途", max_length=20, choices=choices(workflow.TRANSMITTAL_PURPOSES)
    )
    message = models.TextField("说明", blank=True)
    sender = models.ForeignKey(
        "accounts.Organisation", verbose_name="发文单位", related_name="+", on_delete=models.PROTECT
    )
    sent_by = models.ForeignKey(
        USER, verbose_name="发文人", related_name="+", on_delete=models.PROTECT
    )
    sent_at = models.DateTimeField("发送时间")
    versions = models.ManyToManyField(
        DocumentVersion, verbose_name="文件", related_name="transmittals"
    )

    class Meta:
        verbose_name = "文件传递单"
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="collab_doc_transmittal_no")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class TransmittalRecipient(models.Model):
    transmittal = models.ForeignKey(
        Transmittal, verbose_name="传递单", related_name="recipients", on_delete=models.CASCADE
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="接收单位", related_name="+", on_delete=models.PROTECT
    )
    acknowledged_at = models.DateTimeField("确认收到时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER,
        verbose_name="确认人",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "传递单接收单位"
        constraints = [
            models.UniqueConstraint(
                fields=["transmittal", "organisation"], name="collab_doc_transmittal_recipient"
            )
        ]
        indexes = [models.Index(fields=["organisation", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.transmittal} → {self.organisation}"
