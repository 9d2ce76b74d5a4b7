"""The demo district's documents, made through the services: on the project the demo designer
and general contractor share, the contractor files a folder tree and its construction
organisation design (a PDF with Chinese text, found by search); the designer issues a structural
drawing at revision A and then B (A superseded); the supervisor files its supervision plan.
The designer sends the drawing to the contractor and the supervisor (both acknowledge), and the
contractor sends its organisation design to the supervisor and the owner (still pending: it is
on their to-do lists). PDFs are generated here. Idempotent."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import User
from jianguan.collab.documents import services, services_transmittals
from jianguan.collab.documents.models import Document
from jianguan.collab.documents.pdfgen import simple_pdf
from jianguan.projects.models import Participant

MARK = "施工组织设计（总体）"


def _actor(username: str):
    user = User.objects.filter(username=username).first()
    return actor_for(user) if user else None


def _project(designer, contractor):
    mine = Participant.objects.filter(
        organisation_id=designer.organisation_id, is_active=True
    ).values("project_id")
    part = (
        Participant.objects.filter(
            organisation_id=contractor.organisation_id,
            role="general_contractor",
            is_active=True,
            project_id__in=mine,
        )
        .select_related("project")
        .order_by("project__code")
        .first()
    )
    return part.project if part else None


def _pdf(name: str, title: str, lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, simple_pdf(title, lines), content_type="application/pdf")


def _extract(version) -> None:
    # the worker's job, run here so the demo's texts are searchable when seeding ends
    services.text_extract(version_id=version.pk)


def seed() -> dict[str, object]:
    designer, contractor = _actor("designer"), _actor("contractor")
    if designer is None or contractor is None or Document.objects.filter(title=MARK).exists():
        return {"skipped": True}
    project = _project(designer, contractor)
    if project is None:
        return {"skipped": "no project with both the designer and the contractor"}
    parties = dict(
        Participant.objects.filter(project=project, is_active=True).values_list(
            "role", "organisation_id"
        )
    )
    design = services.folder_create(actor=contractor, project=project, name="设计文件")
    drawings = services.folder_create(
        actor=contractor, project=project, name="施工图", parent=design
    )
    management = services.folder_create(actor=contractor, project=project, name="施工管理")
    plans = services.folder_create(
        actor=contractor, project=project, name="专项方案", parent=management
    )
    services.folder_create(actor=contractor, project=project, name="监理文件")

    plan = services.document_create(
        actor=contractor,
        project=project,
        folder=management,
        upload=_pdf(
            "施工组织设计.pdf",
            f"{project.name} {MARK}",
            [
                "第一章 工程概况：本工程位于北京市大兴区，施工总承包单位负责土建与安装。",
                "第二章 施工部署：深基坑开挖采用分层分段开挖，边坡支护采用土钉墙。",
                "第三章 进度计划：主体结构封顶节点以总进度计划为准。",
                "第四章 安全文明施工：扬尘治理六个百分之百，实名制管理全覆盖。",
            ],
        ),
        title=MARK,
        number="SZ-ZZSJ-001",
        discipline="management",
        reason="报监理审查",
    )
    services.document_create(
        actor=contractor,
        project=project,
        folder=plans,
        upload=_pdf(
            "深基坑专项方案.pdf",
            "深基坑开挖与支护专项施工方案",
            [
                "基坑深度 6.5 米，属于超过一定规模的危险性较大的分部分项工程，须组织专家论证。",
                "降水采用管井降水，监测项目包括坡顶水平位移与沉降。",
            ],
        ),
        title="深基坑开挖与支护专项施工方案",
        number="SZ-FA-003",
        discipline="structure",
        reason="专家论证后修改稿",
    )
    drawing = services.document_create(
        actor=designer,
        project=project,
        folder=drawings,
        kind="drawing",
        upload=_pdf(
            "结施-01-A.pdf",
            "结施-01 基础平面布置图（A 版）",
            ["独立基础 J-1 至 J-12，混凝土强度等级 C30。"],
        ),
        title="基础平面布置图",
        drawing_number="结施-01",
        scale="1:100",
        sheet="A1",
        discipline="structure",
        reason="施工图首次发布",
    )
    revised = services.version_upload(
        actor=designer,
        document=drawing.document,
        upload=_pdf(
            "结施-01-B.pdf",
            "结施-01 基础平面布置图（B 版）",
            [
                "独立基础 J-1 至 J-12，混凝土强度等级 C35（依据图纸会审意见调整）。",
            ],
        ),
        reason="按图纸会审纪要第 3 条，基础混凝土强度等级由 C30 调整为 C35",
    )
    for v in (plan, drawing, revised):
        _extract(v)
    receivers = [o for o in (parties.get("general_contractor"), parties.get("supervisor")) if o]
    sent = services_transmittals.transmittal_send(
        actor=designer,
        project=project,
        subject="结施-01 基础平面布置图 B 版发布",
        purpose="construction",
        message="请按 B 版施工，A 版作废。",
        version_ids=[revised.pk],
        recipient_ids=receivers,
    )
    services_transmittals.transmittal_acknowledge(actor=contractor, transmittal=sent)
    supervisor = _actor("supervisor")
    if supervisor is not None and supervisor.organisation_id in receivers:
        services_transmittals.transmittal_acknowledge(actor=supervisor, transmittal=sent)
    pending_to = [o for o in (parties.get("supervisor"), parties.get("owner")) if o]
    pending = None
    if pending_to:
        pending = services_transmittals.transmittal_send(
            actor=contractor,
            project=project,
            subject="施工组织设计报审",
            purpose="review",
            message="请审查并提出意见。",
            version_ids=[plan.pk],
            recipient_ids=pending_to,
        )
    return {
        "project": project.code,
        "documents": Document.objects.filter(project=project).count(),
        "transmittals": [sent.number, pending.number if pending else None],
    }
