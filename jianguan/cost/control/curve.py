"""The cumulative payment S-curve (资金支付S曲线): the owner's monthly plan against what was
paid, month by month, drawn as an inline SVG on the server (no script: CSP). Pure (no Django).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from html import escape

W, H = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(m: dt.date) -> dt.date:
    return (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def series(
    plan: dict[dt.date, Decimal], paid: Iterable[tuple[dt.date, Decimal]], *, until: dt.date
) -> list[dict]:
    """One row per month from the first planned or paid month to the later of the last
    planned month and `until`: {month, plan, paid, plan_cum, paid_cum (None after `until`)}."""
    by_month: dict[dt.date, Decimal] = {}
    for day, amount in paid:
        m = month_of(day)
        by_month[m] = by_month.get(m, Decimal(0)) + Decimal(amount)
    months = set(plan) | set(by_month)
    if not months:
        return []
    first = min(months)
    last = max(max(plan) if plan else first, month_of(until), max(by_month) if by_month else first)
    rows, m = [], first
    plan_cum = paid_cum = Decimal(0)
    current = month_of(until)
    while m <= last:
        plan_cum += plan.get(m, Decimal(0))
        paid_cum += by_month.get(m, Decimal(0))
        rows.append(
            {
                "month": m,
                "plan": plan.get(m, Decimal(0)),
                "paid": by_month.get(m, Decimal(0)),
                "plan_cum": plan_cum,
                "paid_cum": paid_cum if m <= current else None,
            }
        )
        m = next_month(m)
    return rows


def _wan(x: Decimal) -> str:
    return f"{(x / 10000):,.0f}"


def svg(rows: list[dict], *, title: str = "累计支付与计划") -> str:
    """The chart: x = months, y = cumulative 万元; plan dashed, paid solid."""
    if not rows:
        return ""
    top = max([r["plan_cum"] for r in rows] + [r["paid_cum"] or 0 for r in rows]) or Decimal(1)
    n = len(rows)
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v: Decimal) -> float:
        return TOP + ph - float(Decimal(v) / top) * ph

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" class="cost-curve" '
        f'role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for k in range(5):  # grid and y labels
        v = top * k / 4
        yy = y(v)
        parts.append(
            f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{W - RIGHT}" y2="{yy:.1f}" stroke="#e5e7eb"/>'
            f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" font-size="11">'
            f"{_wan(v)}</text>"
        )
    step = max(1, n // 8)
    for i in range(0, n, step):
        label = rows[i]["month"].strftime("%Y-%m")
        parts.append(
            f'<text x="{x(i):.1f}" y="{H - BOTTOM + 16}" text-anchor="middle" font-size="11">'
            f"{label}</text>"
        )
    plan_pts = " ".join(f"{x(i):.1f},{y(r['plan_cum']):.1f}" for i, r in enumerate(rows))
    paid_pts = " ".join(
        f"{x(i):.1f},{y(r['paid_cum']):.1f}"
        for i, r in enumerate(rows)
        if r["paid_cum"] is not None
    )
    parts.append(
        f'<polyline points="{plan_pts}" fill="none" stroke="#6b7280" stroke-width="2" '
        f'stroke-dasharray="6 4" class="plan"/>'
    )
    if paid_pts:
        parts.append(
            f'<polyline points="{paid_pts}" fill="none" stroke="#206bc4" stroke-width="2.5" '
            f'class="paid"/>'
        )
    parts.append(
        f'<text x="{LEFT}" y="{H - 6}" font-size="11">单位：万元　'
        f'<tspan fill="#6b7280">┅ 计划累计</tspan>　<tspan fill="#206bc4">━ 实际累计支付</tspan>'
        "</text></svg>"
    )
    return "".join(parts)
