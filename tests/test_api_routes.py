"""Every operation in the OpenAPI document is reachable: no path shadows another.

A parametrised path registered before a fixed one (``/sanctions/{id}`` before
``/sanctions/cards``) swallows it, and the fixed operation answers 405 to every client.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from ninja import Schema

pytestmark = pytest.mark.django_db


def test_no_documented_operation_answers_405(client):
    from config.api import api

    schema = api.get_openapi_schema()
    shadowed = []
    for path, operations in schema["paths"].items():
        url = re.sub(r"\{[^}]+\}", "1", path)
        for method in operations:
            response = getattr(client, method)(url, content_type="application/json")
            if response.status_code == 405:
                shadowed.append(f"{method.upper()} {path}")
    assert shadowed == []


# --- one name, one schema ----------------------------------------------------------------------


def _api_types():
    """Every model and enum an operation reads or answers with, nested ones included.

    Ninja's own wrappers (the Query/Path/Body/Form parameter models and the response wrapper)
    are walked through, not counted: they never appear under their own names in the document."""
    import enum
    import typing

    import pydantic
    from ninja.params.models import ParamModel

    from config.api import api
    from jianguan.core.api_schemas import api_operations

    found: dict[str, set[type]] = {}
    seen: set[int] = set()

    def annotation(tp) -> None:
        if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel | enum.Enum):
            model(tp)
        for arg in typing.get_args(tp):
            annotation(arg)

    def model(cls: type) -> None:
        if id(cls) in seen:
            return
        seen.add(id(cls))
        wrapper = issubclass(cls, ParamModel) or cls.__name__ == "NinjaResponseSchema"
        if not wrapper:
            found.setdefault(cls.__name__, set()).add(cls)
        if issubclass(cls, pydantic.BaseModel):
            for field in cls.model_fields.values():
                annotation(field.annotation)

    operations = 0
    for _path, operation in api_operations(api):
        operations += 1
        for cls in operation.models:
            model(cls)
        for cls in operation.response_models.values():
            annotation(cls)
    return operations, found


def test_every_schema_of_the_api_has_its_own_name():
    """The OpenAPI document keys schemas by class name: two classes of one name leave one
    definition (Ninja keeps either silently) and the other operation documents a wrong shape."""
    operations, found = _api_types()
    assert operations > 100 and len(found) > 100  # the walk reaches the API
    clashes = {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
        for name, classes in found.items()
        if len(classes) > 1
    }
    assert clashes == {}


def test_the_documented_schemas_are_the_ones_the_operations_use(client):
    from config.api import api

    components = api.get_openapi_schema()["components"]["schemas"]
    decision = {
        "acceptance": components["AcceptanceDecisionIn"]["required"],
        "variation": components["VariationDecisionIn"]["required"],
    }
    assert decision == {"acceptance": ["passed"], "variation": ["decision"]}
    assert "findings" in components["KeyNodeInspectionRead"]["properties"]
    assert "inspected_on" in components["InspectionRead"]["properties"]


# --- strict input ------------------------------------------------------------------------------


class _Inner(Schema):
    on: dt.date | None = None
    count: int | None = None


class _Outer(Schema):
    inner: _Inner | None = None
    items: list[_Inner] = []


def test_every_operation_reads_its_input_strictly():
    from config.api import api
    from jianguan.core.api_schemas import api_operations

    lax = [
        f"{operation.methods} {path} {model.__name__}"
        for path, operation in api_operations(api)
        for model in operation.models
        if not getattr(model, "__jianguan_strict__", False)
    ]
    assert lax == []


def _error(response, status: int, code: str) -> dict:
    body = response.json()
    assert response.status_code == status, body
    assert body["code"] == code and re.search(r"[\u4e00-\u9fff]", body["message"]), body
    assert set(body) == {"code", "message", "details"}
    return body


@pytest.mark.parametrize(
    "value", [0, 1700000000, 0.5, "0", "1700000000", True, "2026-05-01T00:00:00", [2026, 5, 1]]
)
def test_a_date_is_an_iso_string_only(client, regulator, bearer, value):
    from jianguan.accounts.models import Organisation

    org = Organisation.objects.get(pk=regulator.organisation_id)
    body = {
        "organisation_id": org.pk,
        "category": "建筑工程施工总承包",
        "grade": "一级",
        "number": "D111000001",
        "issuer": "北京市住房和城乡建设委员会",
        "valid_from": value,
        "valid_to": "2030-01-01",
    }
    url = f"/api/v1/registry/organisations/{org.pk}/qualifications"
    response = client.post(url, body, content_type="application/json", headers=bearer(regulator))
    details = _error(response, 400, "validation_error")["details"]
    assert any(d["loc"][-1] == "valid_from" for d in details), details


@pytest.mark.parametrize("since", ["0.5", "0", "1700000000", "2026-05-01"])
def test_a_date_time_in_the_query_is_an_iso_string_only(client, since):
    _error(client.get("/api/v1/ocds/releases", {"since": since}), 400, "validation_error")
    assert (
        client.get("/api/v1/ocds/releases", {"since": "2026-05-01T09:00:00+08:00"}).status_code
        == 200
    )


@pytest.mark.parametrize("limit", ["5.0", "0.5", "true", " 5", "5_0", "٥"])
def test_an_integer_is_an_integer(client, regulator, bearer, limit):
    response = client.get("/api/v1/projects", {"limit": limit}, headers=bearer(regulator))
    _error(response, 400, "validation_error")
    assert (
        client.get("/api/v1/projects", {"limit": "5"}, headers=bearer(regulator)).status_code == 200
    )


def test_no_string_holds_nul(client, regulator, bearer):
    """PostgreSQL refuses text with NUL: a NUL in a filter was a 500 there (found by fuzzing)."""
    response = client.get(
        "/api/v1/compliance/orders", {"status": "a\x00b"}, headers=bearer(regulator)
    )
    _error(response, 400, "validation_error")


@pytest.mark.parametrize("body", ["[]", "[{}]", "1", '"text"', "null", "true"])
def test_a_body_is_a_json_object(client, regulator, bearer, body):
    response = client.patch(
        "/api/v1/projects/1", body, content_type="application/json", headers=bearer(regulator)
    )
    _error(response, 400, "body_not_object")


def test_strict_inputs_reach_nested_schemas():
    """A nested schema whose fields are all optional read a JSON array as "an object with no
    fields" (Ninja's schemas read attributes); nested dates and integers were lax too."""
    from ninja import NinjaAPI, Router
    from ninja.testing import TestClient

    from jianguan.core.api_schemas import strict_inputs

    router = Router()

    @router.post("/echo")
    def echo(request, data: _Outer):
        return data.dict()

    api = NinjaAPI(urls_namespace="strict-test")
    api.add_router("/", router)
    assert strict_inputs(api) == 1
    client = TestClient(router)
    ok = client.post("/echo", json={"inner": {"on": "2026-05-01", "count": 3}})
    assert ok.status_code == 200 and ok.json()["inner"]["count"] == 3
    for bad in (
        {"inner": []},
        {"items": [[]]},
        {"inner": {"on": 0}},
        {"items": [{"on": "1700000000"}]},
        {"inner": {"count": True}},
        {"inner": {"count": 2.0}},
    ):
        assert client.post("/echo", json=bad).status_code == 422, bad


