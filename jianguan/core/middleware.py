"""Every error answer under /api/ has the JSON shape {code, message, details}.

Django and Ninja answer some errors themselves before our handlers run (405 from the
router, 403 from the CSRF check, 400 from a bad Host header); this turns those into the
documented shape so that clients never have to parse HTML or an empty body.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

MESSAGES = {
    400: ("bad_request", "请求无法处理，请检查后重试"),
    401: ("unauthenticated", "请先登录或提供有效的 API 令牌"),
    403: ("permission_denied", "无权执行此操作"),
    404: ("not_found", "请求的资源不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    406: ("not_acceptable", "无法提供所请求的格式"),
    413: ("payload_too_large", "请求内容过大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
}


def _is_error_json(response: HttpResponse) -> bool:
    if "application/json" not in response.get("Content-Type", ""):
        return False
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(body, dict) and "code" in body and "message" in body


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if getattr(response, "streaming", False) or _is_error_json(response):
            return response
        status = response.status_code
        code, message = MESSAGES.get(
            status,
            ("server_error", "服务器内部错误，请稍后再试")
            if status >= 500
            else ("error", "请求失败"),
        )
        fixed = JsonResponse(
            {"code": code, "message": message, "details": None},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
        if response.has_header("Allow"):
            fixed["Allow"] = response["Allow"]
        return fixed
