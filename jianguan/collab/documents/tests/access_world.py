"""Document subjects of the access matrix (tests/access/world.py calls ``subjects``): on the
matrix's own project, a folder and a drawing with one revision filed by the designer (through
the services, with a generated PDF), and a transmittal of it from the designer to the general
contractor and the supervisor, not yet acknowledged."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.collab.documents import services, services_transmittals
from jianguan.collab.documents.pdfgen import simple_pdf


def subjects(S: dict, project, actor) -> None:
    designer, contractor, supervisor = actor("designer"), actor("contractor"), actor("supervisor")
    folder = services.folder_create(actor=designer, project=project, name="矩阵施工图")
    version = services.document_create(
        actor=designer,
        project=project,
        folder=folder,
        kind="drawing",
        upload=SimpleUploadedFile("m.pdf", simple_pdf("矩阵测试图纸", ["基础平面布置图"])),
        title="矩阵测试图纸",
        drawing_number="矩阵-01",
        discipline="structure",
        reason="访问矩阵",
    )
    sent = services_transmittals.transmittal_send(
        actor=designer,
        project=project,
        subject="矩阵传递单",
        version_ids=[version.pk],
        recipient_ids=[contractor.organisation_id, supervisor.organisation_id],
    )
    S["project@own"]["doc_version_id"] = version.pk
    S["project@own"]["doc_recipient_id"] = contractor.organisation_id
    S["project@own"]["doc_folder_id"] = folder.pk
    S["cdocument@own"] = {"pk": version.document_id, "document_id": version.document_id}
    S["cdocversion@own"] = {"pk": version.pk, "version_id": version.pk}
    S["ctransmittal@own"] = {"pk": sent.pk, "transmittal_id": sent.pk}
