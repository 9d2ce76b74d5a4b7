"""The demo district's RFIs and submittals, made through the services on the demo contract's
project in a believable past: a technical query answered and closed; one with a cost impact
answered and turned into a variation of the demo contract; a work-contact letter to the
owner left unanswered for weeks, which the clock sweep escalated level by level up to the
regulator's dashboard; one returned for more information; a special scheme approved by the
supervisor (the stamped PDF issued on the ledger) and a material submittal rejected for
revision. Idempotent."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import Membership
from jianguan.collab.rfis import services, services_submittal, workflow
from jianguan.collab.rfis.models import Rfi
from jianguan.core.demo import clock
from jianguan.core.timeutil import now, today_local

PACKAGE = "jianguan.collab.rfis"


def _contract():
    from jianguan.accounts.models import User
    from jianguan.contracts import workflow as cwf
    from jianguan.contracts.models import Contract

    gc = User.objects.filter(username="contractor").first()
    if gc is None:
        return None, None
    contractor = actor_for(gc)
    contract = (
        Contract.objects.filter(
            kind="main", contractor_id=contractor.organisation_id, status__in=cwf.IN_FORCE
        )
        .select_related("project")
        .order_by("pk")
        .first()
    )
    return contractor, contract


def _member(org_id: int | None, *roles: str):
    """An active member of the organisation acting for it (a demo login where there is one)."""
    if org_id is None:
        return None
    rows = Membership.objects.filter(organisation_id=org_id, is_active=True).select_related("user")
    for m in rows.order_by("pk"):
        if not roles or set(m.roles or ()) & set(roles):
            return actor_for(m.user, org_id)
    return None


def _pdf(title: str, pages: int = 3) -> SimpleUploadedFile:
    from reportlab.pdfgen.canvas import Canvas

    from jianguan.core.pdf import font

    buf = io.BytesIO()
    canv = Canvas(buf, invariant=1)
    for i in range(pages):
        canv.setFont(font(), 16)
        canv.drawString(72, 760, title)
        canv.setFont(font(), 11)
        canv.drawString(72, 730, f"第 {i + 1} 页 / 共 {pages} 页")
        canv.showPage()
    canv.save()
    return SimpleUploadedFile(f"{title}.pdf", buf.getvalue(), content_type="application/pdf")


def _party(project, role: str):
    from jianguan.projects.models import Participant

    part = (
        Participant.objects.filter(project=project, role=role, is_active=True)
        .order_by("pk")
        .first()
    )
    return part.organisation_id if part else None


LINE = {
    "code": "010904001901",
    "name": "地下室外墙增设一道 SBS 改性沥青防水卷材",
    "unit": "m2",
    "unit_rate": "68.50",
    "quantity": "1260",
}


def seed() -> dict[str, object]:
    contractor, contract = _contract()
    if contract is None:
        return {"skipped": "no contract"}
    project = contract.project
    if Rfi.objects.filter(project=project).exists():
        return {"skipped": True}
    owner_org, sup_org = _party(project, "owner"), _party(project, "supervisor")
    designer_org = _party(project, "designer") or sup_org
    owner, designer = _member(owner_org), _member(designer_org)
    supervisor = _member(sup_org, "signer", "admin")
    if None in (owner, designer, supervisor):
        return {"skipped": "project parties without members"}
    out: dict[str, object] = {}
    start = now() - dt.timedelta(days=30)
    with clock(start, PACKAGE):
        closed = services.rfi_raise(
            actor=contractor,
            project=project,
            kind=workflow.TECHNICAL,
            subject="框架柱 KZ3 箍筋加密区长度与图集不一致",
            question="结施-05 注明加密区 500mm，22G101-1 要求取柱长边尺寸与 Hn/6 的较大值"
            "（本层为 650mm），请设计核定以哪一个为准。",
            addressed_to_id=designer.organisation_id,
        )
        costly = services.rfi_raise(
            actor=contractor,
            project=project,
            kind=workflow.TECHNICAL,
            subject="地下室外墙防水层数",
            question="建施-12 为一道防水卷材，结施-03 说明为两道，请核定。若为两道将增加费用。",
            addressed_to_id=designer.organisation_id,
            cost_impact=True,
            cost_estimate="86310.00",
            schedule_impact_days=4,
        )
        late = services.rfi_raise(
            actor=contractor,
            project=project,
            kind=workflow.CONTACT,
            subject="东侧临时道路占用绿地",
            question="为满足混凝土罐车通行，需临时占用东侧绿地约 300 平方米，工期约两个月，"
            "请建设单位协调园林部门并答复。",
            addressed_to_id=owner.organisation_id,
        )
    with clock(start + dt.timedelta(days=3), PACKAGE):
        services.rfi_act(
            actor=designer,
            rfi=closed,
            action="answer",
            text="按 22G101-1 执行，加密区长度取 650mm，设计变更通知随后发出。",
        )
        services.rfi_act(
            actor=designer,
            rfi=costly,
            action="answer",
            text="按两道防水施工（结施-03 为准），建施-12 将出修改单。",
        )
        services.rfi_act(actor=contractor, rfi=closed, action="close")
        variation = services.rfi_raise_variation(
            actor=contractor, rfi=costly, contract_id=contract.pk, lines=[LINE]
        )
        out["variation"] = variation.number
    with clock(now() - dt.timedelta(days=6), PACKAGE):
        returned = services.rfi_raise(
            actor=contractor,
            project=project,
            kind=workflow.CONTACT,
            priority=workflow.URGENT,
            subject="塔吊基础位置调整",
            question="原定塔吊基础与地下管线冲突，拟向北移 3 米，请监理确认。",
            addressed_to_id=supervisor.organisation_id,
        )
        services.rfi_act(
            actor=supervisor,
            rfi=returned,
            action="return",
            text="请附管线探测报告和塔吊基础计算书。",
        )
        approved = services_submittal.submittal_submit(
            actor=contractor,
            project=project,
            kind="special_scheme",
            title="深基坑支护及降水专项施工方案",
            description="基坑深 6.8 米，超过一定规模",
            file=_pdf("深基坑支护及降水专项施工方案"),
        )
        rejected = services_submittal.submittal_submit(
            actor=contractor,
            project=project,
            kind="material",
            title="HRB400E 钢筋进场报验",
            file=_pdf("HRB400E 钢筋进场报验", 2),
        )
    with clock(now() - dt.timedelta(days=4), PACKAGE):
        services_submittal.submittal_review(
            actor=supervisor,
            submittal=approved,
            decision=workflow.APPROVED_WITH_COMMENTS,
            comments="降水井间距按计算书复核后实施。",
        )
        services_submittal.submittal_review(
            actor=supervisor,
            submittal=rejected,
            decision=workflow.REJECTED,
            comments="缺少本批次复试报告，请补充后重新报审。",
        )
    # the unanswered letter: the sweep chases it up to the regulator's dashboard
    out["sweep"] = services.clock_sweep(today=today_local())
    late.refresh_from_db()
    out["escalation_level"] = late.escalation_level
    out["rfis"] = Rfi.objects.filter(project=project).count()
    return out
