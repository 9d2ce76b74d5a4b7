"""The activity table of the Gantt page, written in Python: a schedule of thousands of
activities made the template loop (eight localised dates and a progress form a row) the page's
slowest part, ten times the SVG chart. Same markup the template had, every text escaped."""

from __future__ import annotations

import datetime as dt
from html import escape

from django.urls import reverse

from jianguan.collab.schedule.convert import LOCAL


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M") if value else "—"


def _input(value: dt.datetime | None) -> str:
    return value.astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M") if value else ""


def _slip(days: int | None) -> str:
    if days is None:
        return "—"
    if days > 0:
        return f'<span class="text-danger">滞后 {days} 天</span>'
    return "提前" if days < 0 else "按基线"


def _name(a: dict) -> str:
    name = escape(a["name"])
    if a["summary"]:
        name = f"<strong>{name}</strong>"
    elif a["critical"]:
        name = f'<span class="cs-crit">{name}</span>'
    out = f'<span style="padding-left:{a["outline_level"]}em">{name}</span>'
    if a["milestone"]:
        out += " ◆"
    if a["source"] != "plan":
        out += f' <span class="badge">{escape(a["source_label"])}</span>'
    if a["constraint"] != "ASAP":
        out += (
            f'<div class="text-secondary small">{escape(a["constraint_label"])} '
            f"{_when(a['constraint_date'])}</div>"
        )
    return out


def _form(a: dict, csrf: str, progress_url: str) -> str:
    if a["summary"] or a["source"] != "plan":
        return "<td></td>"
    url = progress_url.format(a["id"])
    return (
        f'<td><form method="post" action="{url}" class="d-flex flex-wrap gap-1">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf)}">'
        '<input class="form-control form-control-sm" style="width:5rem" type="number" min="0" '
        f'max="100" name="percent_complete" value="{a["percent_complete"]}" aria-label="完成百分比">'
        '<input class="form-control form-control-sm" style="width:11rem" type="datetime-local" '
        f'name="actual_start" value="{_input(a["actual_start"])}" aria-label="实际开始">'
        '<input class="form-control form-control-sm" style="width:11rem" type="datetime-local" '
        f'name="actual_finish" value="{_input(a["actual_finish"])}" aria-label="实际完成">'
        '<button class="btn btn-sm btn-outline-primary" type="submit">保存</button></form></td>'
    )


def table_rows(rows: list[dict], *, can_keep: bool, csrf: str = "") -> str:
    progress_url = reverse("collab_schedule:progress", args=[987654321]).replace("987654321", "{}")
    out = []
    for a in rows:
        float_days = "—" if a["total_float_days"] is None else f"{a['total_float_days']:g} 天"
        duration = "—" if a["summary"] else f"{a['duration_days']:g} 个工作日"
        cells = [
            f"<td>{_name(a)}</td>",
            f'<td data-label="工期">{duration}</td>',
            f'<td data-label="最早开始">{_when(a["early_start"])}</td>',
            f'<td data-label="最早完成">{_when(a["early_finish"])}</td>',
            f'<td data-label="最迟完成">{_when(a["late_finish"])}</td>',
            f'<td data-label="总时差">{float_days}</td>',
            f'<td data-label="比基线">{_slip(a["slip_days"])}</td>',
            f'<td data-label="完成">{a["percent_complete"]}%</td>',
        ]
        if can_keep:
            cells.append(_form(a, csrf, progress_url))
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(out)
