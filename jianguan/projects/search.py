"""Projects in the global search (workbench.search): found by the people who may open them."""

from __future__ import annotations

from django.urls import reverse

from jianguan.projects.models import Project
from jianguan.projects.selectors import project_list_visible_to
from jianguan.workbench.search.registry import IndexRow, register_search_source


def _row(project: Project) -> IndexRow:
    parts = [
        project.get_type_display(),
        project.owner.name,
        project.town.name,
        project.description,
        project.approval_document,
        project.construction_permit,
    ]
    return IndexRow(
        title=f"{project.code} {project.name}",
        text=" ".join(p for p in parts if p),
        url=reverse("projects:detail", args=[project.pk]),
    )


def register_all() -> None:
    register_search_source(
        "projects",
        "项目",
        model=Project,
        row=_row,
        visible=lambda actor: project_list_visible_to(actor=actor),
        queryset=lambda: Project.objects.select_related("owner", "town"),
        order=10,
    )
