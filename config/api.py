"""The Ninja API at /api/v1/: one instance, JSON errors `{code, message, details}`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from jianguan.core.api_auth import api_auth
from jianguan.core.api_schemas import strict_inputs
from jianguan.core.errors import DomainError
from jianguan.core.middleware import MESSAGES


class BodyNotObject(ValueError):
    """A JSON body that is not an object (an array, a number, a string, null)."""


class ObjectBodyParser(Parser):
    """Every request body of this API is a JSON object: anything else is a 400 here, before
    a schema can read an array's attributes as "an object with no fields" (that was a 200)."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise BodyNotObject(type(data).__name__)
        return data


# Operation ids are part of the published interface (clients are generated from them), and
# Ninja derives them from the view's module path. When a module moves (issue 15 grouped
# sub-domains into sub-packages) it keeps the id it had: new module path -> old one.
MOVED_MODULES: dict[str, str] = {
    # contracts
    "jianguan.contracts.acceptance.api": "jianguan.contracts.api_acceptance",
    "jianguan.contracts.boq.api": "jianguan.contracts.api_boq",
    "jianguan.contracts.claims.api": "jianguan.contracts.api_claims",
    "jianguan.contracts.variations.api": "jianguan.contracts.api_variations",
    # smartsite
    "jianguan.smartsite.wages.arrears.api": "jianguan.smartsite.wages.api",
    "jianguan.smartsite.workers.blacklist.api": "jianguan.smartsite.workers.api_blacklist",
    # tendering
    "jianguan.tendering.award.api": "jianguan.tendering.api_award",
    "jianguan.tendering.entrustment.api": "jianguan.tendering.api_entrustment",
    "jianguan.tendering.ocds.api": "jianguan.tendering.api_ocds",
}


class JianGuanAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        module = operation.view_func.__module__
        module = MOVED_MODULES.get(module, module)
        return (module + "_" + operation.view_func.__name__).replace(".", "_")


api = JianGuanAPI(
    title="建管云 JianGuan API",
    version="1",
    description="大兴区工程建设管理平台接口。错误统一返回 `{code, message, details}`。",
    auth=api_auth,
    urls_namespace="api",
    parser=ObjectBodyParser(),
)


def error(status: int, code: str, message: str, details: object = None) -> JsonResponse:
    return JsonResponse(
        {"code": code, "message": message, "details": details},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


@api.exception_handler(DomainError)
def _domain(request: HttpRequest, exc: DomainError) -> JsonResponse:
    return error(exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> JsonResponse:
    details = [
        {"loc": [str(p) for p in e.get("loc", [])], "msg": e.get("msg"), "type": e.get("type")}
        for e in exc.errors
    ]
    return error(400, "validation_error", "请求参数不正确，请检查后重试", details)


@api.exception_handler(AuthenticationError)
def _auth(request: HttpRequest, exc: AuthenticationError) -> JsonResponse:
    return error(401, "unauthenticated", "请先登录或提供 API 令牌")


@api.exception_handler(HttpError)
def _http(request: HttpRequest, exc: HttpError) -> JsonResponse:
    detail = str(exc)
    if isinstance(exc.__cause__, BodyNotObject):
        return error(400, "body_not_object", "请求体须为 JSON 对象", str(exc.__cause__))
    if "parse request body" in detail:
        return error(400, "bad_request_body", "请求体无法解析，请提交有效的 JSON", detail)
    code, message = MESSAGES.get(exc.status_code, ("error", "请求失败"))
    return error(exc.status_code, code, message, detail)


@api.exception_handler(Http404)
def _404(request: HttpRequest, exc: Http404) -> JsonResponse:
    return error(404, "not_found", "请求的资源不存在")


@api.exception_handler(DjangoPermissionDenied)
def _403(request: HttpRequest, exc: DjangoPermissionDenied) -> JsonResponse:
    return error(403, "permission_denied", "无权执行此操作")


def _register_routers() -> None:
    from jianguan.accounts.api import router as accounts_router
    from jianguan.ledger.api import router as ledger_router
    from jianguan.projects.api import public_router as projects_public_router
    from jianguan.projects.api import router as projects_router
    from jianguan.rules.api import router as rules_router

    api.add_router("/", accounts_router)
    api.add_router("/rules", rules_router)
    api.add_router("/ledger", ledger_router)
    api.add_router("/projects", projects_router)
    api.add_router("/compliance", "jianguan.compliance.api.router")
    api.add_router("/compliance/credit", "jianguan.compliance.api_credit.router")
    api.add_router("/registry", "jianguan.registry.api.router")
    api.add_router("/tendering", "jianguan.tendering.api.router")
    api.add_router("/tendering", "jianguan.tendering.award.api.router")
    api.add_router("/ocds", "jianguan.tendering.ocds.api.router")
    api.add_router("/experts", "jianguan.experts.api.router")
    api.add_router("/contracts", "jianguan.contracts.api.router")
    api.add_router("/contracts", "jianguan.contracts.boq.api.router")
    api.add_router("/contracts", "jianguan.contracts.variations.api.router")
    api.add_router("/contracts", "jianguan.contracts.acceptance.api.router")
    api.add_router("/contracts", "jianguan.contracts.claims.api.router")
    api.add_router("/public", projects_public_router)
    api.add_router("/search", "jianguan.workbench.search.api.router")
    api.add_router("/smartsite", "jianguan.smartsite.workers.api.router")
    api.add_router("/smartsite", "jianguan.smartsite.monitors.api.router")
    api.add_router("/smartsite", "jianguan.smartsite.wages.api.router")
    api.add_router("/smartsite", "jianguan.smartsite.alerts.api.router")
    api.add_router("/smartsite", "jianguan.smartsite.images.api.router")
    api.add_router("/hazard", "jianguan.hazard.api.router")
    api.add_router("/bim", "jianguan.bim.api.router")
    api.add_router("/collab", "jianguan.collab.tasks.api.router")
    api.add_router("/collab", "jianguan.collab.schedule.api.router")
    api.add_router("/collab", "jianguan.collab.documents.api.router")
    api.add_router("/collab", "jianguan.collab.rfis.api.router")
    api.add_router("/collab", "jianguan.collab.dailylogs.api.router")
    api.add_router("/collab", "jianguan.collab.policies.api.router")
    api.add_router("/cost", "jianguan.cost.payments.api.router")
    api.add_router("/cost", "jianguan.cost.settlement.api.router")
    api.add_router("/cost", "jianguan.cost.audit.api.router")
    api.add_router("/cost", "jianguan.cost.control.api.router")
    # GET /me/notifications beside accounts' /me and /me/todo (no path of theirs starts so).
    api.add_router("/me", "jianguan.workbench.notifications.api.router")


_register_routers()
strict_inputs(api)
