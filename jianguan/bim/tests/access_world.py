"""BIM subjects of the access matrix (tests/access/world.py calls ``subjects``): on the
matrix's own project, a ready revision, a clash set with one run and one clash, a BoQ mapping
and an upload in progress started by the contractor. Rows made directly (like a factory): the
matrix asks who may reach them, not what the geometry says."""

from __future__ import annotations

from jianguan.bim import workflow
from jianguan.bim.models import (
    BoqMapping,
    Clash,
    ClashRun,
    ClashSet,
    Element,
    ModelRevision,
    UploadSession,
)


def subjects(S: dict, project, contractor) -> None:
    user, org_id = contractor.user, contractor.organisation_id
    revision = ModelRevision.objects.create(
        project=project,
        discipline="structure",
        label="矩阵-1",
        file_path="revisions/none.ifc",
        file_name="matrix.ifc",
        size=1,
        sm3="0" * 64,
        status=workflow.READY,
        progress=100,
        summary={"schema": "IFC4"},
        uploaded_by=user,
        organisation_id=org_id,
    )
    Element.objects.create(revision=revision, guid="0" * 22, ifc_class="IfcWall", name="W")
    cs = ClashSet.objects.create(
        project=project,
        name="访问矩阵碰撞检测",
        mode="intersection",
        organisation_id=org_id,
        created_by=user,
    )
    cs.a_revisions.set([revision])
    run = ClashRun.objects.create(
        clash_set=cs, status=workflow.DONE, revision_ids=[revision.pk], new=1
    )
    clash = Clash.objects.create(
        clash_set=cs,
        project=project,
        a_guid="0" * 22,
        b_guid="1" * 22,
        a_class="IfcWall",
        b_class="IfcBeam",
        type="hard",
        distance=0.1,
        p1=[0, 0, 0],
        p2=[0, 0, 0.1],
        first_run=run,
        last_run=run,
    )
    mapping = BoqMapping.objects.create(
        project=project,
        code="010502001001",
        name="矩形柱",
        unit="m3",
        selector={"classes": ["IfcColumn"]},
        created_by=user,
    )
    upload = UploadSession.objects.create(
        project=project,
        discipline="structure",
        label="矩阵-2",
        file_name="m.ifc",
        total_size=10 * 1024 * 1024,
        temp_path="/nonexistent/matrix.part",
        started_by=user,
    )
    S["project@own"]["revision_id"] = revision.pk
    S["bimrevision@own"] = {"pk": revision.pk, "revision_id": revision.pk}
    S["clashset@own"] = {"pk": cs.pk, "set_id": cs.pk}
    S["clash@own"] = {"pk": clash.pk, "clash_id": clash.pk}
    S["boqmapping@own"] = {"pk": mapping.pk, "mapping_id": mapping.pk}
    S["bimupload@own"] = {"pk": str(upload.pk), "upload_id": str(upload.pk)}
