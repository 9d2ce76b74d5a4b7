"""Page forms of daily logs: the weather and texts as fields; manpower is one number per trade
(``mp_<trade>``) beside the attendance figure it was prefilled with (``att_<trade>``), so a
row left as prefilled keeps its "来自考勤" mark; equipment is one line per machine."""

from __future__ import annotations

import re

from django import forms

from jianguan.collab.dailylogs import workflow
from jianguan.core.errors import ValidationFailed

WEATHER_CHOICES = [("", "—")] + list(workflow.WEATHER.items())


class LogForm(forms.Form):
    weather_am = forms.ChoiceField(label="上午天气", choices=WEATHER_CHOICES, required=False)
    weather_pm = forms.ChoiceField(label="下午天气", choices=WEATHER_CHOICES, required=False)
    temp_min = forms.IntegerField(
        label="最低气温（℃）", min_value=-40, max_value=50, required=False
    )
    temp_max = forms.IntegerField(
        label="最高气温（℃）", min_value=-40, max_value=50, required=False
    )
    wind = forms.CharField(label="风力风向", max_length=40, required=False)
    equipment_text = forms.CharField(
        label="机械设备（每行一种：名称 台数）",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
    )
    work_done = forms.CharField(
        label="工作内容", widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=5000
    )
    issues = forms.CharField(
        label="存在问题及处理",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


_LINE = re.compile(r"^(.+?)\s*[×xX*]?\s*(\d+)\s*(台|辆|套|部)?$")


def parse_equipment(text: str) -> list[dict]:
    out = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        m = _LINE.match(line)
        if not m:
            raise ValidationFailed(
                f"机械设备行“{line[:30]}”须写成“名称 台数”", code="bad_equipment"
            )
        out.append({"name": m.group(1).strip(), "count": int(m.group(2))})
    return out


def equipment_text(rows: list[dict]) -> str:
    return "\n".join(f"{r['name']} {r['count']}" for r in rows)


def parse_manpower(post, trades: dict[str, str]) -> list[dict]:
    out = []
    for code in trades:
        raw = (post.get(f"mp_{code}") or "").strip()
        if not raw:
            continue
        if not raw.isascii() or not raw.isdigit():
            raise ValidationFailed(f"{trades[code]}人数须为整数", code="bad_count")
        count = int(raw)
        if count == 0:
            continue
        att = (post.get(f"att_{code}") or "").strip()
        out.append({"trade": code, "count": count, "from_attendance": att == raw})
    return out
