"""Workers (实名制), their certificates and training, labour contracts, placements on sites,
gate devices, attendance (events and one row per worker per day) and refused-entry alerts.

The identity and bank card numbers are stored only encrypted (``crypto``) with a blind index
and a masked form; nothing else in the database holds them in clear.
"""

from __future__ import annotations

from django.db import models

from jianguan.accounts.models import Organisation
from jianguan.core.models import BaseModel, choices
from jianguan.projects.models import Project
from jianguan.smartsite.workers import workflow


class Worker(BaseModel):
    name = models.CharField("姓名", max_length=50)
    id_number_cipher = models.CharField("身份证号（密文）", max_length=200)
    id_number_index = models.CharField("身份证号索引", max_length=64, unique=True)
    id_number_masked = models.CharField("身份证号", max_length=20)
    birth_date = models.DateField("出生日期")
    male = models.BooleanField("男性", default=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    trade = models.CharField("工种", max_length=30, choices=choices(workflow.TRADES))
    photo = models.ImageField("照片", upload_to="smartsite/workers/%Y/%m/", blank=True)
    bank_card_cipher = models.CharField("银行卡号（密文）", max_length=200, blank=True)
    bank_card_masked = models.CharField("银行卡号", max_length=40, blank=True)
    bank_name = models.CharField("开户银行", max_length=60, blank=True)
    employer = models.ForeignKey(
        Organisation, verbose_name="用工单位", related_name="workers", on_delete=models.PROTECT
    )
    registered_by = models.CharField("登记人", max_length=150)

    class Meta:
        verbose_name = "建筑工人"
        ordering = ["employer", "name", "pk"]
        indexes = [models.Index(fields=["employer", "name"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_trade_display()}）"


class WorkerCertificate(BaseModel):
    worker = models.ForeignKey(Worker, related_name="certificates", on_delete=models.CASCADE)
    kind = models.CharField("证书类别", max_length=20, choices=choices(workflow.CERTIFICATE_KINDS))
    name = models.CharField("证书名称", max_length=100)
    number = models.CharField("证书编号", max_length=60)
    valid_to = models.DateField("有效期至", null=True, blank=True)

    class Meta:
        verbose_name = "工人证书"


class WorkerTraining(BaseModel):
    worker = models.ForeignKey(Worker, related_name="trainings", on_delete=models.CASCADE)
    kind = models.CharField("培训类别", max_length=20, choices=choices(workflow.TRAINING_KINDS))
    title = models.CharField("内容", max_length=200)
    held_on = models.DateField("日期")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    passed = models.BooleanField("考核合格", default=True)
    project = models.ForeignKey(
        Project, related_name="+", null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "培训教育记录"
        ordering = ["-held_on", "-pk"]


class LabourContract(BaseModel):
    number = models.CharField("合同编号", max_length=40, unique=True)
    worker = models.ForeignKey(Worker, related_name="contracts", on_delete=models.PROTECT)
    project = models.ForeignKey(Project, related_name="labour_contracts", on_delete=models.PROTECT)
    employer = models.ForeignKey(
        Organisation, verbose_name="用工单位", related_name="+", on_delete=models.PROTECT
    )
    start = models.DateField("起始日期")
    end = models.DateField("终止日期", null=True, blank=True)
    signed_on = models.DateField("签订日期", null=True, blank=True)

    class Meta:
        verbose_name = "劳动合同"
        ordering = ["-start", "-pk"]
        indexes = [models.Index(fields=["project", "worker"])]

    @property
    def signed(self) -> bool:
        return self.signed_on is not None

    def covers(self, on) -> bool:
        return workflow.contract_covers(self.start, self.end, self.signed, on)


class Placement(BaseModel):
    """进场: the worker is on this site's roster from `placed_on` until `left_on`."""

    worker = models.ForeignKey(Worker, related_name="placements", on_delete=models.PROTECT)
    project = models.ForeignKey(Project, related_name="placements", on_delete=models.PROTECT)
    contract = models.ForeignKey(LabourContract, related_name="+", on_delete=models.PROTECT)
    placed_on = models.DateField("进场日期")
    left_on = models.DateField("退场日期", null=True, blank=True)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=choices(workflow.PLACEMENT_STATUSES),
        default=workflow.ACTIVE,
    )

    class Meta:
        verbose_name = "进场登记"
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "project"],
                condition=models.Q(status="active"),
                name="smartsite_one_active_placement",
            )
        ]
        indexes = [models.Index(fields=["project", "status"])]


class GateDevice(BaseModel):
    """A face or card gate of a site; it signs its requests with a key kept only as a hash."""

    project = models.ForeignKey(Project, related_name="gate_devices", on_delete=models.PROTECT)
    name = models.CharField("名称", max_length=60)
    serial = models.CharField("设备序列号", max_length=60, unique=True)
    key_prefix = models.CharField("密钥前缀", max_length=12)
    key_hash = models.CharField("密钥摘要", max_length=64, unique=True)
    is_active = models.BooleanField("启用", default=True)
    last_seen_at = models.DateTimeField("最近上报", null=True, blank=True)

    class Meta:
        verbose_name = "考勤闸机"

    def __str__(self) -> str:
        return f"{self.name}（{self.serial}）"


