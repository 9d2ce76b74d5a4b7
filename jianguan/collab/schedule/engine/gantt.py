"""The Gantt chart as one server-rendered SVG (no JavaScript): a bar per activity, the baseline
bar under it, progress as the darker part of the bar, milestones as diamonds, the critical path in
red, dependency arrows, month grid and a today line. Pure: rows in, SVG text out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

ROW = 24
HEAD = 36
LABEL = 240
MAX_CHART = 2400
RED, BLUE, GREY, DARK_RED, DARK_BLUE = "#d63939", "#206bc4", "#adb5bd", "#8c1c1c", "#123f73"


@dataclass
class GanttRow:
    key: str
    name: str
    start: dt.datetime
    finish: dt.datetime
    baseline_start: dt.datetime | None = None
    baseline_finish: dt.datetime | None = None
    percent_complete: int = 0
    critical: bool = False
    milestone: bool = False
    total_float_minutes: int = 0
    level: int = 1
    summary: bool = False


def _span(rows: list[GanttRow]) -> tuple[dt.datetime, dt.datetime]:
    lo = min(min(r.start, r.baseline_start or r.start) for r in rows)
    hi = max(max(r.finish, r.baseline_finish or r.finish) for r in rows)
    lo = dt.datetime.combine(lo.date(), dt.time()) - dt.timedelta(days=1)
    hi = dt.datetime.combine(hi.date(), dt.time()) + dt.timedelta(days=2)
    return lo, hi


def render_svg(
    rows: list[GanttRow],
    arrows: list[tuple[str, str, str]] = (),
    *,
    today: dt.datetime | None = None,
) -> str:
    if not rows:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>'
    lo, hi = _span(rows)
    days = max((hi - lo).days, 1)
    day_px = max(1.0, min(24.0, MAX_CHART / days))
    width = LABEL + days * day_px + 10
    height = HEAD + len(rows) * ROW + 10
    lo_s = lo.timestamp()
    scale = day_px / 86400

    def x(when: dt.datetime) -> float:
        return LABEL + (when.timestamp() - lo_s) * scale

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gantt" width="{width:.0f}" height="{height}" '
        f'viewBox="0 0 {width:.0f} {height}" font-size="12" role="img" aria-label="横道图 (Gantt)">',
        '<defs><marker id="ah" markerWidth="6" markerHeight="6" refX="5" refY="3" orient="auto">'
        '<path d="M0,0 L6,3 L0,6 z" fill="#6c757d"/></marker></defs>',
    ]
    out.extend(_grid(lo, hi, x, height))
    pos: dict[str, tuple[float, float, float]] = {}
    for i, r in enumerate(rows):
        y = HEAD + i * ROW
        x1, x2 = x(r.start), x(r.finish)
        pos[r.key] = (x1, x2, y + ROW / 2)
        out.append(_row(r, y, x1, x2, x))
    for pred, succ, kind in arrows:
        a, b = pos.get(pred), pos.get(succ)
        if a is None or b is None:
            continue
        sx = a[1] if kind in ("FS", "FF") else a[0]
        ex = b[0] if kind in ("FS", "SS") else b[1]
        out.append(
            f'<path d="M{sx:.1f},{a[2]:.0f} H{sx + 4:.1f} V{b[2]:.0f} H{ex:.1f}" fill="none" '
            'stroke="#6c757d" stroke-width="0.7" marker-end="url(#ah)"/>'
        )
    if today is not None and lo <= today <= hi:
        tx = x(today)
        out.append(
            f'<line x1="{tx:.1f}" y1="{HEAD - 6}" x2="{tx:.1f}" y2="{height}" stroke="#f59f00" stroke-width="1.5"/>'
        )
        out.append(f'<text x="{tx + 3:.1f}" y="{HEAD - 8}" fill="#f59f00">今天</text>')
    out.append("</svg>")
    return "".join(out)


def _grid(lo: dt.datetime, hi: dt.datetime, x, height: int) -> list[str]:
    out = [f'<line x1="{LABEL}" y1="{HEAD}" x2="{LABEL}" y2="{height}" stroke="#dee2e6"/>']
    month = dt.datetime(lo.year, lo.month, 1)
    while month <= hi:
        mx = max(x(month), LABEL)
        out.append(
            f'<line x1="{mx:.1f}" y1="{HEAD - 20}" x2="{mx:.1f}" y2="{height}" stroke="#e9ecef"/>'
        )
        out.append(
            f'<text x="{mx + 3:.1f}" y="{HEAD - 22 + 12}" fill="#495057">{month.year}年{month.month}月</text>'
        )
        month = dt.datetime(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


def _row(r: GanttRow, y: int, x1: float, x2: float, x) -> str:
    indent = 4 + 12 * max(r.level - 1, 0)
    name = r.name if len(r.name) <= 16 else r.name[:15] + "…"
    colour, dark = (RED, DARK_RED) if r.critical else (BLUE, DARK_BLUE)
    float_days = r.total_float_minutes / 480
    tip = escape(
        f"{r.name}：{r.start:%Y-%m-%d %H:%M} — {r.finish:%Y-%m-%d %H:%M}，完成 {r.percent_complete}%，"
        f"总时差 {float_days:g} 天{'，关键作业' if r.critical else ''}"
    )
    parts = [f'<g class="row{" critical" if r.critical else ""}"><title>{tip}</title>']
    weight = ' font-weight="bold"' if r.summary else ""
    parts.append(f'<text x="{indent}" y="{y + 16}"{weight}>{escape(name)}</text>')
    if r.baseline_start and r.baseline_finish:
        bx1, bx2 = x(r.baseline_start), x(r.baseline_finish)
        parts.append(
            f'<rect x="{bx1:.1f}" y="{y + 17}" width="{max(bx2 - bx1, 1):.1f}" height="4" fill="{GREY}"/>'
        )
    if r.milestone:
        cy = y + 10
        parts.append(f'<path d="M{x1:.1f},{cy - 6} l6,6 l-6,6 l-6,-6 z" fill="{colour}"/>')
    else:
        w = max(x2 - x1, 1)
        fill = "#495057" if r.summary else colour
        parts.append(
            f'<rect x="{x1:.1f}" y="{y + 4}" width="{w:.1f}" height="12" rx="2" fill="{fill}"/>'
        )
        if r.percent_complete:
            pw = w * min(r.percent_complete, 100) / 100
            parts.append(
                f'<rect x="{x1:.1f}" y="{y + 8}" width="{pw:.1f}" height="4" fill="{dark}"/>'
            )
    parts.append("</g>")
    return "".join(parts)
