from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jianguan.accounts.selectors import organisation_get_visible_to
from jianguan.core.api_schemas import ErrorOut
from jianguan.core.errors import NotFound, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.registry import selectors, services
from jianguan.registry.schemas import (
    AssignmentCreate,
    AssignmentRead,
    CredentialsRead,
    EligibilityRead,
    ExpiringRead,
    ImportResult,
    LicenceCreate,
    LicenceRead,
    PersonCreate,
    PersonRead,
    QualificationCreate,
    QualificationRead,
    QualificationUpdate,
    StandardCreate,
    StandardRead,
)

router = Router(tags=["资质与准入"])


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _org(request: HttpRequest, org_id: int):
    return organisation_get_visible_to(actor=request.actor, pk=org_id)


@router.get(
    "/organisations/{int:org_id}/credentials",
    response={200: CredentialsRead, **ERRORS},
    summary="单位资质、安全生产许可证与注册人员",
)
def credentials(request: HttpRequest, org_id: int):
    org = _org(request, org_id)
    return {
        "organisation_id": org.pk,
        **selectors.credentials_of(actor=request.actor, organisation=org),
    }


@router.post(
    "/organisations/{int:org_id}/qualifications",
    response={201: QualificationRead, **ERRORS},
    summary="登记企业资质（监管部门或本单位）",
)
def qualification_add(request: HttpRequest, org_id: int, data: QualificationCreate):
    org = _org(request, org_id)
    return Status(
        201, services.qualification_add(actor=request.actor, organisation=org, **data.dict())
    )


@router.patch(
    "/qualifications/{int:pk}", response={200: QualificationRead, **ERRORS}, summary="变更企业资质"
)
def qualification_update(request: HttpRequest, pk: int, data: QualificationUpdate):
    q = selectors.qualification_get(actor=request.actor, pk=pk)
    changes = {k: v for k, v in data.dict().items() if v is not None}
    return services.qualification_update(actor=request.actor, qualification=q, **changes)


@router.post(
    "/organisations/{int:org_id}/safety-licences",
    response={201: LicenceRead, **ERRORS},
    summary="登记安全生产许可证",
)
def licence_add(request: HttpRequest, org_id: int, data: LicenceCreate):
    org = _org(request, org_id)
    return Status(
        201, services.safety_licence_add(actor=request.actor, organisation=org, **data.dict())
    )


@router.post(
    "/organisations/{int:org_id}/persons",
    response={201: PersonRead, **ERRORS},
    summary="登记注册人员",
)
def person_register(request: HttpRequest, org_id: int, data: PersonCreate):
    org = _org(request, org_id)
    fields = data.dict()
    fields["grade"] = fields["grade"] or ""
    return Status(201, services.person_register(actor=request.actor, employer=org, **fields))


@router.post(
    "/persons/{int:pk}/assignments",
    response={201: AssignmentRead, **ERRORS},
    summary="注册人员项目任职（一名注册建造师只能担任一个在建项目的负责人）",
)
def person_assign(request: HttpRequest, pk: int, data: AssignmentCreate):
    from jianguan.projects.models import Project

    person = selectors.person_get(actor=request.actor, pk=pk)
    project = Project.objects.filter(pk=data.project_id).first()
    if project is None:
        raise NotFound("项目不存在", code="project_not_found")
    assignment = services.person_assign(
        actor=request.actor,
        person=person,
        project=project,
        role=data.role,
        start=data.start,
        end=data.end,
    )
    return Status(201, assignment)


@router.post(
    "/organisations/{int:org_id}/import",
    response={201: ImportResult, **ERRORS},
    summary="从 Excel 导入资质与注册人员（全部成功才写入）",
)
def registry_import(request: HttpRequest, org_id: int, file: File[UploadedFile]):
    org = _org(request, org_id)
    return Status(
        201, services.registry_import_xlsx(actor=request.actor, organisation=org, file=file)
    )


@router.get("/standards", response={200: list[StandardRead], **ERRORS}, summary="准入标准列表")
def standard_list(request: HttpRequest):
    return list(selectors.standard_list(actor=request.actor))


@router.post("/standards", response={201: StandardRead, **ERRORS}, summary="制定准入标准")
def standard_define(request: HttpRequest, data: StandardCreate):
    return Status(201, services.access_standard_define(actor=request.actor, **data.dict()))


class EligibilityQuery(Schema):
    organisation: int
    standard: int
    on: dt.date | None = None


@router.get("/eligibility", response={200: EligibilityRead, **ERRORS}, summary="核验准入条件")
def eligibility(request: HttpRequest, q: Query[EligibilityQuery]):
    org = _org(request, q.organisation)
    standard = selectors.standard_get(actor=request.actor, pk=q.standard)
    on = q.on or today_local()
    result = selectors.eligibility_check(
        actor=request.actor, organisation=org, standard=standard, on=on
    )
    return {"organisation_id": org.pk, "standard_id": standard.pk, "on": on, **result}


class ExpiringQuery(Schema):
    within_days: int = 90
    organisation: int | None = None


@router.get("/expiring", response={200: list[ExpiringRead], **ERRORS}, summary="即将到期的证照")
def expiring(request: HttpRequest, q: Query[ExpiringQuery]):
    if not 0 <= q.within_days <= 3650:
        raise ValidationFailed("within_days 取 0–3650", code="bad_range")
    org = _org(request, q.organisation) if q.organisation is not None else None
    from jianguan.core.permissions import require

    require(request.actor, "registry.view")
    return selectors.expiring(today_local(), q.within_days, org)
