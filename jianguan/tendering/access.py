"""Who may run a project's tendering: the project's owner (招标人), or a tender agency the
owner has entrusted with it (招标投标法 12–13) under an entrustment that is active today.

This is the one check behind every service, page and API route that manages a tender
(create, edit, publish, clarify, answer objections, review, conclude, award, cancel,
retender). An agency acts only on the tenders it runs itself, and only while its
entrustment lasts: a withdrawal or the end date stops it at once.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from jianguan.core.actor import Actor
from jianguan.core.errors import PermissionDenied
from jianguan.core.permissions import require
from jianguan.core.timeutil import today_local
from jianguan.projects.models import Project
from jianguan.tendering.models import Entrustment, Tender

NO_ENTRUSTMENT = "贵单位未受建设单位委托办理该项目的招标（招标投标法第十二、十三条）"
NOT_TENDERER = "只有该项目的建设单位（招标人）或其委托的招标代理机构可以办理招标"
NOT_ITS_TENDER = "该招标项目不由贵单位代理：招标代理机构只能办理本单位受托并承办的招标项目"


def today() -> dt.date:
    """Entrustment dates are days in Asia/Shanghai."""
    return today_local()


def active_entrustments(on: dt.date | None = None) -> QuerySet[Entrustment]:
    """Entrustments in force on the day (Asia/Shanghai): not withdrawn, within their dates."""
    on = on or today()
    return Entrustment.objects.filter(status=Entrustment.ACTIVE, starts_on__lte=on, ends_on__gte=on)


def is_entrusted(agency_id: int | None, project_id: int, on: dt.date | None = None) -> bool:
    if agency_id is None:
        return False
    return active_entrustments(on).filter(agency_id=agency_id, project_id=project_id).exists()


def entrusted_project_ids(organisation_id: int | None) -> QuerySet:
    """The projects the organisation is entrusted with today (a subquery of ids)."""
    return active_entrustments().filter(agency_id=organisation_id).values("project_id")


def manage_denial(
    actor: Actor, *, project: Project | None = None, tender: Tender | None = None
) -> PermissionDenied | None:
    """None when the actor's organisation may manage the project's tendering (or this
    tender); else the refusal to raise. The grant (`tendering.manage`) is checked apart."""
    if actor.is_system:
        return None
    org = actor.organisation_id
    if tender is not None:
        owner_id, project_id = tender.tenderer_id, tender.project_id
    elif project is not None:
        owner_id, project_id = project.owner_id, project.pk
    else:  # pragma: no cover - a programming error
        raise TypeError("manage_denial() needs a project or a tender")
    if org is not None and org == owner_id:
        return None
    if not actor.is_kind("tender_agency"):
        return PermissionDenied(NOT_TENDERER, code="not_tenderer")
    if not is_entrusted(org, project_id):
        return PermissionDenied(NO_ENTRUSTMENT, code="no_entrustment")
    if tender is not None and tender.agency_id != org:
        return PermissionDenied(NOT_ITS_TENDER, code="not_tender_agency")
    return None


def require_manage(
    actor: Actor, *, project: Project | None = None, tender: Tender | None = None
) -> None:
    """The manage grant, then the owner or its entrusted agency; raises a Chinese 403."""
    require(actor, "tendering.manage")
    denial = manage_denial(actor, project=project, tender=tender)
    if denial is not None:
        raise denial


def can_manage(actor: Actor, tender: Tender) -> bool:
    return actor.can("tendering.manage") and manage_denial(actor, tender=tender) is None


def involved(actor: Actor, tender: Tender) -> bool:
    """The tenderer or the agency that runs the tender for it today (reads after opening)."""
    if actor.organisation_id is None and not actor.is_system:
        return False
    return manage_denial(actor, tender=tender) is None
