"""API basics: JSON for every answer under /api/, and a valid OpenAPI document."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/does-not-exist",
        "/api/v1/does-not-exist/",
        "/api/v2/x",
        "/api/",
        "/api/v1/organisations/abc",
        "/api/v1/ledger/nothing/here",
    ],
)
def test_unknown_api_routes_answer_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "not_found"
    assert body["message"]
    assert b"<html" not in response.content


def test_unknown_api_route_is_json_404_for_a_signed_in_user_too(client, contractor, bearer):
    response = client.post(
        "/api/v2/x", {}, content_type="application/json", headers=bearer(contractor)
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_wrong_method_is_json_405(client, contractor, bearer):
    response = client.delete("/api/v1/me", headers=bearer(contractor))
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "method_not_allowed"


def test_huge_organisation_id_is_not_a_500(client, contractor, bearer):
    response = client.get("/api/v1/organisations/99999999999999999999", headers=bearer(contractor))
    assert response.status_code in (400, 404)
    assert response["Content-Type"].startswith("application/json")


def test_openapi_document_is_valid(client):
    import schemathesis

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "建管云 JianGuan API"
    paths = spec["paths"]
    for path in ("/api/v1/me", "/api/v1/organisations", "/api/v1/organisations/{org_id}"):
        assert path in paths
    assert set(paths["/api/v1/organisations"]) == {"get", "post"}
    assert "201" in paths["/api/v1/organisations"]["post"]["responses"]
    schemes = spec["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}
    # Full validation against the OpenAPI meta-schema (schemathesis ships it) ...
    assert schemathesis.openapi.from_dict(spec).validate() is None
    # ... and the same check does catch a broken document.
    broken = {**spec, "info": {"title": "x"}}
    with pytest.raises(Exception, match="version"):
        schemathesis.openapi.from_dict(broken).validate()


def test_openapi_operations_are_documented_in_chinese(client):
    import re

    spec = client.get("/api/v1/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            assert re.search(r"[\u4e00-\u9fff]", op.get("summary", "")), (method, path)


def test_docs_page_answers(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "/api/v1/openapi.json" in html