# --- who is asking -----------------------------------------------------------------------------


def test_a_write_without_credentials_is_401_not_a_csrf_403():
    from django.test import Client

    for client in (Client(), Client(enforce_csrf_checks=True)):
        response = client.post("/api/v1/projects", {}, content_type="application/json")
        body = _error(response, 401, "unauthenticated")
        assert body["message"] == "请先登录或提供 API 令牌"
        response = client.patch("/api/v1/projects/1", [], content_type="application/json")
        _error(response, 401, "unauthenticated")


def test_a_browser_session_write_needs_the_csrf_token(regulator):
    from django.middleware.csrf import get_token
    from django.test import Client

    from jianguan.accounts.models import User

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(User.objects.get(pk=regulator.user_id))
    response = browser.post("/api/v1/projects", {}, content_type="application/json")
    _error(response, 403, "csrf_failed")

    page = browser.get("/")  # any page sets the CSRF cookie
    token = browser.cookies.get("csrftoken")
    token = token.value if token else get_token(page.wsgi_request)
    response = browser.post(
        "/api/v1/projects", {}, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 400, response.content  # past auth and CSRF: a bad body
    assert response.json()["code"] == "validation_error"


# --- closed choices are enums in the spec --------------------------------------------------------

CHOICE_NAME = re.compile(
    r"^(kind|type|status|stage|result|procedure|severity|level)$|_(type|kind|form|status)$"
)
# Named like a choice but free text: the written decision of a complaint or a low-bid review.
FREE_TEXT = {("DecideIn", "decision"), ("LowBidDecideIn", "decision")}


def _has_enum(schema: dict, components: dict) -> bool:
    if "enum" in schema or "const" in schema:
        return True
    if "$ref" in schema:
        return _has_enum(components[schema["$ref"].rsplit("/", 1)[1]], components)
    return any(
        _has_enum(option, components)
        for key in ("anyOf", "oneOf", "allOf")
        for option in schema.get(key, ())
    )


def test_a_parameter_that_takes_a_few_values_lists_them():
    """A client (and the fuzzer) learns the accepted values of kind/type/status… from the spec."""
    from config.api import api

    spec = api.get_openapi_schema()
    components = spec["components"]["schemas"]
    missing = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            for p in op.get("parameters", ()):
                if CHOICE_NAME.search(p["name"]) and not _has_enum(p["schema"], components):
                    missing.append(f"{method.upper()} {path} ?{p['name']}")
            for content in op.get("requestBody", {}).get("content", {}).values():
                ref = content.get("schema", {}).get("$ref", "")
                name = ref.rsplit("/", 1)[-1]
                for prop, schema in components.get(name, {}).get("properties", {}).items():
                    if (name, prop) in FREE_TEXT or schema.get("type") == "boolean":
                        continue
                    if CHOICE_NAME.search(prop) and not _has_enum(schema, components):
                        missing.append(f"{method.upper()} {path} {name}.{prop}")
    assert missing == []
