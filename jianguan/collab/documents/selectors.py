"""Reads of document management, scoped to the actor: a project's folders, documents, versions
and transmittals are seen by whoever sees the project (its parties; the district's regulator,
finance bureau and auditors); anyone else gets "not found" (a project they cannot see does not
exist for them). Writing needs the grant and a party of the project."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jianguan.collab.documents.models import (
    Document,
    DocumentVersion,
    Folder,
    Transmittal,
    TransmittalRecipient,
)
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.projects.models import Participant, Project
from jianguan.workbench.search import text as search_text

ID_MAX = 2**62


def _require(actor: Actor, permission: str = "collab_documents.view") -> None:
    if not actor.is_authenticated:
        raise PermissionDenied("请先登录", code="unauthenticated")
    if not actor.can(permission):
        raise PermissionDenied("无权查看项目文件", code="permission_denied")


def project_ids(actor: Actor) -> QuerySet | None:
    """The projects whose documents the actor sees (None: every project)."""
    _require(actor)
    if actor.can("projects.view_all"):
        return None
    return Participant.objects.filter(organisation_id=actor.organisation_id, is_active=True).values(
        "project_id"
    )


def is_party(actor: Actor, project_id: int) -> bool:
    return (
        actor.organisation_id is not None
        and Participant.objects.filter(
            project_id=project_id, organisation_id=actor.organisation_id, is_active=True
        ).exists()
    )


def may_write(actor: Actor, project_id: int) -> bool:
    return actor.can("collab_documents.write") and is_party(actor, project_id)


def _scoped(qs: QuerySet, actor: Actor, field: str = "project_id") -> QuerySet:
    ids = project_ids(actor)
    return qs if ids is None else qs.filter(**{f"{field}__in": ids})


def _get(qs: QuerySet, pk: int, what: str, code: str):
    if not 0 < pk < ID_MAX:
        raise NotFound(f"{what}不存在", code=code)
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"{what}不存在或无权查看", code=code)
    return obj


def project_for(*, actor: Actor, pk: int) -> Project:
    return _get(_scoped(Project.objects.all(), actor, "pk"), pk, "项目", "project_not_found")


def projects_visible_to(*, actor: Actor) -> QuerySet:
    return _scoped(Project.objects.all(), actor, "pk").order_by("-code")


def folders_of(*, actor: Actor, project_id: int) -> QuerySet:
    return _scoped(Folder.objects.filter(project_id=project_id), actor).order_by("path")


def folder_get(*, actor: Actor, pk: int) -> Folder:
    return _get(
        _scoped(Folder.objects.select_related("project"), actor), pk, "文件夹", "folder_not_found"
    )


def documents_visible_to(*, actor: Actor) -> QuerySet:
    return _scoped(
        Document.objects.select_related(
            "project", "folder", "current", "organisation", "current__uploaded_by"
        ),
        actor,
    )


def documents_of(
    *, actor: Actor, project_id: int, folder_id: int | None = None, kind: str = ""
) -> QuerySet:
    qs = documents_visible_to(actor=actor).filter(project_id=project_id)
    if folder_id:
        qs = qs.filter(folder_id=folder_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("folder__path", "number", "drawing_number", "title", "pk")


def document_get(*, actor: Actor, pk: int) -> Document:
    return _get(documents_visible_to(actor=actor), pk, "文件", "document_not_found")


def versions_visible_to(*, actor: Actor) -> QuerySet:
    return _scoped(
        DocumentVersion.objects.select_related(
            "document", "project", "uploaded_by", "organisation", "extracted"
        ),
        actor,
    )


def version_get(*, actor: Actor, pk: int) -> DocumentVersion:
    return _get(versions_visible_to(actor=actor), pk, "文件版本", "version_not_found")


def versions_of(document: Document) -> QuerySet:
    return (
        DocumentVersion.objects.filter(document=document)
        .select_related("uploaded_by", "organisation", "extracted")
        .order_by("-seq")
    )


def drawing_register(*, actor: Actor, project_id: int, discipline: str = "") -> list[dict]:
    """Every drawing of the project with its current revision and its revision history (newest
    first, superseded ones marked), ordered by drawing number."""
    drawings = list(
        documents_of(actor=actor, project_id=project_id, kind="drawing").order_by(
            "drawing_number", "pk"
        )
    )
    if discipline:
        drawings = [d for d in drawings if d.discipline == discipline]
    history: dict[int, list[DocumentVersion]] = {}
    for v in (
        DocumentVersion.objects.filter(document__in=drawings)
        .select_related("uploaded_by", "organisation")
        .order_by("document_id", "-seq")
    ):
        history.setdefault(v.document_id, []).append(v)
    return [{"drawing": d, "revisions": history.get(d.pk, [])} for d in drawings]


def transmittals_visible_to(*, actor: Actor) -> QuerySet:
    return _scoped(
        Transmittal.objects.select_related("project", "sender", "sent_by").prefetch_related(
            "recipients__organisation", "recipients__acknowledged_by"
        ),
        actor,
    ).order_by("-sent_at", "-pk")


def transmittal_get(*, actor: Actor, pk: int) -> Transmittal:
    return _get(transmittals_visible_to(actor=actor), pk, "文件传递单", "transmittal_not_found")


def transmittal_versions(transmittal: Transmittal) -> QuerySet:
    return transmittal.versions.select_related("document").order_by("document__title", "seq")


def pending_receipts(actor: Actor) -> QuerySet:
    """Transmittals sent to the actor's organisation that it has not acknowledged yet."""
    if actor.organisation_id is None or not actor.can("collab_documents.acknowledge"):
        return TransmittalRecipient.objects.none()
    return TransmittalRecipient.objects.filter(
        organisation_id=actor.organisation_id, acknowledged_at__isnull=True
    ).select_related("transmittal__project", "transmittal__sender")


# --- the documents page's search ----------------------------------------------------------


def search(*, actor: Actor, project_id: int, query: str, limit: int = 50) -> tuple[list, list[str]]:
    """Documents of the project whose title, number or current version's text hold every word
    of the query (the global search's tokeniser cuts it), with a snippet of the text."""
    terms = search_text.query_terms(query)
    if not terms:
        return [], []
    qs = documents_of(actor=actor, project_id=project_id).select_related("current__extracted")
    for term in terms:
        qs = qs.filter(
            Q(title__icontains=term)
            | Q(number__icontains=term)
            | Q(drawing_number__icontains=term)
            | Q(current__extracted__tokens__contains=term)
            | Q(current__extracted__text__icontains=term)
        )
    hits = []
    for doc in qs[:limit]:
        extracted = getattr(doc.current, "extracted", None) if doc.current else None
        body = extracted.text if extracted else ""
        hits.append({"document": doc, "snippet": snippet(body, terms)})
    return hits, terms


def snippet(body: str, terms: list[str], width: int = 80) -> str:
    low = search_text.normalise(body)
    at = min((i for i in (low.find(t) for t in terms) if i >= 0), default=-1)
    if at < 0:
        return " ".join(body[:width].split())
    start = max(0, at - width // 3)
    piece = " ".join(body[start : start + width].split())
    return ("…" if start else "") + piece + ("…" if start + width < len(body) else "")
