"""The inbox, the deliveries and the preferences. Written only by notifications.services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from jianguan.core.models import BaseModel

EMAIL_IMMEDIATE, EMAIL_DIGEST, EMAIL_OFF = "immediate", "digest", "off"
EMAIL_MODES = {EMAIL_IMMEDIATE: "即时发送", EMAIL_DIGEST: "每日摘要", EMAIL_OFF: "不发送"}
SMS_OFF, SMS_URGENT = "off", "urgent"
SMS_MODES = {SMS_OFF: "不发送", SMS_URGENT: "仅紧急事项（已逾期等）"}

CHANNEL_EMAIL, CHANNEL_SMS = "email", "sms"
CHANNELS = {CHANNEL_EMAIL: "电子邮件", CHANNEL_SMS: "短信"}

PENDING, SENDING, SENT, RETRYING, FAILED = "pending", "sending", "sent", "retrying", "failed"
DELIVERY_STATUSES = {
    PENDING: "待发送",
    SENDING: "发送中",
    SENT: "已发送",
    RETRYING: "等待重试",
    FAILED: "发送失败",
}


class Notification(BaseModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("类型", max_length=80)
    title = models.CharField("标题", max_length=300)
    url = models.CharField("链接", max_length=500, blank=True)
    body = models.TextField("内容", blank=True)
    # De-duplication: a to-do item is notified once per stage ("kind|url|stage"); immediate
    # events leave it empty (each event is its own notification).
    key = models.CharField("去重键", max_length=700, blank=True)
    stage = models.CharField("阶段", max_length=20, blank=True)
    due = models.DateTimeField("期限", null=True, blank=True)
    urgent = models.BooleanField("紧急", default=False)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    digested_on = models.DateField("已列入摘要", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "通知"
        indexes = [
            # The top-bar bell counts on exactly this: one indexed count per page.
            models.Index(fields=["user", "read_at"], name="wb_notif_user_read"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="wb_notif_user_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(BaseModel):
    """One message to one user through one channel, with every attempt recorded."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_deliveries"
    )
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    channel = models.CharField("渠道", max_length=10, choices=list(CHANNELS.items()))
    subject = models.CharField("主题", max_length=300)
    body = models.TextField("内容")
    # The digest of one day: at most one per user and channel (unique below).
    digest_day = models.DateField("摘要日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=list(DELIVERY_STATUSES.items()), default=PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "通知发送记录"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="wb_delivery_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel", "digest_day"],
                condition=Q(digest_day__isnull=False),
                name="wb_delivery_one_digest_a_day",
            ),
        ]


class NotificationPreference(BaseModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(
        "电子邮件", max_length=10, choices=list(EMAIL_MODES.items()), default=EMAIL_DIGEST
    )
    sms = models.CharField("短信", max_length=10, choices=list(SMS_MODES.items()), default=SMS_OFF)
    # Kinds the user wants in the inbox only (no e-mail, no SMS, not in the digest).
    muted_kinds = models.JSONField("仅站内提醒的类型", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知偏好"
