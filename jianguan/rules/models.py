"""Versioned rule data (the law as configuration) and the working-day override table."""

from __future__ import annotations

from django.db import models

from jianguan.core.models import BaseModel


class Region(models.TextChoices):
    NATIONAL = "national", "国家"
    BEIJING = "beijing", "北京市"
    DAXING = "daxing", "大兴区"


# Precedence: district policy overrides Beijing, Beijing overrides national.
REGION_CHAIN = {
    Region.DAXING: (Region.DAXING, Region.BEIJING, Region.NATIONAL),
    Region.BEIJING: (Region.BEIJING, Region.NATIONAL),
    Region.NATIONAL: (Region.NATIONAL,),
}


class Rule(BaseModel):
    code = models.CharField("规则编码", max_length=100, db_index=True)
    name = models.CharField("名称", max_length=200)
    value = models.JSONField("取值")
    unit = models.CharField("单位", max_length=20)
    reference = models.CharField("依据", max_length=300)
    region = models.CharField("适用地区", max_length=20, choices=Region.choices)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    verified = models.BooleanField("已核对原文", default=True)
    note = models.CharField("备注", max_length=300, blank=True)
    source = models.CharField("来源", max_length=20, default="data")  # data file or admin

    class Meta:
        ordering = ["code", "region", "-effective_from"]
        verbose_name = "规则"
        verbose_name_plural = "规则"
        constraints = [
            models.UniqueConstraint(
                fields=["code", "region", "effective_from"], name="uniq_rule_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_region_display()})"


class CalendarOverride(BaseModel):
    """A day whose working status the official calendar package does not know or gets wrong."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "工作日历调整"
        verbose_name_plural = "工作日历调整"

    def __str__(self) -> str:
        return f"{self.date} {'工作日' if self.is_workday else '休息日'}"
