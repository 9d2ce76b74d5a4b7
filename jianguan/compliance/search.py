"""Rectification orders (整改通知单) in the global search (workbench.search): found by those
who may see the project (``orders_visible_to``)."""

from __future__ import annotations

from django.urls import reverse

from jianguan.compliance.models import RectificationOrder
from jianguan.compliance.selectors import orders_visible_to
from jianguan.workbench.search.registry import IndexRow, register_search_source


def _row(order: RectificationOrder) -> IndexRow:
    parts = [
        order.project.name,
        order.responsible_organisation.name,
        order.finding.description,
        order.finding.location,
    ]
    return IndexRow(
        title=f"{order.number} 整改通知单",
        text=" ".join(p for p in parts if p),
        url=reverse("compliance:order", args=[order.pk]),
    )


def register_all() -> None:
    register_search_source(
        "orders",
        "整改通知单",
        model=RectificationOrder,
        row=_row,
        visible=lambda actor: orders_visible_to(actor=actor),
        queryset=lambda: RectificationOrder.objects.select_related(
            "project", "responsible_organisation", "finding"
        ),
        order=60,
    )