class AttendanceEvent(models.Model):
    """One accepted entry or exit, as the gate or the labour officer reported it."""

    worker = models.ForeignKey(Worker, related_name="events", on_delete=models.PROTECT)
    project = models.ForeignKey(Project, related_name="+", on_delete=models.PROTECT)
    device = models.ForeignKey(
        GateDevice, related_name="events", null=True, blank=True, on_delete=models.PROTECT
    )
    direction = models.CharField("方向", max_length=4, choices=choices(workflow.DIRECTIONS))
    at = models.DateTimeField("时间")
    source = models.CharField("来源", max_length=8, choices=choices(workflow.SOURCES))
    recorded_by = models.CharField("记录人", max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "考勤记录"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["project", "at"]), models.Index(fields=["worker", "at"])]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.at:%Y-%m-%d %H:%M}"


class AttendanceDay(models.Model):
    """One worker on one site on one local day: what a monthly payroll reads (days worked,
    minutes between first entry and last exit)."""

    worker = models.ForeignKey(Worker, related_name="days", on_delete=models.PROTECT)
    project = models.ForeignKey(Project, related_name="+", on_delete=models.PROTECT)
    day = models.DateField("日期")
    employer = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    trade = models.CharField("工种", max_length=30, choices=choices(workflow.TRADES))
    first_in = models.DateTimeField("首次进场", null=True, blank=True)
    last_out = models.DateTimeField("最后出场", null=True, blank=True)
    minutes = models.PositiveIntegerField("在场分钟", default=0)
    events = models.PositiveIntegerField("记录数", default=0)

    class Meta:
        verbose_name = "每日考勤"
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "project", "day"], name="smartsite_attendance_day"
            )
        ]
        indexes = [models.Index(fields=["project", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.minutes}分钟"


class EntryAlert(BaseModel):
    """A refused entry at a gate (未实名、无合同人员试图进场): for the labour officer and the
    regulator to follow up."""

    project = models.ForeignKey(Project, related_name="entry_alerts", on_delete=models.PROTECT)
    device = models.ForeignKey(
        GateDevice, related_name="+", null=True, blank=True, on_delete=models.PROTECT
    )
    worker = models.ForeignKey(
        Worker, related_name="+", null=True, blank=True, on_delete=models.PROTECT
    )
    reason = models.CharField("原因", max_length=30, choices=choices(workflow.ALERT_REASONS))
    person_masked = models.CharField("身份证号", max_length=20, blank=True)
    person_index = models.CharField(max_length=64, blank=True)
    person_name = models.CharField("姓名", max_length=50, blank=True)
    at = models.DateTimeField("时间")
    status = models.CharField(
        "状态",
        max_length=10,
        choices=choices(workflow.ALERT_STATUSES),
        default=workflow.ALERT_OPEN,
    )
    closed_by = models.CharField(max_length=150, blank=True)
    closed_note = models.CharField("处理说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "进场告警"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["project", "status"])]


class WorkerBlacklistEntry(BaseModel):
    """A person on the regulator's blacklist (失信名单). Keyed by the identity's blind index, not
    by the Worker row: a person listed before registering, or registering again, is still
    matched."""

    id_number_index = models.CharField("身份证号索引", max_length=64, db_index=True)
    id_number_masked = models.CharField("身份证号", max_length=20)
    person_name = models.CharField("姓名", max_length=50)
    worker = models.ForeignKey(
        Worker,
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    basis = models.CharField("列入依据", max_length=30, choices=choices(workflow.BLACKLIST_BASES))
    article = models.CharField("依据条款", max_length=100)
    reason = models.CharField("列入原因", max_length=500)
    authority = models.ForeignKey(
        Organisation, verbose_name="列入机关", related_name="+", on_delete=models.PROTECT
    )
    listed_by = models.CharField("列入人", max_length=150)
    valid_from = models.DateField("列入日期")
    valid_until = models.DateField("截止日期", null=True, blank=True)
    lifted_on = models.DateField("移出日期", null=True, blank=True)
    lifted_by = models.CharField("移出人", max_length=150, blank=True)
    lift_reason = models.CharField("移出原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "工人黑名单"
        ordering = ["-valid_from", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_name}（{self.id_number_masked}）"

    def in_force(self, on) -> bool:
        return workflow.blacklist_in_force(self.valid_from, self.valid_until, self.lifted_on, on)

    @property
    def status_label(self) -> str:
        from jianguan.core.timeutil import today_local

        return workflow.blacklist_status(
            self.valid_from, self.valid_until, self.lifted_on, today_local()
        )
