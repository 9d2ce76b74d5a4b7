"""A project meeting: agenda, who attended, minutes and decisions; the action items it gives
become tasks when the minutes are issued (issued minutes never change; their SM3 is in the
ledger)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jianguan.collab.tasks import workflow
from jianguan.core.models import BaseModel, choices


class Meeting(BaseModel):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        related_name="collab_meetings",
        on_delete=models.PROTECT,
    )
    title = models.CharField("会议名称", max_length=200)
    starts_at = models.DateTimeField("会议时间")
    place = models.CharField("地点", max_length=200, blank=True)
    agenda = models.JSONField("议程", default=list)  # ["item", ...]
    minutes = models.TextField("会议纪要", max_length=20000, blank=True)
    decisions = models.JSONField("会议决定", default=list)  # ["decision", ...]
    status = models.CharField(
        "状态", max_length=8, choices=choices(workflow.MEETING_STATUS), default=workflow.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="组织人", related_name="+", on_delete=models.PROTECT
    )
    organiser_org = models.ForeignKey(
        "accounts.Organisation", verbose_name="组织单位", related_name="+", on_delete=models.PROTECT
    )
    issued_at = models.DateTimeField("签发时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签发人",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    minutes_sm3 = models.CharField("纪要摘要", max_length=64, blank=True)

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = verbose_name
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class MeetingAttendee(BaseModel):
    meeting = models.ForeignKey(Meeting, related_name="attendees", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        "accounts.Organisation", related_name="+", on_delete=models.PROTECT
    )
    attendance = models.CharField(
        "出席情况", max_length=8, choices=choices(workflow.ATTENDANCE), default="unknown"
    )

    class Meta:
        verbose_name = "参会人员"
        verbose_name_plural = verbose_name
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meeting_attendee_once")
        ]


class ActionItem(BaseModel):
    meeting = models.ForeignKey(Meeting, related_name="action_items", on_delete=models.CASCADE)
    title = models.CharField("待办事项", max_length=200)
    assignee_org = models.ForeignKey(
        "accounts.Organisation", verbose_name="承办单位", related_name="+", on_delete=models.PROTECT
    )
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承办人",
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    due_on = models.DateField("截止日期", null=True, blank=True)
    task = models.OneToOneField(
        "collab_tasks.Task",
        verbose_name="任务",
        related_name="action_item",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "会议待办事项"
        verbose_name_plural = verbose_name
        ordering = ["pk"]
