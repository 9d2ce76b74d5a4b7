"""What this app registers with the platform (called from the app's ready()): grants, ledger
words and visibility, the to-do item of a transmittal to acknowledge, notification events,
navigation, the project page's link, the global search source and the demo seeder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo


def _todo(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    """Transmittals sent to the actor's organisation that it has not acknowledged."""
    from jianguan.collab.documents.selectors import pending_receipts

    rows = list(pending_receipts(actor).order_by("transmittal__sent_at")[:100])
    if not rows:
        return
    url = pk_url("collab_documents:transmittal")
    for r in rows:
        t = r.transmittal
        yield TodoItem(
            kind="collab_documents.transmittal_ack",
            title=f"确认收到文件：{t.project.name}，{t.sender.name}《{t.subject}》（{t.number}）",
            url=url(t.pk),
            module="collab_documents",
        )


def _search_row(document):
    from django.urls import reverse

    from jianguan.collab.documents import workflow
    from jianguan.workbench.search.registry import IndexRow

    current = document.current
    extracted = getattr(current, "extracted", None) if current else None
    parts = [
        document.project.name,
        document.folder.path if document.folder_id else "",
        workflow.DISCIPLINES.get(document.discipline, ""),
        f"{workflow.KINDS[document.kind]} {current.label}" if current else "",
        (extracted.text if extracted else "")[:3500],
    ]
    title = " ".join(p for p in (document.reference, document.title) if p)
    return IndexRow(
        title=title,
        text=" ".join(p for p in parts if p),
        url=reverse("collab_documents:document", args=[document.pk]),
    )


def _search_objects():
    from jianguan.collab.documents.models import Document

    return Document.objects.select_related("project", "folder", "current__extracted")


def _visible(actor: Actor):
    from jianguan.collab.documents.selectors import documents_visible_to

    return documents_visible_to(actor=actor)


def _sweep() -> object:
    from jianguan.collab.documents.services import text_sweep

    return text_sweep()


def _may_view(actor: Actor, project) -> bool:
    return actor.can("collab_documents.view")


def register_all() -> None:
    from jianguan.collab.documents import permissions  # noqa: F401  (registers grants)
    from jianguan.collab.documents.models import Document, DocumentVersion, Folder, Transmittal
    from jianguan.collab.documents.services import SEARCH_KIND
    from jianguan.core import periodic
    from jianguan.core.demo import register_seeder
    from jianguan.ledger import labels, visibility
    from jianguan.projects.links import ProjectLink, register_project_link
    from jianguan.projects.visibility import sees_project_of
    from jianguan.web.nav import NavItem, register
    from jianguan.workbench.notifications.events import register_event
    from jianguan.workbench.search.registry import register_search_source

    periodic.register("collab_documents.text_sweep", 600, _sweep)
    register_todo("collab_documents.transmittal_ack", "确认收到文件", _todo)
    register_event("collab_documents.transmittal_received", "收到文件传递单")
    register_event("collab_documents.transmittal_acknowledged", "文件传递单已确认收到")
    labels.register(
        {
            "collab_documents.folder_created": "建立项目文件夹",
            "collab_documents.document_created": "登记项目文件",
            "collab_documents.version_uploaded": "上传文件版本",
            "collab_documents.transmittal_sent": "发送文件传递单",
            "collab_documents.transmittal_acknowledged": "确认收到文件传递单",
        }
    )
    for model in (Folder, Document, DocumentVersion, Transmittal):
        visibility.register("collab_documents", model._meta.model_name, sees_project_of(model))
    register_search_source(
        SEARCH_KIND,
        "项目文件",
        model=Document,
        row=_search_row,
        visible=_visible,
        queryset=_search_objects,
        order=70,
    )
    register(
        NavItem(
            "collab_documents",
            "项目文件",
            "collab_documents:index",
            "ti-files",
            "collab_documents.view",
            34,
        )
    )
    register_project_link(
        # the page answers 404 where the project is not the actor's to see
        ProjectLink(
            "collab_documents",
            "项目文件与图纸",
            "collab_documents:project",
            "ti-files",
            _may_view,
            63,
        )
    )
    register_seeder("collab_documents", "jianguan.collab.documents.demo:seed", order=91)
