"""Enterprise qualifications (资质), safety licences, registered personnel, access standards."""

from __future__ import annotations

from django.db import models

from jianguan.accounts.models import Organisation
from jianguan.core.models import BaseModel


class QualificationGrade(models.TextChoices):
    """Ordered highest first; the order lives in eligibility.QUALIFICATION_GRADES."""

    SPECIAL = "特级", "特级"
    FIRST = "一级", "一级"
    SECOND = "二级", "二级"
    THIRD = "三级", "三级"


class PersonGrade(models.TextChoices):
    FIRST = "一级", "一级"
    SECOND = "二级", "二级"


class CertificateKind(models.TextChoices):
    CONSTRUCTOR = "constructor", "注册建造师"
    CHIEF_SUPERVISOR = "chief_supervisor", "总监理工程师"
    SAFETY_OFFICER = "safety_officer", "安全员"
    COST_ENGINEER = "cost_engineer", "注册造价工程师"
    SUPERVISION_ENGINEER = "supervision_engineer", "注册监理工程师"


class AssignmentRole(models.TextChoices):
    PROJECT_MANAGER = "project_manager", "项目负责人（项目经理）"
    CHIEF_SUPERVISOR = "chief_supervisor", "总监理工程师"
    SAFETY_OFFICER = "safety_officer", "专职安全员"
    TECHNICAL_LEAD = "technical_lead", "技术负责人"
    COST_ENGINEER = "cost_engineer", "造价工程师"


class Qualification(BaseModel):
    organisation = models.ForeignKey(
        Organisation, related_name="qualifications", on_delete=models.PROTECT
    )
    category = models.CharField("资质类别", max_length=100)
    grade = models.CharField("资质等级", max_length=10, choices=QualificationGrade.choices)
    number = models.CharField("证书编号", max_length=60)
    issuer = models.CharField("发证机关", max_length=100)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期至", db_index=True)

    class Meta:
        ordering = ["organisation", "category"]
        verbose_name = "企业资质"
        verbose_name_plural = "企业资质"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "category", "number"], name="uniq_qualification"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}{self.grade}"


class SafetyLicence(BaseModel):
    organisation = models.ForeignKey(
        Organisation, related_name="safety_licences", on_delete=models.PROTECT
    )
    number = models.CharField("许可证编号", max_length=60, unique=True)
    issuer = models.CharField("发证机关", max_length=100)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期至", db_index=True)

    class Meta:
        ordering = ["organisation", "-valid_to"]
        verbose_name = "安全生产许可证"
        verbose_name_plural = "安全生产许可证"

    def __str__(self) -> str:
        return self.number


class RegisteredPerson(BaseModel):
    name = models.CharField("姓名", max_length=50)
    id_number_masked = models.CharField("身份证号（脱敏）", max_length=20, blank=True)
    kind = models.CharField("证书类别", max_length=30, choices=CertificateKind.choices)
    specialty = models.CharField("专业", max_length=50, blank=True)
    grade = models.CharField("等级", max_length=10, choices=PersonGrade.choices, blank=True)
    certificate_number = models.CharField("证书编号", max_length=60, unique=True)
    valid_to = models.DateField("有效期至", db_index=True)
    employer = models.ForeignKey(
        Organisation, related_name="registered_persons", on_delete=models.PROTECT
    )
    registered_on = models.DateField("初始注册日期", null=True, blank=True)

    class Meta:
        ordering = ["employer", "kind", "name"]
        verbose_name = "注册人员"
        verbose_name_plural = "注册人员"

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


class PersonAssignment(BaseModel):
    person = models.ForeignKey(
        RegisteredPerson, related_name="assignments", on_delete=models.PROTECT
    )
    project = models.ForeignKey(
        "projects.Project", related_name="person_assignments", on_delete=models.PROTECT
    )
    role = models.CharField("岗位", max_length=30, choices=AssignmentRole.choices)
    start = models.DateField("起始日期")
    end = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = "人员任职"
        verbose_name_plural = "人员任职"
        indexes = [models.Index(fields=["person", "role", "end"])]

    def __str__(self) -> str:
        return f"{self.person} @ {self.project_id}"


class AccessStandard(BaseModel):
    """准入标准: criteria a tender or a subcontract can require (validated by eligibility.py)."""

    name = models.CharField("名称", max_length=100, unique=True)
    description = models.CharField("说明", max_length=500, blank=True)
    criteria = models.JSONField("准入条件", default=dict)
    defined_by = models.ForeignKey(
        Organisation, related_name="access_standards", null=True, on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "准入标准"
        verbose_name_plural = "准入标准"

    def __str__(self) -> str:
        return self.name
