"""Demo: on the demo contractor's site, the designer uploads the structure model (a bay of
columns, beams, a wall and a slab) and the general contractor the MEP model (a duct and a pipe
run at beam height), each through the chunked upload and the child process like any upload;
the designer runs the clash set 结构 × 机电, which finds the duct and the pipe through four
beams; one clash is assigned to the contractor and another resolved by it, one accepted as
intended with its reason, one left new. The BoQ items for columns and beams are mapped to the
structure model. The models are generated here (nothing is copied into the repository);
everything is marked ``is_demo``. Idempotent."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import User
from jianguan.bim import services, services_clash, services_quantity, workflow
from jianguan.bim.models import ClashSet, ModelRevision
from jianguan.projects.models import Participant

SET_NAME = "结构 × 机电 碰撞检测"


def _actor(username: str):
    user = User.objects.filter(username=username).first()
    return actor_for(user) if user else None


def structure_model():
    from jianguan.bim.builders import Builder

    b = Builder(storey_name="三层")
    for name, x, y in (("KZ-1", 0, 0), ("KZ-2", 8, 0), ("KZ-3", 0, 6), ("KZ-4", 8, 6)):
        b.box("IfcColumn", name, (x, y, 0), (x + 0.4, y + 0.4, 3.6))
    b.box("IfcBeam", "KL-1（①轴）", (0.4, 0, 3.0), (8, 0.3, 3.6))
    b.box("IfcBeam", "KL-2（②轴）", (0.4, 6, 3.0), (8, 6.3, 3.6))
    b.box("IfcBeam", "KL-3（Ⓐ轴）", (0, 0.4, 3.0), (0.3, 6, 3.6))
    b.box("IfcBeam", "KL-4（Ⓑ轴）", (8, 0.4, 3.0), (8.3, 6, 3.6))
    b.box("IfcSlab", "LB-1", (0, 0, 3.6), (8.4, 6.4, 3.75))
    b.box("IfcWall", "Q-1", (0.4, 6.05, 0), (8, 6.25, 3.0))
    return b


def mep_model():
    from jianguan.bim.builders import Builder

    b = Builder(storey_name="三层")
    b.box("IfcDuctSegment", "送风管 SF-1", (-1, 2.9, 3.15), (9.5, 3.5, 3.45))
    b.cylinder("IfcPipeSegment", "给水管 J-1 DN100", (4, -1, 3.3), (0, 1, 0), 8.5, 0.055)
    b.cylinder("IfcPipeSegment", "消防管 XH-1 DN150", (2, 1.5, 2.6), (1, 0, 0), 4, 0.08)
    return b


def _upload(actor, project, builder, discipline: str, label: str) -> ModelRevision:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.ifc"
        builder.model.write(str(path))
        data = path.read_bytes()
    session = services.revision_upload_start(
        actor=actor,
        project=project,
        discipline=discipline,
        label=label,
        file_name=f"{workflow.DISCIPLINES[discipline]}-{label}.ifc",
        size=len(data),
        sm3=hashlib.new("sm3", data).hexdigest(),
    )
    services.revision_upload_append_chunk(actor=actor, session=session, offset=0, data=data)
    revision = services.revision_upload_finish(actor=actor, session=session, is_demo=True)
    # the worker's job, run here so the demo is complete when seeding ends
    services.revision_process(revision_id=revision.pk)
    revision.refresh_from_db()
    return revision


def _project(designer, contractor):
    mine = Participant.objects.filter(
        organisation_id=designer.organisation_id, role="designer", is_active=True
    ).values("project_id")
    parts = (
        Participant.objects.filter(
            organisation_id=contractor.organisation_id,
            role="general_contractor",
            is_active=True,
            project_id__in=mine,
        )
        .select_related("project")
        .order_by("project__code")
    )
    # the site with a drawn boundary (the smart site's demo site) when there is one
    part = parts.filter(project__site_polygon__isnull=False).first() or parts.first()
    return part.project if part else None


def seed() -> dict[str, object]:
    designer, contractor = _actor("designer"), _actor("contractor")
    if designer is None or contractor is None or ClashSet.objects.filter(name=SET_NAME).exists():
        return {"skipped": True}
    project = _project(designer, contractor)
    if project is None:
        return {"skipped": "no project with both the designer and the contractor"}
    structure = _upload(designer, project, structure_model(), "structure", "S-01")
    mep = _upload(contractor, project, mep_model(), "hvac", "M-01")
    if workflow.FAILED in (structure.status, mep.status):
        return {"skipped": f"model processing failed: {structure.error or mep.error}"}
    cs = services_clash.clash_set_create(
        actor=designer,
        project=project,
        name=SET_NAME,
        a_revisions=[structure],
        a_select="IfcBeam,IfcColumn,IfcWall,IfcSlab",
        b_revisions=[mep],
        b_select="IfcDuctSegment,IfcPipeSegment",
        mode="intersection",
        is_demo=True,
    )
    run = services_clash.clash_run_request(actor=designer, clash_set=cs)
    services_clash.clash_run_execute(run_id=run.pk)
    _states(cs, designer, contractor)
    for code, name, cls in (
        ("010502001001", "矩形柱", "IfcColumn"),
        ("010503002001", "矩形梁", "IfcBeam"),
    ):
        services_quantity.mapping_create(
            actor=designer,
            project=project,
            code=code,
            name=name,
            unit="m3",
            selector={"classes": cls},
        )
    services_quantity.model_quantities_compute(actor=designer, project=project)
    return {
        "project": project.code,
        "revisions": [structure.pk, mep.pk],
        "clashes": dict((s, cs.clashes.filter(status=s).count()) for s in workflow.CLASH_STATUS),
    }


def _states(cs: ClashSet, designer, contractor) -> None:
    clashes = list(cs.clashes.order_by("a_guid", "b_guid"))
    if len(clashes) < 4:
        return
    org = contractor.organisation_id
    assigned, resolved, accepted = clashes[0], clashes[1], clashes[2]
    services_clash.clash_transition(
        actor=designer,
        clash=assigned,
        target=workflow.ASSIGNED,
        assignee_id=org,
        comment="请施工单位核对风管标高，考虑梁下穿越或预留套管",
    )
    services_clash.clash_transition(
        actor=designer, clash=resolved, target=workflow.ASSIGNED, assignee_id=org
    )
    services_clash.clash_transition(
        actor=contractor,
        clash=resolved,
        target=workflow.RESOLVED,
        comment="给水管改由梁下绕行，机电模型 M-02 将更新",
    )
    services_clash.clash_transition(
        actor=designer,
        clash=accepted,
        target=workflow.ACCEPTED,
        reason="按设计在梁腹预留钢套管，结构专业已复核开洞",
    )
