"""Base model: integer ids and UTC timestamps shared by every domain model."""

from django.db import models


class BaseModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


def choices(mapping: dict) -> list[tuple[str, str]]:
    """Field choices from a {code: Chinese label} mapping kept beside the pure rules."""
    return [(str(k), v) for k, v in mapping.items()]


class RateCounter(models.Model):
    """One fixed one-minute window of one rate limit (``core.ratelimit``). Counted in the
    database, not a per-process cache, so that every web process and machine shares the limit."""

    bucket = models.CharField("限流对象", max_length=150)
    minute = models.BigIntegerField("分钟序号")  # minutes since the Unix epoch
    count = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = "访问频率计数"
        constraints = [
            models.UniqueConstraint(fields=["bucket", "minute"], name="ratecounter_bucket_minute")
        ]

    def __str__(self) -> str:
        return f"{self.bucket} @ {self.minute}: {self.count}"
