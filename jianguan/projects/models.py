"""The project register (台账): projects, stages, participants, leads, key nodes, warnings."""

from __future__ import annotations

from django.db import models

from jianguan.accounts.models import Organisation, Town
from jianguan.core.models import BaseModel
from jianguan.projects.workflow import STAGE_LABELS, Stage

StageChoices = models.TextChoices(
    "StageChoices", [(s.value, (s.value, STAGE_LABELS[s])) for s in Stage]
)


class ProjectType(models.TextChoices):
    BUILDING = "building", "房屋建筑"
    ROAD = "road", "市政道路"
    BRIDGE = "bridge", "桥梁"
    WATER_SUPPLY = "water_supply", "给排水"
    LANDSCAPE = "landscape", "园林绿化"
    WATER_CONSERVANCY = "water_conservancy", "水利"
    RAIL = "rail", "轨道交通"
    OTHER = "other", "其他"


class FundingSource(models.TextChoices):
    GOVERNMENT = "government", "政府投资"
    STATE_OWNED = "state_owned", "国有资金"
    PRIVATE = "private", "社会资本"
    PPP = "ppp", "PPP"


class WarningLevel(models.IntegerChoices):
    NONE = 0, "正常"
    BLUE = 1, "蓝色预警"
    YELLOW = 2, "黄色预警"
    ORANGE = 3, "橙色预警"
    RED = 4, "红色预警"


class Project(BaseModel):
    code = models.CharField("项目编号", max_length=20, unique=True)
    name = models.CharField("项目名称", max_length=200)
    type = models.CharField("项目类型", max_length=30, choices=ProjectType.choices)
    funding = models.CharField("资金来源", max_length=20, choices=FundingSource.choices)
    budget = models.DecimalField("批复概算（元）", max_digits=16, decimal_places=2)
    town = models.ForeignKey(Town, verbose_name="所在乡镇街道", on_delete=models.PROTECT)
    latitude = models.DecimalField("纬度（CGCS2000）", max_digits=9, decimal_places=6)
    longitude = models.DecimalField("经度（CGCS2000）", max_digits=9, decimal_places=6)
    site_polygon = models.JSONField("用地范围（GeoJSON）", null=True, blank=True)
    owner = models.ForeignKey(
        Organisation,
        verbose_name="建设单位",
        related_name="owned_projects",
        on_delete=models.PROTECT,
    )
    stage = models.CharField(
        "当前阶段", max_length=30, choices=StageChoices.choices, default="approval"
    )
    description = models.TextField("项目概况", blank=True)
    design_life_years = models.PositiveSmallIntegerField("设计使用年限（年）", default=50)
    is_public = models.BooleanField("公开基本信息", default=True)
    # Documents recorded before their own apps exist: references (文号) with dates.
    approval_document = models.CharField("立项批复文号", max_length=100, blank=True)
    design_review_document = models.CharField("施工图审查意见文号", max_length=100, blank=True)
    construction_permit = models.CharField("施工许可证号", max_length=100, blank=True)
    construction_permit_date = models.DateField("施工许可日期", null=True, blank=True)
    construction_contract_ref = models.CharField("施工合同编号", max_length=100, blank=True)
    completion_filing = models.CharField("竣工验收备案号", max_length=100, blank=True)
    settlement_document = models.CharField("结算审核报告文号", max_length=100, blank=True)
    archive_transfer = models.CharField("档案移交凭证号", max_length=100, blank=True)
    completion_date = models.DateField("竣工日期", null=True, blank=True)
    warning_level = models.PositiveSmallIntegerField(
        "预警等级", choices=WarningLevel.choices, default=0, db_index=True
    )

    class Meta:
        ordering = ["-code"]
        verbose_name = "项目"
        verbose_name_plural = "项目"
        indexes = [
            models.Index(fields=["stage", "code"]),
            # The dashboard counts projects by stage x warning level (projects.selectors.
            # dashboard_summary): from this index alone, not a scan of every row.
            models.Index(fields=["stage", "warning_level"]),
            models.Index(fields=["town", "code"]),
            models.Index(fields=["owner", "code"]),
            models.Index(fields=["warning_level", "code"]),
            models.Index(fields=["type", "code"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProjectStage(BaseModel):
    """Planned and actual dates of one stage of one project."""

    project = models.ForeignKey(Project, related_name="stages", on_delete=models.CASCADE)
    stage = models.CharField("阶段", max_length=30, choices=StageChoices.choices)
    planned_start = models.DateField("计划开始", null=True, blank=True)
    planned_end = models.DateField("计划完成", null=True, blank=True)
    actual_start = models.DateField("实际开始", null=True, blank=True)
    actual_end = models.DateField("实际完成", null=True, blank=True)

    class Meta:
        verbose_name = "项目阶段"
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="uniq_project_stage")
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_stage_display()}"


class ParticipantRole(models.TextChoices):
    OWNER = "owner", "建设单位"
    SURVEYOR = "surveyor", "勘察单位"
    DESIGNER = "designer", "设计单位"
    GENERAL_CONTRACTOR = "general_contractor", "施工总承包单位"
    SUPERVISOR = "supervisor", "监理单位"
    SPECIALIST_SUBCONTRACTOR = "specialist_subcontractor", "专业分包单位"
    LABOUR_SUBCONTRACTOR = "labour_subcontractor", "劳务分包单位"


class Participant(BaseModel):
    project = models.ForeignKey(Project, related_name="participants", on_delete=models.CASCADE)
    organisation = models.ForeignKey(
        Organisation, related_name="participations", on_delete=models.PROTECT
    )
    role = models.CharField("角色", max_length=40, choices=ParticipantRole.choices)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "参建单位"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "role"], name="uniq_participant"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "is_active"]),
            # Covering: "the projects my organisation takes part in" (bench/register.py).
            models.Index(fields=["organisation", "is_active", "project"]),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_role_display()} {self.organisation}"


