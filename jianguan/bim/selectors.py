"""Reads of BIM, scoped to the actor: the district's regulator and a project's participants
(owner, designer, general contractor, supervisor) see its models and clashes; anyone else gets
"not found" (a project they cannot see does not exist for them)."""

from __future__ import annotations

from django.db.models import QuerySet

from jianguan.bim import workflow
from jianguan.bim.models import BoqMapping, Clash, ClashSet, ModelQuantity, ModelRevision
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.projects.models import Participant, Project

ID_MAX = 2**62
ROLES = ("owner", "designer", "general_contractor", "supervisor")


def _require(actor: Actor) -> None:
    if not actor.is_authenticated:
        raise PermissionDenied("请先登录", code="unauthenticated")
    if not actor.can("bim.view"):
        raise PermissionDenied("无权查看 BIM 模型", code="permission_denied")


def project_ids(actor: Actor) -> QuerySet | None:
    """The projects whose models the actor sees (None: every project, the regulator)."""
    _require(actor)
    if actor.is_kind("regulator"):
        return None
    return Participant.objects.filter(
        organisation_id=actor.organisation_id, role__in=ROLES, is_active=True
    ).values("project_id")


def roles_in(actor: Actor, project_id: int) -> set[str]:
    if actor.organisation_id is None:
        return set()
    return set(
        Participant.objects.filter(
            project_id=project_id, organisation_id=actor.organisation_id, is_active=True
        ).values_list("role", flat=True)
    )


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


def revisions_visible_to(*, actor: Actor, project_id: int | None = None) -> QuerySet:
    qs = _scoped(ModelRevision.objects.select_related("project", "uploaded_by"), actor)
    if project_id:
        qs = qs.filter(project_id=project_id)
    return qs.order_by("-created_at", "-pk")


def revision_get(*, actor: Actor, pk: int) -> ModelRevision:
    return _get(revisions_visible_to(actor=actor), pk, "模型版本", "revision_not_found")


def latest_ready(project_id: int, discipline: str) -> ModelRevision | None:
    return (
        ModelRevision.objects.filter(
            project_id=project_id, discipline=discipline, status=workflow.READY
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def clash_sets_visible_to(*, actor: Actor, project_id: int | None = None) -> QuerySet:
    qs = _scoped(ClashSet.objects.select_related("project", "organisation"), actor)
    if project_id:
        qs = qs.filter(project_id=project_id)
    return qs.order_by("-created_at", "-pk")


def clash_set_get(*, actor: Actor, pk: int) -> ClashSet:
    return _get(clash_sets_visible_to(actor=actor), pk, "碰撞检测集", "clash_set_not_found")


def clashes_visible_to(
    *,
    actor: Actor,
    project_id: int | None = None,
    clash_set_id: int | None = None,
    status: str | None = None,
    type: str | None = None,
    assignee_id: int | None = None,
) -> QuerySet:
    qs = _scoped(Clash.objects.select_related("clash_set", "assignee", "project"), actor)
    for field, value in (
        ("project_id", project_id),
        ("clash_set_id", clash_set_id),
        ("status", status),
        ("type", type),
        ("assignee_id", assignee_id),
    ):
        if value:
            qs = qs.filter(**{field: value})
    return qs.order_by("clash_set_id", "group_key", "pk")


def clash_get(*, actor: Actor, pk: int) -> Clash:
    return _get(clashes_visible_to(actor=actor), pk, "碰撞", "clash_not_found")


def mappings_visible_to(*, actor: Actor, project_id: int | None = None) -> QuerySet:
    qs = _scoped(BoqMapping.objects.all(), actor)
    if project_id:
        qs = qs.filter(project_id=project_id)
    return qs.order_by("code")


def mapping_get(*, actor: Actor, pk: int) -> BoqMapping:
    return _get(mappings_visible_to(actor=actor), pk, "清单对应关系", "mapping_not_found")


def quantities_of(revision: ModelRevision) -> QuerySet:
    return ModelQuantity.objects.filter(revision=revision).order_by("code")


def unresolved_hard(project_id: int) -> int:
    return Clash.objects.filter(
        project_id=project_id, type="hard", status__in=workflow.OPEN_STATUSES
    ).count()
