"""Reads of RFIs and submittals, scoped to the actor: the parties of a project and the
district's regulator (and finance/auditor, who see every project) see its RFIs and
submittals; nobody else learns they exist (404)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jianguan.collab.rfis import workflow
from jianguan.collab.rfis.models import Rfi, RfiAttachment, Submittal, SubmittalRevision
from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, PermissionDenied
from jianguan.core.timeutil import today_local
from jianguan.projects.models import Project
from jianguan.projects.selectors import project_get_visible_to, project_list_visible_to

ID_MAX = 2**62


def _require(actor: Actor) -> None:
    if not actor.is_authenticated:
        raise PermissionDenied("请先登录", code="unauthenticated")
    if not actor.can("collab_rfis.view"):
        raise PermissionDenied("无权查看工作联系单与报审", code="permission_denied")


def visible_projects(actor: Actor) -> QuerySet[Project]:
    _require(actor)
    return project_list_visible_to(actor=actor)


def project_for(*, actor: Actor, pk: int) -> Project:
    _require(actor)
    if not 0 < pk <= ID_MAX:
        raise NotFound("项目不存在", code="project_not_found")
    return project_get_visible_to(actor=actor, pk=pk)


def rfis_visible_to(*, actor: Actor) -> QuerySet[Rfi]:
    ids = visible_projects(actor).values("pk")
    # drafts are the asker's own until submitted
    mine = Q(asked_by_org_id=actor.organisation_id or 0)
    return Rfi.objects.filter(
        Q(project_id__in=ids), ~Q(state=workflow.DRAFT) | mine
    ).select_related("project", "asked_by", "asked_by_org", "addressed_to", "answered_by")


def rfi_list(
    *,
    actor: Actor,
    project_id: int | None = None,
    state: str = "",
    court: str = "",
    overdue: bool = False,
) -> QuerySet[Rfi]:
    """court: "mine" (the ball is in the actor's organisation's court), "asker", "addressee"."""
    qs = rfis_visible_to(actor=actor)
    if project_id is not None:
        qs = qs.filter(project_id=project_id if 0 < project_id <= ID_MAX else 0)
    if state:
        qs = qs.filter(state=state)
    if court == "mine":
        org = actor.organisation_id or 0
        asker = Q(
            state__in=[workflow.DRAFT, workflow.RETURNED, workflow.ANSWERED], asked_by_org_id=org
        )
        qs = qs.filter(asker | Q(state=workflow.OPEN, addressed_to_id=org))
    elif court == workflow.ASKER:
        qs = qs.filter(state__in=[workflow.DRAFT, workflow.RETURNED, workflow.ANSWERED])
    elif court == workflow.ADDRESSEE:
        qs = qs.filter(state=workflow.OPEN)
    if overdue:
        qs = qs.filter(state=workflow.OPEN, due_on__lt=today_local())
    return qs.order_by("-created_at", "-pk")


def rfi_get(*, actor: Actor, pk: int) -> Rfi:
    _require(actor)
    rfi = rfis_visible_to(actor=actor).filter(pk=pk if 0 < pk <= ID_MAX else 0).first()
    if rfi is None:
        raise NotFound("联系单不存在", code="rfi_not_found")
    return rfi


def thread(rfi: Rfi) -> list:
    return list(
        rfi.responses.select_related("author", "organisation").prefetch_related("attachments")
    )


def attachment_get(*, actor: Actor, pk: int) -> RfiAttachment:
    a = RfiAttachment.objects.filter(pk=pk if 0 < pk <= ID_MAX else 0).first()
    if a is None:
        raise NotFound("附件不存在", code="attachment_not_found")
    rfi_get(actor=actor, pk=a.rfi_id)
    return a


def submittals_visible_to(*, actor: Actor) -> QuerySet[Submittal]:
    ids = visible_projects(actor).values("pk")
    return Submittal.objects.filter(project_id__in=ids).select_related(
        "project", "submitted_by", "submitter_org", "reviewer_org"
    )


def submittal_list(
    *, actor: Actor, project_id: int | None = None, state: str = "", overdue: bool = False
) -> QuerySet[Submittal]:
    qs = submittals_visible_to(actor=actor)
    if project_id is not None:
        qs = qs.filter(project_id=project_id if 0 < project_id <= ID_MAX else 0)
    if state:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(state=workflow.UNDER_REVIEW, due_on__lt=today_local())
    return qs.order_by("-created_at", "-pk")


def submittal_get(*, actor: Actor, pk: int) -> Submittal:
    _require(actor)
    s = submittals_visible_to(actor=actor).filter(pk=pk if 0 < pk <= ID_MAX else 0).first()
    if s is None:
        raise NotFound("报审事项不存在", code="submittal_not_found")
    return s


def revisions(s: Submittal) -> list[SubmittalRevision]:
    return list(s.revisions.select_related("submitted_by", "reviewed_by").order_by("-revision"))


def revision_get(*, actor: Actor, pk: int) -> SubmittalRevision:
    rev = SubmittalRevision.objects.filter(pk=pk if 0 < pk <= ID_MAX else 0).first()
    if rev is None:
        raise NotFound("报审版次不存在", code="revision_not_found")
    submittal_get(actor=actor, pk=rev.submittal_id)
    return rev


def escalated_to_regulator(*, actor: Actor) -> dict[str, list]:
    """What sits at level 3 (the regulator's 督办): open RFIs and submittals under review."""
    rfis = list(
        rfis_visible_to(actor=actor).filter(state=workflow.OPEN, escalation_level__gte=3)[:50]
    )
    subs = list(
        submittals_visible_to(actor=actor).filter(
            state=workflow.UNDER_REVIEW, escalation_level__gte=3
        )[:50]
    )
    return {"rfis": rfis, "submittals": subs}