class Person(BaseModel):
    """A named, responsible person (项目负责人); identified by certificate or ID number."""

    name = models.CharField("姓名", max_length=50)
    id_number_masked = models.CharField("身份证号（脱敏）", max_length=20, blank=True)
    certificate_number = models.CharField("注册证书号", max_length=50, blank=True, db_index=True)
    phone = models.CharField("电话", max_length=20, blank=True)

    class Meta:
        verbose_name = "责任人"
        verbose_name_plural = "责任人"

    def __str__(self) -> str:
        return self.name


class ProjectLead(BaseModel):
    """A five-party lead: kept forever, even after being replaced (终身责任)."""

    project = models.ForeignKey(Project, related_name="leads", on_delete=models.CASCADE)
    party = models.CharField("责任主体", max_length=40, choices=ParticipantRole.choices[:5])
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    person = models.ForeignKey(Person, related_name="lead_roles", on_delete=models.PROTECT)
    authorisation_file = models.FileField("法定代表人授权书", upload_to="leads/%Y/")
    authorisation_sm3 = models.CharField(max_length=64)
    commitment_file = models.FileField("终身责任承诺书", upload_to="leads/%Y/")
    commitment_sm3 = models.CharField(max_length=64)
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True)
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["party", "-started_on"]
        verbose_name = "五方责任主体项目负责人"
        indexes = [models.Index(fields=["project", "party", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.get_party_display()} {self.person}"


class KeyNodeStatus(models.TextChoices):
    PENDING = "pending", "待检查"
    FAILED = "failed", "未通过"
    PASSED = "passed", "已通过"


class KeyNode(BaseModel):
    project = models.ForeignKey(Project, related_name="key_nodes", on_delete=models.CASCADE)
    code = models.CharField("节点编码", max_length=40)
    name = models.CharField("节点名称", max_length=50)
    sequence = models.PositiveSmallIntegerField("顺序")
    planned_date = models.DateField("计划日期", null=True, blank=True)
    status = models.CharField(max_length=10, choices=KeyNodeStatus.choices, default="pending")
    passed_on = models.DateField("通过日期", null=True, blank=True)
    gates_payment = models.BooleanField("控制付款", default=False)

    class Meta:
        ordering = ["project", "sequence"]
        verbose_name = "关键节点"
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="uniq_key_node")]

    def __str__(self) -> str:
        return f"{self.project.code} {self.name}"


