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
