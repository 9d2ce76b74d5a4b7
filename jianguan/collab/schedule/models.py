"""A project's schedule (进度计划): its calendars, activities and links, as imported from MS Project
XML or kept here, with the dates the critical path method computed and the baseline to measure
slippage against. Times are the schedule's local wall-clock (Asia/Shanghai), stored as UTC."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jianguan.core.models import BaseModel
from jianguan.projects.models import KeyNode, Project, ProjectStage

LINK_TYPES = [("FS", "完成-开始"), ("SS", "开始-开始"), ("FF", "完成-完成"), ("SF", "开始-完成")]
CONSTRAINTS = [
    ("ASAP", "越早越好"),
    ("ALAP", "越晚越好"),
    ("SNET", "不得早于…开始"),
    ("SNLT", "不得晚于…开始"),
    ("FNET", "不得早于…完成"),
    ("FNLT", "不得晚于…完成"),
    ("MSO", "必须开始于"),
    ("MFO", "必须完成于"),
]
SOURCES = [("plan", "进度计划"), ("key_node", "关键节点"), ("stage", "项目阶段")]


class Schedule(BaseModel):
    project = models.OneToOneField(Project, related_name="schedule", on_delete=models.CASCADE)
    name = models.CharField("计划名称", max_length=200)
    start = models.DateTimeField("项目开始")
    calendar_uid = models.CharField("项目日历", max_length=20)
    minutes_per_day = models.PositiveIntegerField("每日工作分钟", default=480)
    source_name = models.CharField("导入文件", max_length=200, blank=True)
    source_sm3 = models.CharField("导入文件 SM3", max_length=64, blank=True)
    not_imported = models.JSONField("未导入内容", default=list, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    finish = models.DateTimeField("计算完成日期", null=True, blank=True)
    baseline_set_at = models.DateTimeField("基线设置时间", null=True, blank=True)
    baseline_finish = models.DateTimeField("基线完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "进度计划"

    def __str__(self) -> str:
        return self.name


class ScheduleCalendar(BaseModel):
    schedule = models.ForeignKey(Schedule, related_name="calendars", on_delete=models.CASCADE)
    uid = models.CharField("日历编号", max_length=20)
    name = models.CharField("日历名称", max_length=200)
    week = models.JSONField("工作周")  # Monday..Sunday: [[from, to] minutes of the day, ...]
    exceptions = models.JSONField("例外日期", default=dict)  # "YYYY-MM-DD": [[from, to], ...]

    class Meta:
        verbose_name = "工作日历"
        constraints = [
            models.UniqueConstraint(fields=["schedule", "uid"], name="uniq_schedule_calendar")
        ]


class Activity(BaseModel):
    schedule = models.ForeignKey(Schedule, related_name="activities", on_delete=models.CASCADE)
    uid = models.CharField("作业编号", max_length=40)
    seq = models.PositiveIntegerField("顺序")
    name = models.CharField("作业名称", max_length=255)
    outline_level = models.PositiveSmallIntegerField("大纲级别", default=1)
    summary = models.BooleanField("摘要任务", default=False)
    milestone = models.BooleanField("里程碑", default=False)
    duration_minutes = models.PositiveIntegerField("工期（工作分钟）", default=0)
    elapsed = models.BooleanField("日历工期", default=False)
    calendar_uid = models.CharField("日历", max_length=20, blank=True)
    constraint = models.CharField("限制类型", max_length=4, choices=CONSTRAINTS, default="ASAP")
    constraint_date = models.DateTimeField("限制日期", null=True, blank=True)
    percent_complete = models.PositiveSmallIntegerField("完成百分比", default=0)
    actual_start = models.DateTimeField("实际开始", null=True, blank=True)
    actual_finish = models.DateTimeField("实际完成", null=True, blank=True)
    manual = models.BooleanField("手动计划", default=False)
    planned_start = models.DateTimeField("文件中的开始", null=True, blank=True)
    planned_finish = models.DateTimeField("文件中的完成", null=True, blank=True)
    baseline_start = models.DateTimeField("基线开始", null=True, blank=True)
    baseline_finish = models.DateTimeField("基线完成", null=True, blank=True)
    baseline_duration = models.PositiveIntegerField("基线工期（分钟）", null=True, blank=True)
    early_start = models.DateTimeField("最早开始", null=True, blank=True)
    early_finish = models.DateTimeField("最早完成", null=True, blank=True)
    late_start = models.DateTimeField("最迟开始", null=True, blank=True)
    late_finish = models.DateTimeField("最迟完成", null=True, blank=True)
    total_float = models.IntegerField("总时差（分钟）", null=True, blank=True)
    free_float = models.IntegerField("自由时差（分钟）", null=True, blank=True)
    critical = models.BooleanField("关键作业", default=False)
    source = models.CharField("来源", max_length=10, choices=SOURCES, default="plan")
    key_node = models.ForeignKey(
        KeyNode, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage = models.ForeignKey(
        ProjectStage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "作业"
        ordering = ["schedule", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "uid"], name="uniq_schedule_activity")
        ]

    def __str__(self) -> str:
        return self.name


class ActivityLink(BaseModel):
    schedule = models.ForeignKey(Schedule, related_name="links", on_delete=models.CASCADE)
    pred = models.ForeignKey(Activity, related_name="succ_links", on_delete=models.CASCADE)
    succ = models.ForeignKey(Activity, related_name="pred_links", on_delete=models.CASCADE)
    type = models.CharField("搭接类型", max_length=2, choices=LINK_TYPES, default="FS")
    lag_minutes = models.IntegerField("延隔（分钟）", default=0)
    elapsed = models.BooleanField("日历延隔", default=False)
    lag_format = models.PositiveSmallIntegerField("延隔显示格式", default=7)

    class Meta:
        verbose_name = "逻辑关系"
        ordering = ["schedule", "pk"]