class JointInspection(BaseModel):
    """Joint inspection of a key node: the chief supervisor AND a regulator inspector sign."""

    key_node = models.ForeignKey(KeyNode, related_name="inspections", on_delete=models.CASCADE)
    round = models.PositiveSmallIntegerField("检查轮次", default=1)
    supervisor_result = models.CharField(max_length=10, blank=True)  # passed / failed
    supervisor_user = models.CharField(max_length=150, blank=True)
    supervisor_signed_at = models.DateTimeField(null=True, blank=True)
    regulator_result = models.CharField(max_length=10, blank=True)
    regulator_user = models.CharField(max_length=150, blank=True)
    regulator_signed_at = models.DateTimeField(null=True, blank=True)
    closed = models.BooleanField(default=False)

    class Meta:
        ordering = ["key_node", "round"]
        verbose_name = "联合检查"

    def __str__(self) -> str:
        return f"{self.key_node} 第{self.round}轮"


class Finding(BaseModel):
    """A problem found at a joint inspection; open until a later inspection passes the node."""

    inspection = models.ForeignKey(
        JointInspection, related_name="findings", on_delete=models.CASCADE
    )
    project = models.ForeignKey(Project, related_name="node_findings", on_delete=models.CASCADE)
    text = models.CharField("问题描述", max_length=500)
    raised_by = models.CharField(max_length=150)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "检查问题"

    def __str__(self) -> str:
        return self.text[:30]


class CompletionSignature(BaseModel):
    """One of the five leads' signatures on the completion acceptance record."""

    project = models.ForeignKey(
        Project, related_name="completion_signatures", on_delete=models.CASCADE
    )
    party = models.CharField(max_length=40, choices=ParticipantRole.choices[:5])
    lead = models.ForeignKey(ProjectLead, on_delete=models.PROTECT)
    signed_on = models.DateField("签字日期")

    class Meta:
        verbose_name = "竣工验收签字"
        constraints = [
            models.UniqueConstraint(fields=["project", "party"], name="uniq_completion_sig")
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.party} {self.signed_on}"


class WarrantyClock(BaseModel):
    project = models.ForeignKey(Project, related_name="warranty_clocks", on_delete=models.CASCADE)
    scope = models.CharField("保修范围", max_length=50)
    rule_code = models.CharField(max_length=100)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)  # heating: counted in seasons
    description = models.CharField(max_length=200)

    class Meta:
        verbose_name = "保修期"

    def __str__(self) -> str:
        return f"{self.project.code} {self.scope}"


class ProjectWarning(BaseModel):
    """One warning rule's current state on a project, with history in WarningEvent."""

    project = models.ForeignKey(Project, related_name="warnings", on_delete=models.CASCADE)
    rule_code = models.CharField(max_length=60)
    level = models.PositiveSmallIntegerField(choices=WarningLevel.choices)
    reason = models.CharField("原因", max_length=500)
    raised_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "预警"
        indexes = [
            models.Index(fields=["project", "rule_code", "cleared_at"]),
            models.Index(fields=["level", "cleared_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.rule_code} {self.level}"


class WarningEvent(models.Model):
    warning = models.ForeignKey(ProjectWarning, related_name="events", on_delete=models.CASCADE)
    kind = models.CharField(max_length=20)  # raised, escalated, lowered, cleared
    level = models.PositiveSmallIntegerField(choices=WarningLevel.choices)
    reason = models.CharField(max_length=500)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "预警记录"

    def __str__(self) -> str:
        return f"{self.kind} {self.level}"


class DistrictBoundary(BaseModel):
    """GeoJSON boundary the admin uploads, drawn under the projects on the map."""

    name = models.CharField(max_length=100)
    geojson = models.JSONField()

    class Meta:
        verbose_name = "行政区边界"

    def __str__(self) -> str:
        return self.name
