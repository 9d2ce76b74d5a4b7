"""Pages of a project's documents: the index of projects, the project's folder tree with its
documents and search box, new folder, upload of a document and of a new version, the document
page with its versions and preview, a version's file, and the drawing register."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jianguan.collab.documents import selectors, services, workflow
from jianguan.collab.documents.forms import DocumentForm, FolderForm, VersionForm
from jianguan.collab.documents.models import Document
from jianguan.collab.documents.serving import file_response
from jianguan.core.errors import DomainError, PermissionDenied
from jianguan.core.permissions import permission_required

PREVIEW_TEXT_CHARS = 3000


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 2**62 else None


@require_GET
@permission_required("collab_documents.view")
def index_page(request: HttpRequest) -> HttpResponse:
    from django.db.models import Count

    actor = request.actor
    projects = list(selectors.projects_visible_to(actor=actor)[:200])
    counts = {
        row["project_id"]: row["n"]
        for row in Document.objects.filter(project__in=[p.pk for p in projects])
        .values("project_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows = [{"project": p, "documents": counts.get(p.pk, 0)} for p in projects]
    rows.sort(key=lambda r: -r["documents"])  # projects with documents first
    receipts = list(selectors.pending_receipts(actor).order_by("transmittal__sent_at")[:50])
    return render(request, "collab_documents/index.html", {"rows": rows, "receipts": receipts})


@require_GET
@permission_required("collab_documents.view")
def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_for(actor=actor, pk=pk)
    folders = list(selectors.folders_of(actor=actor, project_id=project.pk))
    folder_id = _int(request.GET.get("folder"))
    current = next((f for f in folders if f.pk == folder_id), None)
    query = (request.GET.get("q") or "").strip()[:100]
    hits, terms = ([], [])
    if query:
        hits, terms = selectors.search(actor=actor, project_id=project.pk, query=query)
        documents = []
    else:
        documents = list(
            selectors.documents_of(
                actor=actor, project_id=project.pk, folder_id=current.pk if current else None
            )[:500]
        )
    ctx = {
        "project": project,
        "folders": folders,
        "current_folder": current,
        "documents": documents,
        "query": query,
        "hits": hits,
        "can_write": selectors.may_write(actor, project.pk),
        "folder_form": FolderForm(
            folders=folders, initial={"parent": current.pk if current else ""}
        ),
    }
    return render(request, "collab_documents/project.html", ctx)


@require_POST
@permission_required("collab_documents.write")
def folder_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_for(actor=actor, pk=pk)
    folders = list(selectors.folders_of(actor=actor, project_id=project.pk))
    form = FolderForm(request.POST, folders=folders)
    target = reverse("collab_documents:project", args=[project.pk])
    if not form.is_valid():
        messages.error(
            request,
            "文件夹名称无效：" + "；".join(e for errs in form.errors.values() for e in errs),
        )
        return redirect(target)
    parent = next((f for f in folders if f.pk == form.cleaned_data["parent"]), None)
    try:
        folder = services.folder_create(
            actor=actor, project=project, name=form.cleaned_data["name"], parent=parent
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
        return redirect(target)
    messages.success(request, f"已建立文件夹 {folder.path}")
    return redirect(f"{target}?folder={folder.pk}")


@require_http_methods(["GET", "POST"])
@permission_required("collab_documents.write")
def upload_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_for(actor=actor, pk=pk)
    if not selectors.may_write(actor, project.pk):
        raise PermissionDenied("仅本项目的参建单位可上传项目文件", code="permission_denied")
    folders = list(selectors.folders_of(actor=actor, project_id=project.pk))
    folder_id = _int(request.GET.get("folder"))
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        folders=folders,
        initial={"folder": folder_id or ""},
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        folder = next((f for f in folders if f.pk == data["folder"]), None)
        try:
            version = services.document_create(
                actor=actor,
                project=project,
                upload=data["file"],
                folder=folder,
                **{
                    k: data[k]
                    for k in (
                        "kind",
                        "title",
                        "number",
                        "discipline",
                        "drawing_number",
                        "scale",
                        "sheet",
                        "label",
                        "reason",
                    )
                },
            )
        except DomainError as exc:
            if exc.status == 403:
                raise
            error = exc.message
        else:
            messages.success(request, f"已上传《{version.document.title}》{version.label}")
            return redirect("collab_documents:document", version.document_id)
    status = 400 if request.method == "POST" else 200
    ctx = {
        "project": project,
        "form": form,
        "error": error,
        "max_mb": services.max_bytes() // 1048576,
        "accepted": workflow.accepted_labels(),
    }
    return render(request, "collab_documents/upload.html", ctx, status=status)


@require_GET
@permission_required("collab_documents.view")
def document_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    document = selectors.document_get(actor=actor, pk=pk)
    versions = list(selectors.versions_of(document))
    current = document.current
    extracted = getattr(current, "extracted", None) if current else None
    ctx = {
        "project": document.project,
        "document": document,
        "versions": versions,
        "current": current,
        "preview": current.file_type
        if current and current.file_type in workflow.PREVIEW_INLINE
        else "",
        "preview_text": (extracted.text[:PREVIEW_TEXT_CHARS] if extracted else ""),
        "can_write": selectors.may_write(actor, document.project_id),
        "transmittals": list(
            selectors.transmittals_visible_to(actor=actor)
            .filter(versions__document=document)
            .distinct()[:20]
        ),
    }
    return render(request, "collab_documents/document.html", ctx)


@require_http_methods(["GET", "POST"])
@permission_required("collab_documents.write")
def version_upload_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    document = selectors.document_get(actor=actor, pk=pk)
    if not selectors.may_write(actor, document.project_id):
        raise PermissionDenied("仅本项目的参建单位可上传新版本", code="permission_denied")
    form = VersionForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            version = services.version_upload(
                actor=actor,
                document=document,
                upload=form.cleaned_data["file"],
                reason=form.cleaned_data["reason"],
                label=form.cleaned_data["label"],
            )
        except DomainError as exc:
            if exc.status == 403:
                raise
            error = exc.message
        else:
            messages.success(request, f"已上传新版本 {version.label}")
            return redirect("collab_documents:document", document.pk)
    status = 400 if request.method == "POST" else 200
    ctx = {
        "project": document.project,
        "document": document,
        "form": form,
        "error": error,
        "max_mb": services.max_bytes() // 1048576,
        "accepted": workflow.accepted_labels(),
    }
    return render(request, "collab_documents/version_upload.html", ctx, status=status)


@require_GET
@permission_required("collab_documents.view")
def version_file(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.version_get(actor=request.actor, pk=pk)
    return file_response(version, download=request.GET.get("download") == "1")


@require_GET
@permission_required("collab_documents.view")
def drawings_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    discipline = request.GET.get("discipline", "")
    if discipline not in workflow.DISCIPLINES:
        discipline = ""
    rows = selectors.drawing_register(
        actor=request.actor, project_id=project.pk, discipline=discipline
    )
    ctx = {
        "project": project,
        "rows": rows,
        "discipline": discipline,
        "disciplines": workflow.DISCIPLINES,
        "can_write": selectors.may_write(request.actor, project.pk),
    }
    return render(request, "collab_documents/drawings.html", ctx)
