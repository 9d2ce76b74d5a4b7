"""API of onboarding, on the accounts router (imported at the end of accounts/api.py): the
regulator's review of applications, and one's own login history."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query

from jianguan.accounts.api import ERRORS, router
from jianguan.accounts.onboarding import selectors, services
from jianguan.accounts.onboarding.schemas import (
    ApplicationFilter,
    ApplicationRead,
    DecisionIn,
    DecisionOut,
    LoginRead,
)


@router.get(
    "/accounts/applications",
    response={200: list[ApplicationRead], **ERRORS},
    summary="入驻申请列表（监管部门）",
)
def application_list(request: HttpRequest, filters: Query[ApplicationFilter]):
    return list(
        selectors.application_list_for_review(actor=request.actor, status=filters.status or None)
    )


@router.get(
    "/accounts/applications/{int:application_id}",
    response={200: ApplicationRead, **ERRORS},
    summary="入驻申请详情（监管部门）",
)
def application_detail(request: HttpRequest, application_id: int):
    return selectors.application_get_for_review(actor=request.actor, pk=application_id)


@router.post(
    "/accounts/applications/{int:application_id}/decision",
    response={200: DecisionOut, **ERRORS},
    summary="审核入驻申请：通过或退回（监管部门）",
)
def application_decide(request: HttpRequest, application_id: int, data: DecisionIn):
    """Approve (the organisation, its administrator and a one-time set-password link) or
    return with reasons (400 `reasons_required` without). Ledgered."""
    app = selectors.application_get_for_review(actor=request.actor, pk=application_id)
    link = None
    if data.decision == "approve":
        app, link = services.application_approve(
            actor=request.actor, application=app, reasons=data.reasons
        )
    else:
        app = services.application_return(
            actor=request.actor, application=app, reasons=data.reasons
        )
    return {"application": app, "set_password_link": link}


@router.get("/me/logins", response={200: list[LoginRead], **ERRORS}, summary="我的登录记录")
def my_logins(request: HttpRequest):
    return selectors.login_history(actor=request.actor)
