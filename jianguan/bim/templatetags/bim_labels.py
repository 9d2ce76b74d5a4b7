"""Template filters of the BIM pages: a code's Chinese label ({{ c.status|zh:"clash_status" }})
and an IFC class's word ({{ e.ifc_class|ifc_class }})."""

from __future__ import annotations

from django import template

from jianguan.bim import labels

register = template.Library()

TABLES = {
    "discipline": labels.DISCIPLINES,
    "revision_status": labels.REVISION_STATUS,
    "revision_css": labels.REVISION_STATUS_CSS,
    "clash_status": labels.CLASH_STATUS,
    "clash_css": labels.CLASH_STATUS_CSS,
    "clash_type": labels.CLASH_TYPES,
    "mode": labels.MODES,
    "run_status": labels.RUN_STATUS,
    "unit": labels.UNITS,
}


@register.filter
def zh(code, table: str) -> str:
    return labels.label(TABLES[table], code)


@register.filter
def ifc_class(name) -> str:
    return labels.ifc_class(name)


@register.filter
def mm(metres) -> str:
    """A distance in metres as whole millimetres (clash depths and gaps are read in mm)."""
    if metres is None:
        return "—"
    return f"{float(metres) * 1000:,.0f} mm"


@register.filter
def pct_of(part, whole) -> int:
    """``part`` as a whole percentage of ``whole`` (bars in the count tables)."""
    try:
        return round(100 * float(part) / float(whole)) if whole else 0
    except (TypeError, ValueError):
        return 0
