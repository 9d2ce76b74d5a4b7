"""Ninja schemas of the monitors' HTTP ingest."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field

from jianguan.core.api_schemas import text

MAX_READINGS = 500


class ReadingIn(Schema):
    time: text(40, 8) = Field(  # type: ignore[valid-type]
        description="数据时间：ISO 8601（无时区按北京时间）或 YYYYMMDDhhmmss"
    )
    period: Literal["rtd", "min", "hour", "day"] = Field("rtd", description="实时/分钟/小时/日")
    pm25: float | None = Field(None, description="PM2.5，µg/m³（按设备登记的单位换算）")
    pm10: float | None = Field(None, description="PM10，µg/m³")
    tsp: float | None = Field(None, description="TSP，µg/m³")
    noise_la: float | None = Field(None, description="A 声级，dB(A)")
    noise_leq: float | None = Field(None, description="等效声级，dB(A)")
    wind_speed: float | None = Field(None, description="风速，m/s")
    wind_direction: float | None = Field(None, description="风向，度")
    temperature: float | None = Field(None, description="气温，℃")
    humidity: float | None = Field(None, description="相对湿度，%")


class ReadingsIn(Schema):
    readings: list[ReadingIn] = Field(min_length=1, max_length=MAX_READINGS)


class RejectedValue(Schema):
    index: int
    fields: dict[str, str] = Field(description="字段 → 未采用原因（below_range、above_range…）")


class ReadingsAccepted(Schema):
    accepted: int = Field(description="新存入的条数")
    duplicates: int = Field(description="此前已存入、本次忽略的条数")
    rejected: list[RejectedValue] = Field(
        description="因数值不可能而未采用的字段（其余字段已存入）"
    )
