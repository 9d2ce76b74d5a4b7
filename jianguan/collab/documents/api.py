"""文档管理 over the API (/api/v1/collab/documents/...): a project's folders and documents,
uploads of documents and new versions (multipart), a version's file, the drawing register,
search over titles and extracted text, and transmittals with their acknowledgement. A write is
refused 403 for a party without the grant before the body is read; a project the actor cannot
see is 404."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from jianguan.collab.documents import reads, selectors, services, services_transmittals
from jianguan.collab.documents.schemas import (
    DocDocumentDetail,
    DocDocumentFilter,
    DocDocumentForm,
    DocDocumentRead,
    DocFolderIn,
    DocFolderRead,
    DocRegisterRow,
    DocSearchHit,
    DocSearchQuery,
    DocTransmittalFilter,
    DocTransmittalIn,
    DocTransmittalRead,
    DocVersionForm,
    DocVersionRead,
)
from jianguan.core.api_auth import permitted
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.errors import ValidationFailed

router = Router(tags=["文档管理"])
ERR413 = {**ERR, 413: ERR[400]}
P = "/documents"


def _project(request: HttpRequest, project_id: str):
    return selectors.project_for(actor=request.actor, pk=path_id(project_id, "项目"))


def _folder(request: HttpRequest, project, folder_id: int | None):
    if folder_id is None:
        return None
    folder = selectors.folder_get(actor=request.actor, pk=folder_id)
    if folder.project_id != project.pk:
        raise ValidationFailed("文件夹不属于本项目", code="folder_not_in_project")
    return folder


# --- folders ------------------------------------------------------------------------------


@router.get(
    P + "/projects/{project_id}/folders",
    response={200: list[DocFolderRead], **ERR},
    summary="项目文件夹",
)
def doc_folder_list(request: HttpRequest, project_id: str):
    project = _project(request, project_id)
    return [
        reads.folder_read(f)
        for f in selectors.folders_of(actor=request.actor, project_id=project.pk)
    ]


@router.post(
    P + "/projects/{project_id}/folders",
    response={201: DocFolderRead, **ERR},
    auth=permitted("collab_documents.write"),
    summary="新建文件夹",
)
def doc_folder_create(request: HttpRequest, project_id: str, data: DocFolderIn):
    project = _project(request, project_id)
    folder = services.folder_create(
        actor=request.actor,
        project=project,
        name=data.name,
        parent=_folder(request, project, data.parent_id),
    )
    return Status(201, reads.folder_read(folder))


# --- documents and versions ---------------------------------------------------------------


@router.get(
    P + "/projects/{project_id}/documents",
    response={200: list[DocDocumentRead], **ERR},
    summary="项目文件列表",
)
def doc_document_list(request: HttpRequest, project_id: str, filters: Query[DocDocumentFilter]):
    project = _project(request, project_id)
    qs = selectors.documents_of(
        actor=request.actor, project_id=project.pk, folder_id=filters.folder_id, kind=filters.kind
    )
    return [reads.document_read(d) for d in qs[:500]]


@router.post(
    P + "/projects/{project_id}/documents",
    response={201: DocDocumentDetail, **ERR413},
    auth=permitted("collab_documents.write"),
    summary="上传新文件（首个版本）",
)
def doc_document_create(
    request: HttpRequest,
    project_id: str,
    data: Form[DocDocumentForm],
    file: File[UploadedFile] = None,  # type: ignore[assignment]
):
    project = _project(request, project_id)
    version = services.document_create(
        actor=request.actor,
        project=project,
        upload=file,
        folder=_folder(request, project, data.folder_id),
        **data.dict(exclude={"folder_id"}),
    )
    document = selectors.document_get(actor=request.actor, pk=version.document_id)
    return Status(201, reads.document_read(document, list(selectors.versions_of(document))))


@router.get(
    P + "/documents/{document_id}",
    response={200: DocDocumentDetail, **ERR},
    summary="文件及其全部版本",
)
def doc_document_get(request: HttpRequest, document_id: str):
    document = selectors.document_get(actor=request.actor, pk=path_id(document_id, "文件"))
    return reads.document_read(document, list(selectors.versions_of(document)))


@router.post(
    P + "/documents/{document_id}/versions",
    response={201: DocVersionRead, **ERR413},
    auth=permitted("collab_documents.write"),
    summary="上传新版本（须写明修改说明）",
)
def doc_version_upload(
    request: HttpRequest,
    document_id: str,
    data: Form[DocVersionForm],
    file: File[UploadedFile] = None,  # type: ignore[assignment]
):
    document = selectors.document_get(actor=request.actor, pk=path_id(document_id, "文件"))
    version = services.version_upload(
        actor=request.actor, document=document, upload=file, reason=data.reason, label=data.label
    )
    return Status(
        201, reads.version_read(selectors.version_get(actor=request.actor, pk=version.pk))
    )


@router.get(
    P + "/versions/{version_id}", response={200: DocVersionRead, **ERR}, summary="文件版本信息"
)
def doc_version_get(request: HttpRequest, version_id: str):
    return reads.version_read(
        selectors.version_get(actor=request.actor, pk=path_id(version_id, "文件版本"))
    )


@router.get(
    P + "/versions/{version_id}/file",
    response={200: None, **ERR},
    url_name="collab_doc_version_file",
    summary="文件版本的文件（PDF、图片在浏览器内预览；X-Content-SM3 头为其 SM3）",
)
def doc_version_file(request: HttpRequest, version_id: str):
    from jianguan.collab.documents.serving import file_response

    version = selectors.version_get(actor=request.actor, pk=path_id(version_id, "文件版本"))
    return file_response(version)


# --- drawing register and search ----------------------------------------------------------


@router.get(
    P + "/projects/{project_id}/drawings",
    response={200: list[DocRegisterRow], **ERR},
    summary="图纸目录（当前版次与历次版次）",
)
def doc_drawing_register(request: HttpRequest, project_id: str):
    project = _project(request, project_id)
    return [
        reads.register_row(r)
        for r in selectors.drawing_register(actor=request.actor, project_id=project.pk)
    ]


@router.get(
    P + "/projects/{project_id}/search",
    response={200: list[DocSearchHit], **ERR},
    summary="搜索项目文件（标题、编号与文件文字，中文分词）",
)
def doc_search(request: HttpRequest, project_id: str, q: Query[DocSearchQuery]):
    from django.urls import reverse

    from jianguan.collab.documents import workflow

    project = _project(request, project_id)
    hits, _ = selectors.search(actor=request.actor, project_id=project.pk, query=q.q)
    return [
        {
            "document_id": h["document"].pk,
            "title": h["document"].title,
            "reference": h["document"].reference,
            "kind_label": workflow.KINDS[h["document"].kind],
            "current_label": h["document"].current.label if h["document"].current_id else None,
            "snippet": h["snippet"],
            "url": reverse("collab_documents:document", args=[h["document"].pk]),
        }
        for h in hits
    ]


# --- transmittals -------------------------------------------------------------------------


@router.get(
    P + "/transmittals", response={200: list[DocTransmittalRead], **ERR}, summary="文件传递单列表"
)
def doc_transmittal_list(request: HttpRequest, filters: Query[DocTransmittalFilter]):
    qs = selectors.transmittals_visible_to(actor=request.actor)
    if filters.project_id:
        qs = qs.filter(project_id=filters.project_id)
    return [reads.transmittal_read(t) for t in qs[:200]]


@router.post(
    P + "/projects/{project_id}/transmittals",
    response={201: DocTransmittalRead, **ERR},
    auth=permitted("collab_documents.write"),
    summary="发送文件传递单",
)
def doc_transmittal_send(request: HttpRequest, project_id: str, data: DocTransmittalIn):
    project = _project(request, project_id)
    item = services_transmittals.transmittal_send(
        actor=request.actor,
        project=project,
        subject=data.subject,
        purpose=data.purpose,
        message=data.message,
        version_ids=data.version_ids,
        recipient_ids=data.recipient_ids,
    )
    return Status(
        201, reads.transmittal_read(selectors.transmittal_get(actor=request.actor, pk=item.pk))
    )


@router.get(
    P + "/transmittals/{transmittal_id}",
    response={200: DocTransmittalRead, **ERR},
    summary="文件传递单",
)
def doc_transmittal_get(request: HttpRequest, transmittal_id: str):
    return reads.transmittal_read(
        selectors.transmittal_get(actor=request.actor, pk=path_id(transmittal_id, "文件传递单"))
    )


@router.post(
    P + "/transmittals/{transmittal_id}/acknowledge",
    response={200: DocTransmittalRead, **ERR},
    auth=permitted("collab_documents.acknowledge"),
    summary="确认收到文件（接收单位）",
)
def doc_transmittal_acknowledge(request: HttpRequest, transmittal_id: str):
    item = selectors.transmittal_get(actor=request.actor, pk=path_id(transmittal_id, "文件传递单"))
    services_transmittals.transmittal_acknowledge(actor=request.actor, transmittal=item)
    return reads.transmittal_read(selectors.transmittal_get(actor=request.actor, pk=item.pk))
