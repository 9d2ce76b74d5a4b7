"""Tasks of a project (任务): who does what by when, its checklist, comments, files, links to the
objects it is about and its history; and meetings (会议), whose action items become tasks.
Meetings live in the ``meetings`` package and are imported here so that their migrations stay
in this app."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jianguan.collab.tasks import workflow
from jianguan.core.models import BaseModel, choices


class Task(BaseModel):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        related_name="collab_tasks",
        on_delete=models.PROTECT,
    )
    title = models.CharField("任务", max_length=200)
    description = models.TextField("说明", max_length=4000, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=choices(workflow.STATUS), default=workflow.TODO
    )
    priority = models.CharField(
        "优先级", max_length=8, choices=choices(workflow.PRIORITY), default=workflow.NORMAL
    )
    due_on = models.DateField("截止日期", null=True, blank=True)
    # Always the organisation that answers for the task; the person when one is named (then
    # the task is that person's, not every member's).
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", related_name="+", on_delete=models.PROTECT
    )
    creator_org = models.ForeignKey(
        "accounts.Organisation", verbose_name="创建单位", related_name="+", on_delete=models.PROTECT
    )
    meeting = models.ForeignKey(
        "collab_tasks.Meeting",
        verbose_name="来源会议",
        related_name="tasks",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    overdue_notified_on = models.DateField("逾期提醒日期", null=True, blank=True)

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = verbose_name
        indexes = [
            models.Index(fields=["project", "status"], name="task_project_status"),
            models.Index(fields=["assignee_user", "status"], name="task_assignee_user"),
            models.Index(fields=["assignee_org", "status"], name="task_assignee_org"),
            models.Index(fields=["status", "due_on"], name="task_status_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def assignee_label(self) -> str:
        if self.assignee_user_id:
            return f"{self.assignee_user}（{self.assignee_org.name}）"
        return self.assignee_org.name


class ChecklistItem(BaseModel):
    task = models.ForeignKey(Task, related_name="checklist", on_delete=models.CASCADE)
    text = models.CharField("检查项", max_length=200)
    position = models.PositiveIntegerField("顺序", default=0)
    done = models.BooleanField("已完成", default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = "任务检查项"
        verbose_name_plural = verbose_name
        ordering = ["position", "pk"]


class TaskComment(BaseModel):
    task = models.ForeignKey(Task, related_name="comments", on_delete=models.CASCADE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    author_org = models.ForeignKey(
        "accounts.Organisation", related_name="+", on_delete=models.PROTECT
    )
    body = models.TextField("意见", max_length=2000)
    mentions = models.JSONField("提及的人", default=list)  # user ids, project parties only

    class Meta:
        verbose_name = "任务意见"
        verbose_name_plural = verbose_name
        ordering = ["created_at", "pk"]


class TaskAttachment(BaseModel):
    task = models.ForeignKey(Task, related_name="attachments", on_delete=models.CASCADE)
    file = models.FileField(upload_to="collab/tasks/%Y/")
    name = models.CharField("文件名", max_length=120)
    is_photo = models.BooleanField("照片", default=False)
    size = models.PositiveBigIntegerField("大小")
    sm3 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "任务附件"
        verbose_name_plural = verbose_name
        ordering = ["created_at", "pk"]


class TaskLink(BaseModel):
    """The task is about another object of the same project (a finding, a variation...)."""

    task = models.ForeignKey(Task, related_name="links", on_delete=models.CASCADE)
    kind = models.CharField("关联类型", max_length=40)
    object_id = models.PositiveBigIntegerField("关联对象")
    label = models.CharField("关联对象名称", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "任务关联"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "object_id"], name="task_link_once")
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="task_link_target")]


class TaskEvent(models.Model):
    """The task's history as its page shows it (the ledger holds the regulated part)."""

    task = models.ForeignKey(Task, related_name="events", on_delete=models.CASCADE)
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT, null=True, blank=True
    )
    text = models.CharField("事项", max_length=300)

    class Meta:
        verbose_name = "任务记录"
        verbose_name_plural = verbose_name
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text


from jianguan.collab.tasks.meetings.models import (  # noqa: E402,F401  (migrations in this app)
    ActionItem,
    Meeting,
    MeetingAttendee,
)
