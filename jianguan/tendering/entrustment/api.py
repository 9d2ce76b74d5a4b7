"""招标委托 API under /api/v1/tendering/entrustments: the owner entrusts a tender agency with
a project's tendering (multipart, the 委托合同 PDF as the part `contract`) and withdraws it;
owner, agency and regulators list what they may see."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from jianguan.accounts.models import Organisation
from jianguan.core.api_params import path_id
from jianguan.core.api_schemas import ERR
from jianguan.core.errors import NotFound
from jianguan.projects.selectors import project_get_visible_to
from jianguan.tendering import access, selectors, services
from jianguan.tendering.models import Entrustment
from jianguan.tendering.schemas import EntrustmentForm, EntrustmentRead, EntrustmentWithdrawIn

router = Router(tags=["电子招标投标"])


def entrustment_out(e: Entrustment) -> dict:
    return {
        "id": e.pk,
        "project_id": e.project_id,
        "project_code": e.project.code,
        "project_name": e.project.name,
        "owner_name": e.project.owner.name,
        "agency_id": e.agency_id,
        "agency_name": e.agency.name,
        "scope": e.scope,
        "starts_on": e.starts_on,
        "ends_on": e.ends_on,
        "status": e.status,
        "status_label": Entrustment.STATUSES.get(e.status, e.status),
        "in_force": e.status == Entrustment.ACTIVE and e.starts_on <= access.today() <= e.ends_on,
        "contract_sm3": e.contract_sm3,
        "contract_size": e.contract_size,
        "created_at": e.created_at,
        "withdrawn_at": e.withdrawn_at,
        "withdraw_reason": e.withdraw_reason,
    }


def _entrustment(request: HttpRequest, raw: str) -> Entrustment:
    return selectors.entrustment_get_visible_to(actor=request.actor, pk=path_id(raw, "招标委托"))


@router.get(
    "/entrustments",
    response={200: list[EntrustmentRead], **ERR},
    summary="招标委托列表（建设单位看本单位项目的，代理机构看受托的）",
)
def entrustment_list(request: HttpRequest):
    qs = selectors.entrustments_visible_to(actor=request.actor)[:500]
    return [entrustment_out(e) for e in qs]


@router.post(
    "/entrustments",
    response={201: EntrustmentRead, **ERR},
    summary="委托招标代理机构（上传委托合同 PDF）",
)
def entrustment_create(
    request: HttpRequest,
    data: Form[EntrustmentForm],
    contract: File[UploadedFile] = None,  # type: ignore[assignment]
):
    project = project_get_visible_to(actor=request.actor, pk=data.project_id)
    agency = Organisation.objects.filter(pk=data.agency_id).first()
    if agency is None:
        raise NotFound("招标代理机构不存在", code="agency_not_found")
    item = services.entrustment_create(
        actor=request.actor,
        project=project,
        agency=agency,
        scope=data.scope,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        contract_file=contract,
    )
    return Status(201, entrustment_out(_entrustment(request, str(item.pk))))


@router.post(
    "/entrustments/{entrustment_id}/withdraw",
    response={200: EntrustmentRead, **ERR},
    summary="撤销招标委托（代理机构即时失去办理权限）",
)
def entrustment_withdraw(request: HttpRequest, entrustment_id: str, data: EntrustmentWithdrawIn):
    item = services.entrustment_withdraw(
        actor=request.actor,
        entrustment=_entrustment(request, entrustment_id),
        reason=data.reason,
    )
    return entrustment_out(_entrustment(request, str(item.pk)))


@router.get(
    "/entrustments/{entrustment_id}/contract.pdf",
    response={200: None, **ERR},
    summary="招标委托合同 PDF",
)
def entrustment_contract(request: HttpRequest, entrustment_id: str):
    item = _entrustment(request, entrustment_id)
    name = f"{item.project.code}-招标委托合同.pdf"
    response = FileResponse(item.contract.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response
