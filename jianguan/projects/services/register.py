"""The only writes to the project register. Each function is one transaction and ledgered."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from jianguan.accounts.models import Organisation, Town
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import today_local
from jianguan.ledger.services import record
from jianguan.projects import geo, workflow
from jianguan.projects.facts import project_facts
from jianguan.projects.models import (
    FundingSource,
    KeyNode,
    Participant,
    ParticipantRole,
    Person,
    Project,
    ProjectLead,
    ProjectStage,
    ProjectType,
    WarrantyClock,
)
from jianguan.projects.services.warnings import recompute_after_commit
from jianguan.projects.templates_data import TEMPLATES
from jianguan.rules.lookup import rule
from jianguan.workbench.search.index import index_on_commit

# Which organisation kinds may take which role on a project.
ROLE_KINDS = {
    "owner": {"owner"},
    "surveyor": {"surveyor"},
    "designer": {"designer"},
    "general_contractor": {"general_contractor"},
    "supervisor": {"supervisor"},
    "specialist_subcontractor": {"specialist_subcontractor", "general_contractor"},
    "labour_subcontractor": {"labour_subcontractor"},
}
DOCUMENT_FIELDS = (
    "approval_document",
    "design_review_document",
    "construction_permit",
    "construction_contract_ref",
    "completion_filing",
    "settlement_document",
    "archive_transfer",
)
MAX_BUDGET = Decimal("9999999999999.99")


def _money(value: Any) -> Decimal:
    if isinstance(value, float):
        value = str(value)
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed("批复概算须为金额（元）", code="bad_budget") from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_BUDGET:
        raise ValidationFailed("批复概算须为正数且不超过 10 万亿元", code="bad_budget")
    return amount


def _next_code(year: int) -> str:
    prefix = f"DX-{year}-"
    last = (
        Project.objects.filter(code__startswith=prefix)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _may_act_for_owner(actor: Actor, owner: Organisation) -> bool:
    return actor.is_system or actor.is_kind("regulator") or actor.organisation_id == owner.pk


def owner_side_check(actor: Actor, project: Project, permission: str, message: str) -> None:
    """The owner's side of a project (its owner organisation, or the regulator) holding the
    permission; else a Chinese 403 not_project_owner. Pages ask this before reading a form."""
    require(actor, permission)
    if not _may_act_for_owner(actor, project.owner):
        raise PermissionDenied(message, code="not_project_owner")


def _payload(project: Project) -> dict[str, Any]:
    return {
        "code": project.code,
        "name": project.name,
        "type": project.type,
        "funding": project.funding,
        "budget": project.budget,
        "town": project.town.name,
        "longitude": project.longitude,
        "latitude": project.latitude,
        "owner": project.owner.credit_code,
        "stage": project.stage,
    }


@transaction.atomic
def project_create(
    *,
    actor: Actor,
    name: str,
    type: str,
    funding: str,
    budget: Any,
    town: Town,
    longitude: Any,
    latitude: Any,
    owner: Organisation,
    site_polygon: dict | None = None,
    description: str = "",
    design_life_years: int = 50,
    code: str | None = None,
    planned: dict[str, tuple[dt.date | None, dt.date | None]] | None = None,
) -> Project:
    require(actor, "projects.create")
    if not _may_act_for_owner(actor, owner):
        raise PermissionDenied("只能为本单位登记项目", code="not_project_owner")
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationFailed("请填写项目名称（不超过 200 字）", code="validation_error")
    if type not in ProjectType.values:
        raise ValidationFailed("未知的项目类型", code="unknown_project_type")
    if funding not in FundingSource.values:
        raise ValidationFailed("未知的资金来源", code="unknown_funding")
    if owner.kind != "owner":
        raise ValidationFailed("建设单位须为“建设单位”类机构", code="bad_owner")
    if not 1 <= int(design_life_years) <= 200:
        raise ValidationFailed("设计使用年限须在 1 到 200 年之间", code="validation_error")
    try:
        lon, lat = geo.check_point(longitude, latitude)
        polygon = geo.check_polygon(site_polygon) if site_polygon else None
    except geo.GeoError as exc:
        raise ValidationFailed(str(exc), code="bad_location") from None
    planned = planned or {}
    problems = workflow.dates_in_order(
        [
            (workflow.STAGE_LABELS[workflow.Stage(s)], a, b)
            for s, (a, b) in planned.items()
            if s in workflow.Stage.__members__.values()
        ]
    )
    unknown = [s for s in planned if s not in workflow.Stage._value2member_map_]
    if unknown:
        raise ValidationFailed("未知的项目阶段：" + "、".join(unknown), code="unknown_stage")
    if problems:
        raise ValidationFailed(problems[0], code="dates_out_of_order", details=problems)
    code = code or _next_code(today_local().year)
    if Project.objects.filter(code=code).exists():
        raise Conflict(f"项目编号 {code} 已存在", code="duplicate_project_code")
    try:
        with transaction.atomic():
            project = Project.objects.create(
                code=code,
                name=name,
                type=type,
                funding=funding,
                budget=_money(budget),
                town=town,
                longitude=lon,
                latitude=lat,
                site_polygon=polygon,
                owner=owner,
                description=description or "",
                design_life_years=int(design_life_years),
            )
    except IntegrityError:
        raise Conflict(f"项目编号 {code} 已存在", code="duplicate_project_code") from None
    for stage in workflow.Stage:
        start, end = planned.get(stage.value, (None, None))
        ProjectStage.objects.create(
            project=project, stage=stage.value, planned_start=start, planned_end=end
        )
    ProjectStage.objects.filter(project=project, stage="approval").update(
        actual_start=today_local()
    )
    for seq, (node_code, node_name, gates) in enumerate(TEMPLATES[type], 1):
        KeyNode.objects.create(
            project=project, code=node_code, name=node_name, sequence=seq, gates_payment=gates
        )
    Participant.objects.create(project=project, organisation=owner, role="owner")
    record(actor=actor, type="project.created", obj=project, payload=_payload(project))
    recompute_after_commit(project.pk)
    index_on_commit(kind="projects", ids=[project.pk])
    return project


@transaction.atomic
def project_update(*, actor: Actor, project: Project, **changes: Any) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    owner_side_check(actor, project, "projects.update", "只能维护本单位的项目")
    allowed = {*DOCUMENT_FIELDS, "name", "description", "construction_permit_date", "is_public"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed("不可修改的字段：" + "、".join(sorted(unknown)), code="bad_field")
    diff = {}
    for key, value in changes.items():
        if key in DOCUMENT_FIELDS:
            value = (value or "").strip()[:100]
        if key == "name":
            value = (value or "").strip()
            if not value:
                raise ValidationFailed("项目名称不能为空", code="validation_error")
        if getattr(project, key) != value:
            diff[key] = [getattr(project, key), value]
            setattr(project, key, value)
    if diff:
        project.save()
        record(actor=actor, type="project.updated", obj=project, payload={"changes": diff})
        recompute_after_commit(project.pk)
        index_on_commit(kind="projects", ids=[project.pk])
    return project


def _start_warranty(project: Project, on: dt.date) -> list[WarrantyClock]:
    """质量管理条例 40: minimum warranty periods, counted from completion acceptance."""
    start = project.completion_date or on
    clocks = []
    specs = [
        ("基础设施和主体结构", None, project.design_life_years, "year"),
        (
            "屋面防水、有防水要求的卫生间、房间和外墙面的防渗漏",
            "warranty.waterproofing_min",
            None,
            None,
        ),
        ("电气管线、给排水管道、设备安装", "warranty.electrical_plumbing_min", None, None),
        ("装修工程", "warranty.fitout_min", None, None),
        ("供热与供冷系统", "warranty.heating_cooling_min", None, None),
    ]
    for scope, code, years, _unit in specs:
        if code:
            found = rule(code, on=start)
            value, unit, ref = found.value, found.unit, found.reference
        else:
            value, unit, ref = (
                years,
                "year",
                "《建设工程质量管理条例》第四十条（设计文件规定的合理使用年限）",
            )
        ends = None
        if unit == "year":
            try:
                ends = start.replace(year=start.year + int(value))
            except ValueError:  # 29 February
                ends = start.replace(year=start.year + int(value), day=28)
        description = (
            f"{value}{ {'year': '年', 'season': '个采暖期、供冷期'}.get(unit, unit) }（{ref}）"
        )
        clocks.append(
            WarrantyClock.objects.create(
                project=project,
                scope=scope,
                rule_code=code or "design_life",
                starts_on=start,
                ends_on=ends,
                description=description[:200],
            )
        )
    return clocks


@transaction.atomic
def project_transition(*, actor: Actor, project: Project, target: str) -> Project:
    require(actor, "projects.transition")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not _may_act_for_owner(actor, project.owner):
        raise PermissionDenied("只能推进本单位的项目", code="not_project_owner")
    try:
        unmet = workflow.check_transition(project.stage, target, project_facts(project))
    except workflow.TransitionError as exc:
        raise ValidationFailed(str(exc), code=exc.code) from None
    if unmet:
        raise ValidationFailed(
            "不满足进入下一阶段的条件：" + "；".join(u.message for u in unmet),
            code="guards_unmet",
            details=[{"code": u.code, "message": u.message} for u in unmet],
        )
    today = today_local()
    previous = project.stage
    ProjectStage.objects.filter(project=project, stage=previous).update(actual_end=today)
    ProjectStage.objects.filter(project=project, stage=target).update(actual_start=today)
    project.stage = target
    facts = project_facts(project)
    if target == "completion_acceptance" and facts["completion_date"]:
        project.completion_date = facts["completion_date"]
    project.save(update_fields=["stage", "completion_date", "updated_at"])
    clocks = _start_warranty(project, today) if target == "warranty" else []
    record(
        actor=actor,
        type="project.transitioned",
        obj=project,
        payload={"from": previous, "to": target, "warranty": [c.scope for c in clocks]},
    )
    recompute_after_commit(project.pk)
    return project


@transaction.atomic
def participant_add(
    *, actor: Actor, project: Project, organisation: Organisation, role: str
) -> Participant:
    owner_side_check(actor, project, "projects.participants", "只能管理本单位项目的参建单位")
    if role not in ParticipantRole.values:
        raise ValidationFailed("未知的参建角色", code="unknown_role")
    if organisation.kind not in ROLE_KINDS[role]:
        raise ValidationFailed(
            f"{organisation.name}（{organisation.get_kind_display()}）不能担任{ParticipantRole(role).label}",
            code="role_kind_mismatch",
        )
    participant, created = Participant.objects.get_or_create(
        project=project, organisation=organisation, role=role, defaults={"is_active": True}
    )
    if not created and participant.is_active:
        raise Conflict("该单位已是本项目的参建单位", code="duplicate_participant")
    participant.is_active = True
    participant.save()
    record(
        actor=actor,
        type="project.participant_added",
        obj=project,
        payload={"organisation": organisation.credit_code, "role": role},
    )
    return participant


ALLOWED_DOC_TYPES = {"application/pdf", "image/jpeg", "image/png"}
MAX_DOC_BYTES = 20 * 1024 * 1024


def _sm3(upload: UploadedFile) -> str:
    digest = hashlib.new("sm3")
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _check_upload(upload: UploadedFile | None, label: str) -> None:
    if upload is None:
        raise ValidationFailed(f"请上传{label}", code="missing_file")
    if upload.size > MAX_DOC_BYTES:
        raise ValidationFailed(f"{label}超过 20 MB", code="file_too_large")
    head = upload.read(8)
    upload.seek(0)
    if not (
        head.startswith(b"%PDF") or head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG")
    ):
        raise ValidationFailed(f"{label}须为 PDF、JPEG 或 PNG 文件", code="bad_file_type")


@transaction.atomic
def lead_file(
    *,
    actor: Actor,
    project: Project,
    party: str,
    person_name: str,
    certificate_number: str = "",
    id_number_masked: str = "",
    phone: str = "",
    authorisation: UploadedFile | None,
    commitment: UploadedFile | None,
    started_on: dt.date,
) -> ProjectLead:
    """File (or replace) a five-party lead; a replaced lead stays on record forever."""
    owner_side_check(actor, project, "projects.participants", "只能为本单位项目备案负责人")
    if party not in workflow.FIVE_PARTIES:
        raise ValidationFailed(
            "五方责任主体须为建设、勘察、设计、施工、监理单位之一", code="unknown_party"
        )
    participant = (
        Participant.objects.filter(project=project, role=party, is_active=True)
        .select_related("organisation")
        .first()
    )
    if participant is None:
        raise ValidationFailed(
            f"请先登记本项目的{ParticipantRole(party).label}", code="party_missing"
        )
    if not (person_name or "").strip():
        raise ValidationFailed("请填写负责人姓名", code="validation_error")
    _check_upload(authorisation, "法定代表人授权书")
    _check_upload(commitment, "质量终身责任承诺书")
    person = None
    if certificate_number:
        person = Person.objects.filter(certificate_number=certificate_number.strip()).first()
    if person is None:
        person = Person.objects.create(
            name=person_name.strip(),
            certificate_number=certificate_number.strip(),
            id_number_masked=id_number_masked[:20],
            phone=phone[:20],
        )
    auth_sm3, commit_sm3 = _sm3(authorisation), _sm3(commitment)
    lead = ProjectLead.objects.create(
        project=project,
        party=party,
        organisation=participant.organisation,
        person=person,
        authorisation_file=authorisation,
        authorisation_sm3=auth_sm3,
        commitment_file=commitment,
        commitment_sm3=commit_sm3,
        started_on=started_on,
    )
    previous = ProjectLead.objects.filter(
        project=project, party=party, ended_on__isnull=True
    ).exclude(pk=lead.pk)
    replaced = list(previous.values_list("person__name", flat=True))
    previous.update(ended_on=started_on, replaced_by=lead)
    record(
        actor=actor,
        type="project.lead_filed",
        obj=project,
        payload={
            "party": party,
            "person": person.name,
            "certificate": person.certificate_number,
            "organisation": participant.organisation.credit_code,
            "replaced": replaced,
        },
        files=[
            {"name": "authorisation", "sm3": auth_sm3},
            {"name": "commitment", "sm3": commit_sm3},
        ],
    )
    return lead
