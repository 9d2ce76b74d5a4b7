"""Project register API: `/api/v1/projects…` (signed in) and `/api/v1/public/projects` (anyone).

Parse → service/selector → schema. Every write goes through `projects.services` (which
ledgers it); reads go through the selectors, scoped to what the actor may see. Path ids are
strings parsed by hand, so that a huge or malformed id is a 404, never a 500.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from shapely.geometry import shape

from jianguan.accounts.models import Organisation, Town
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR, ErrorOut
from jianguan.core.errors import NotFound, ValidationFailed
from jianguan.projects import geo, selectors, services
from jianguan.projects import warnings as warning_rules
from jianguan.projects.models import (
    CompletionSignature,
    FundingSource,
    JointInspection,
    KeyNode,
    Participant,
    Project,
    ProjectLead,
    ProjectType,
    ProjectWarning,
    WarningEvent,
    WarningLevel,
)
from jianguan.projects.schemas import (
    InspectIn,
    KeyNodeRead,
    LeadForm,
    LeadRead,
    NearQuery,
    ParticipantIn,
    ParticipantRead,
    PolygonIn,
    ProjectCreate,
    ProjectPage,
    ProjectQuery,
    ProjectRead,
    ProjectUpdate,
    PublicProjectPage,
    PublicQuery,
    SignatureIn,
    SignaturesRead,
    SpatialPage,
    TransitionIn,
    WarningsRead,
    WithinQuery,
)
from jianguan.projects.services.warnings import EVENT_LABELS
from jianguan.projects.workflow import STAGE_LABELS, Stage

router = Router(tags=["项目台账"])
public_router = Router(tags=["项目公开信息"])


HISTORY_MAX = 500


def _pk(raw: str, what: str = "项目") -> int:
    return path_id(raw, what)


def _project(request: HttpRequest, project_id: str) -> Project:
    return selectors.project_get_visible_to(actor=request.actor, pk=_pk(project_id))


def _detail(pk: int) -> Project:
    return Project.objects.select_related("town", "owner").prefetch_related("stages").get(pk=pk)


# --- the register ----------------------------------------------------------------------------


def _filters(f: ProjectQuery) -> selectors.ProjectFilter:
    if f.stage and f.stage not in Stage._value2member_map_:
        raise ValidationFailed(f"未知的项目阶段：{f.stage}", code="unknown_stage")
    if f.type and f.type not in ProjectType.values:
        raise ValidationFailed(f"未知的项目类型：{f.type}", code="unknown_project_type")
    if f.funding and f.funding not in FundingSource.values:
        raise ValidationFailed(f"未知的资金来源：{f.funding}", code="unknown_funding")
    if f.sort not in selectors.SORTS:
        raise ValidationFailed(
            "排序字段不正确，可选：" + "、".join(selectors.SORTS), code="bad_sort"
        )
    if f.created_from and f.created_to and f.created_to < f.created_from:
        raise ValidationFailed("登记日期的结束日期早于开始日期", code="dates_out_of_order")
    return selectors.ProjectFilter(
        q=f.q.strip(),
        town=f.town,
        stage=f.stage,
        type=f.type,
        funding=f.funding,
        owner=f.owner,
        warning_level=f.warning_level,
        created_from=f.created_from,
        created_to=f.created_to,
        sort=f.sort,
    )


def _page(qs: QuerySet, limit: int, offset: int) -> dict[str, Any]:
    return {"count": qs.count(), "items": list(qs[offset : offset + limit])}


@router.get("", response={200: ProjectPage, **ERR}, summary="项目台账（筛选、排序、分页）")
def project_list(request: HttpRequest, filters: Query[ProjectQuery]):
    qs = selectors.project_list_visible_to(actor=request.actor, filters=_filters(filters))
    return _page(qs, filters.limit, filters.offset)


@router.post("", response={201: ProjectRead, **ERR}, summary="登记项目")
def project_create(request: HttpRequest, data: ProjectCreate):
    town = Town.objects.filter(pk=data.town).first()
    if town is None:
        raise ValidationFailed("未知的乡镇街道", code="unknown_town", details={"town": data.town})
    owner = Organisation.objects.filter(pk=data.owner, is_active=True).first()
    if owner is None:
        raise ValidationFailed(
            "未知的建设单位", code="unknown_owner", details={"owner": data.owner}
        )
    planned = {stage: (dates.start, dates.end) for stage, dates in (data.planned or {}).items()}
    project = services.project_create(
        actor=request.actor,
        code=data.code.strip() if data.code else None,
        name=data.name,
        type=data.type,
        funding=data.funding,
        budget=data.budget,
        town=town,
        owner=owner,
        longitude=data.longitude,
        latitude=data.latitude,
        site_polygon=data.site_polygon,
        description=data.description,
        design_life_years=data.design_life_years,
        planned=planned,
    )
    return Status(201, _detail(project.pk))


# --- spatial (before "/{project_id}" so that "spatial" is never read as an id) ---------------


def _spatial_items(
    visible: QuerySet, hits: list[tuple[int, float | None]], limit: int
) -> dict[str, Any]:
    chosen = hits[:limit]
    rows = {
        p.pk: p
        for p in visible.select_related(None)
        .filter(pk__in=[pk for pk, _ in chosen])
        .only("id", "code", "name", "stage", "warning_level", "longitude", "latitude")
    }
    items = []
    for pk, distance in chosen:
        p = rows[pk]
        items.append(
            {
                "id": p.pk,
                "code": p.code,
                "name": p.name,
                "stage": p.stage,
                "stage_label": STAGE_LABELS.get(Stage(p.stage), p.stage),
                "warning_level": p.warning_level,
                "longitude": p.longitude,
                "latitude": p.latitude,
                "distance_m": distance,
            }
        )
    return {"count": len(hits), "items": items}


def _within(request: HttpRequest, polygon: Any, limit: int) -> dict[str, Any]:
    try:
        clean = geo.check_polygon(polygon)
        west, south, east, north = shape(clean).bounds
    except geo.GeoError as exc:
        raise ValidationFailed(str(exc), code="bad_geojson") from None
    visible = selectors.project_list_visible_to(actor=request.actor).order_by("code", "pk")
    candidates = visible.filter(
        longitude__gte=round(west, 6) - 0.000001,
        longitude__lte=round(east, 6) + 0.000001,
        latitude__gte=round(south, 6) - 0.000001,
        latitude__lte=round(north, 6) + 0.000001,
    ).values_list("pk", "longitude", "latitude")
    inside = geo.within_polygon(candidates.iterator(), clean)
    return _spatial_items(visible, [(pk, None) for pk in inside], limit)


@router.get("/spatial/within", response={200: SpatialPage, **ERR}, summary="多边形范围内的项目")
def spatial_within_get(request: HttpRequest, params: Query[WithinQuery]):
    try:
        polygon = json.loads(params.polygon)
    except (ValueError, RecursionError):
        raise ValidationFailed("polygon 须为 GeoJSON 文本", code="bad_geojson") from None
    return _within(request, polygon, params.limit)


@router.post("/spatial/within", response={200: SpatialPage, **ERR}, summary="多边形范围内的项目")
def spatial_within_post(request: HttpRequest, data: PolygonIn):
    return _within(request, data.polygon, data.limit)


@router.get("/spatial/near", response={200: SpatialPage, **ERR}, summary="某点周边 N 米内的项目")
def spatial_near(request: HttpRequest, params: Query[NearQuery]):
    try:
        lon, lat = geo.check_point(params.lon, params.lat)
    except geo.GeoError as exc:
        raise ValidationFailed(str(exc), code="bad_location") from None
    if not 0 < params.radius_m <= 200_000:
        raise ValidationFailed("半径须在 0 到 200 公里之间", code="bad_radius")
    circle = geo.Circle(float(lon), float(lat), params.radius_m)
    west, south, east, north = circle.bbox()
    visible = selectors.project_list_visible_to(actor=request.actor)
    candidates = visible.filter(
        longitude__gte=round(west, 6),
        longitude__lte=round(east, 6),
        latitude__gte=round(south, 6),
        latitude__lte=round(north, 6),
    ).values_list("pk", "longitude", "latitude")
    hits = geo.within_distance(candidates.iterator(), circle)
    return _spatial_items(visible, hits, params.limit)


# --- one project --------------------------------------------------------------------------------


@router.get("/{project_id}", response={200: ProjectRead, **ERR}, summary="项目详情")
def project_detail(request: HttpRequest, project_id: str):
    return _detail(_project(request, project_id).pk)


@router.patch("/{project_id}", response={200: ProjectRead, **ERR}, summary="维护项目信息与文号")
def project_update(request: HttpRequest, project_id: str, data: ProjectUpdate):
    project = _project(request, project_id)
    changes = data.dict(exclude_unset=True)
    if "is_public" in changes and changes["is_public"] is None:
        raise ValidationFailed("is_public 须为 true 或 false", code="validation_error")
    if "description" in changes and changes["description"] is None:
        changes["description"] = ""
    if changes:
        services.project_update(actor=request.actor, project=project, **changes)
    return _detail(project.pk)


@router.post(
    "/{project_id}/transition",
    response={200: ProjectRead, **ERR},
    summary="推进到下一阶段（不满足条件时列出未满足的条件）",
)
def project_transition(request: HttpRequest, project_id: str, data: TransitionIn):
    project = _project(request, project_id)
    services.project_transition(actor=request.actor, project=project, target=data.target.strip())
    return _detail(project.pk)


# --- participants and leads ---------------------------------------------------------------------


@router.get(
    "/{project_id}/participants", response={200: list[ParticipantRead], **ERR}, summary="参建单位"
)
def participant_list(request: HttpRequest, project_id: str):
    project = _project(request, project_id)
    return list(
        Participant.objects.filter(project=project)
        .select_related("organisation")
        .order_by("role", "id")
    )


@router.post(
    "/{project_id}/participants", response={201: ParticipantRead, **ERR}, summary="登记参建单位"
)
def participant_add(request: HttpRequest, project_id: str, data: ParticipantIn):
    project = _project(request, project_id)
    organisation = Organisation.objects.filter(pk=data.organisation, is_active=True).first()
    if organisation is None:
        raise ValidationFailed(
            "未知的机构", code="unknown_organisation", details={"organisation": data.organisation}
        )
    participant = services.participant_add(
        actor=request.actor, project=project, organisation=organisation, role=data.role
    )
    return Status(201, Participant.objects.select_related("organisation").get(pk=participant.pk))


@router.get(
    "/{project_id}/leads",
    response={200: list[LeadRead], **ERR},
    summary="五方责任主体项目负责人（含已更换的，终身留存）",
)
def lead_list(request: HttpRequest, project_id: str):
    project = _project(request, project_id)
    return list(
        ProjectLead.objects.filter(project=project)
        .select_related("organisation", "person")
        .order_by("party", "-started_on", "-id")
    )


SNIFF = ((b"%PDF", ".pdf"), (b"\xff\xd8\xff", ".jpg"), (b"\x89PNG", ".png"))


def _safe_name(upload: UploadedFile | None, stem: str) -> UploadedFile | None:
    """Store uploads under our own short name: client file names are not trusted."""
    if upload is None:
        return None
    head = upload.read(8)
    upload.seek(0)
    ext = next((e for magic, e in SNIFF if head.startswith(magic)), ".bin")
    upload.name = f"{stem}{ext}"
    return upload


@router.post(
    "/{project_id}/leads",
    response={201: LeadRead, **ERR},
    summary="备案项目负责人（上传法定代表人授权书与终身责任承诺书）",
)
def lead_file(
    request: HttpRequest,
    project_id: str,
    data: Form[LeadForm],
    authorisation: File[UploadedFile] = None,  # type: ignore[assignment]
    commitment: File[UploadedFile] = None,  # type: ignore[assignment]
):
    project = _project(request, project_id)
    lead = services.lead_file(
        actor=request.actor,
        project=project,
        party=data.party,
        person_name=data.person_name,
        certificate_number=data.certificate_number,
        id_number_masked=data.id_number_masked,
        phone=data.phone,
        authorisation=_safe_name(authorisation, "authorisation"),
        commitment=_safe_name(commitment, "commitment"),
        started_on=data.started_on,
    )
    return Status(201, ProjectLead.objects.select_related("organisation", "person").get(pk=lead.pk))


# --- key nodes ------------------------------------------------------------------------------------


def _nodes(project: Project) -> QuerySet[KeyNode]:
    inspections = JointInspection.objects.order_by("round").prefetch_related("findings")
    return (
        KeyNode.objects.filter(project=project)
        .order_by("sequence")
        .prefetch_related(Prefetch("inspections", queryset=inspections))
    )


@router.get("/{project_id}/key-nodes", response={200: list[KeyNodeRead], **ERR}, summary="关键节点")
def key_node_list(request: HttpRequest, project_id: str):
    return list(_nodes(_project(request, project_id)))


@router.post(
    "/{project_id}/key-nodes/{node_id}/inspect",
    response={200: KeyNodeRead, **ERR},
    summary="联合检查签署（监理总监或监管检查员）",
)
def key_node_inspect(request: HttpRequest, project_id: str, node_id: str, data: InspectIn):
    project = _project(request, project_id)
    node = KeyNode.objects.filter(pk=_pk(node_id, "关键节点"), project=project).first()
    if node is None:
        raise NotFound("关键节点不存在", code="key_node_not_found")
    services.key_node_inspect(
        actor=request.actor, key_node=node, result=data.result.strip(), findings=data.findings
    )
    return _nodes(project).get(pk=node.pk)


# --- completion acceptance ------------------------------------------------------------------------


def _signatures(project: Project) -> dict[str, Any]:
    from jianguan.projects.workflow import completion_date

    rows = list(
        CompletionSignature.objects.filter(project=project)
        .select_related("lead__person")
        .order_by("signed_on", "id")
    )
    return {
        "signed": sorted(s.party for s in rows),
        "completion_date": completion_date({s.party: s.signed_on for s in rows}),
        "signatures": rows,
    }


@router.get(
    "/{project_id}/completion-signatures",
    response={200: SignaturesRead, **ERR},
    summary="竣工验收记录签字情况",
)
def completion_signatures(request: HttpRequest, project_id: str):
    return _signatures(_project(request, project_id))


@router.post(
    "/{project_id}/completion-signatures",
    response={201: SignaturesRead, **ERR},
    summary="五方负责人签署竣工验收记录（最后一位签字之日为竣工日期）",
)
def completion_sign(request: HttpRequest, project_id: str, data: SignatureIn):
    project = _project(request, project_id)
    services.completion_sign(
        actor=request.actor, project=project, party=data.party.strip(), signed_on=data.signed_on
    )
    return Status(201, _signatures(project))


# --- warnings -------------------------------------------------------------------------------------


@router.get(
    "/{project_id}/warnings",
    response={200: WarningsRead, **ERR},
    summary="预警：当前预警及其原因、历史记录",
)
def warning_list(request: HttpRequest, project_id: str):
    project = _project(request, project_id)
    active = list(
        ProjectWarning.objects.filter(project=project, cleared_at__isnull=True).order_by(
            "-level", "rule_code"
        )
    )
    events = (
        WarningEvent.objects.filter(warning__project=project)
        .select_related("warning")
        .order_by("-at", "-id")[:HISTORY_MAX]
    )
    history = [
        {
            "warning_id": e.warning_id,
            "rule_code": e.warning.rule_code,
            "rule_label": warning_rules.rule_label(e.warning.rule_code),
            "kind": e.kind,
            "kind_label": EVENT_LABELS.get(e.kind, e.kind),
            "level": e.level,
            "level_label": WarningLevel(e.level).label,
            "reason": e.reason,
            "at": e.at,
        }
        for e in events
    ]
    return {
        "level": project.warning_level,
        "level_label": WarningLevel(project.warning_level).label,
        "active": active,
        "history": history,
    }


# --- public ---------------------------------------------------------------------------------------


@public_router.get(
    "/projects",
    response={200: PublicProjectPage, 400: ErrorOut},
    auth=None,
    summary="公开的项目基本信息（无需登录）",
)
def public_project_list(request: HttpRequest, filters: Query[PublicQuery]):
    if filters.stage and filters.stage not in Stage._value2member_map_:
        raise ValidationFailed(f"未知的项目阶段：{filters.stage}", code="unknown_stage")
    if filters.type and filters.type not in ProjectType.values:
        raise ValidationFailed(f"未知的项目类型：{filters.type}", code="unknown_project_type")
    qs = selectors.project_list_public(
        filters=selectors.ProjectFilter(
            q=filters.q.strip(), town=filters.town, stage=filters.stage, type=filters.type
        )
    )
    qs = qs.select_related(None).select_related("town")
    qs = qs.only("code", "name", "type", "stage", "longitude", "latitude", "town__name")
    return _page(qs, filters.limit, filters.offset)
