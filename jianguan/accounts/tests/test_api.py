"""The accounts API: tokens, /me, organisations."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from jianguan.accounts.models import ApiToken, Organisation, User
from jianguan.accounts.services import api_token_revoke
from jianguan.accounts.tests.factories import OrganisationFactory, TownFactory, _code
from jianguan.core.actor import SYSTEM
from jianguan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def _token(username: str) -> str:
    out = io.StringIO()
    call_command("create_api_token", username, stdout=out)
    return out.getvalue().strip()


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _state() -> tuple[int, int]:
    return Organisation.objects.count(), LedgerEntry.objects.count()


# --- tokens and /me --------------------------------------------------------------------------


def test_me_with_a_command_line_token(client, regulator):
    secret = _token("reg")
    assert secret.startswith("jg_") and len(secret) > 40
    response = client.get("/api/v1/me", headers=_auth(secret))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "reg"
    assert body["id"] == regulator.user_id
    assert body["organisation"]["name"] == "测试监管中心"
    assert body["organisation"]["kind"] == "regulator"
    assert body["organisation"]["kind_label"] == "行政监督部门"
    assert body["roles"] == ["admin", "inspector", "staff"]
    assert body["memberships"] == [
        {
            "organisation_id": regulator.organisation_id,
            "organisation_name": "测试监管中心",
            "organisation_kind": "regulator",
            "roles": ["admin", "inspector", "staff"],
        }
    ]
    assert "accounts.organisation.create" in body["permissions"]
    assert "ledger.view_all" in body["permissions"]


def test_me_lists_only_what_a_contractor_may_do(client, contractor, bearer):
    body = client.get("/api/v1/me", headers=bearer(contractor)).json()
    assert body["organisation"]["kind"] == "general_contractor"
    assert "accounts.organisation.create" not in body["permissions"]
    assert "ledger.view_all" not in body["permissions"]
    assert "dashboard.view" in body["permissions"]


def test_x_organisation_header_picks_among_memberships(client, contractor, bearer):
    from jianguan.accounts import services

    other = OrganisationFactory(kind="supervisor", name="第二家监理公司")
    user = User.objects.get(pk=contractor.user_id)
    services.membership_grant(actor=SYSTEM, user=user, organisation=other, roles=["staff"])
    headers = bearer(contractor)
    body = client.get("/api/v1/me", headers={**headers, "X-Organisation": str(other.pk)}).json()
    assert body["organisation"]["id"] == other.pk
    assert body["roles"] == ["staff"]
    assert len(body["memberships"]) == 2
    # An organisation the user does not belong to is ignored, never adopted.
    stranger = OrganisationFactory(kind="regulator")
    body = client.get("/api/v1/me", headers={**headers, "X-Organisation": str(stranger.pk)}).json()
    assert body["organisation"]["id"] != stranger.pk
    assert "accounts.organisation.create" not in body["permissions"]


def test_tokens_are_stored_hashed(regulator):
    secret = _token("reg")
    row = ApiToken.objects.get()
    assert row.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = [str(v) for v in ApiToken.objects.values_list(flat=False).get()]
    assert not any(secret in value for value in stored)
    assert row.prefix == secret[:10]
    assert len(row.prefix) < len(secret) // 3


def test_create_api_token_for_unknown_user_fails(db):
    with pytest.raises(CommandError, match="用户不存在"):
        call_command("create_api_token", "ghost", stdout=io.StringIO())
    assert not ApiToken.objects.exists()


def test_revoked_token_is_refused(client, regulator):
    secret = _token("reg")
    assert client.get("/api/v1/me", headers=_auth(secret)).status_code == 200
    api_token_revoke(actor=SYSTEM, token=ApiToken.objects.get())
    response = client.get("/api/v1/me", headers=_auth(secret))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert "令牌" in response.json()["message"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer jg_" + "A" * 43,
        "Bearer " + "x" * 43,
        "Bearer ",
        "Bearer jg_" + "A" * 500,
        "Basic cmVnOnBhc3M=",
        "jg_abc",
    ],
)
def test_random_or_malformed_tokens_are_refused(client, regulator, header):
    _token("reg")
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "unauthenticated"


def test_token_of_an_inactive_user_is_refused(client, regulator):
    secret = _token("reg")
    User.objects.filter(username="reg").update(is_active=False)
    assert client.get("/api/v1/me", headers=_auth(secret)).status_code == 401


def test_session_also_authenticates_the_api(client, contractor, login_as):
    login_as(contractor)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "gc"


def test_session_post_needs_a_csrf_token(regulator, persona_password):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    csrf = page.cookies["csrftoken"].value
    client.post(
        "/accounts/login/",
        {"username": "reg", "password": persona_password, "csrfmiddlewaretoken": csrf},
    )
    before = _state()
    payload = {
        "name": "跨站提交",
        "kind": "owner",
        "credit_code": _code(3),
        "legal_representative": "李",
    }
    response = client.post("/api/v1/organisations", payload, content_type="application/json")
    assert response.status_code in (401, 403)
    assert _state() == before
    response = client.post(
        "/api/v1/organisations",
        payload,
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 201


# --- organisations ---------------------------------------------------------------------------


def _payload(**overrides):
    data = {
        "name": "北京兴业建设工程有限公司",
        "kind": "general_contractor",
        "credit_code": _code(42),
        "legal_representative": "赵六",
        "contact_name": "钱七",
        "contact_phone": "010-61234567",
        "address": "北京市大兴区兴业大街 1 号",
    }
    data.update(overrides)
    return data


def test_regulator_creates_an_organisation(client, regulator, bearer):
    TownFactory(name="西红门镇")
    before_entries = LedgerEntry.objects.count()
    response = client.post(
        "/api/v1/organisations",
        _payload(town="西红门镇"),
        content_type="application/json",
        headers=bearer(regulator),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    org = Organisation.objects.get(pk=body["id"])
    assert org.name == body["name"] == "北京兴业建设工程有限公司"
    assert body["kind_label"] == "施工总承包单位"
    assert body["town"] == "西红门镇"
    assert org.credit_code == _code(42)
    entries = LedgerEntry.objects.filter(index__gte=before_entries)
    assert [e.type for e in entries] == ["organisation.created"]
    entry = entries.get()
    assert (entry.object_app, entry.object_model, entry.object_id) == (
        "accounts",
        "organisation",
        str(org.pk),
    )
    assert entry.actor_user == "reg"


def test_lower_case_credit_code_is_stored_upper_case(client, regulator, bearer):
    code = "91350100M000100Y43"
    response = client.post(
        "/api/v1/organisations",
        _payload(credit_code=" " + code.lower() + " "),
        content_type="application/json",
        headers=bearer(regulator),
    )
    assert response.status_code == 201
    assert response.json()["credit_code"] == code


def test_duplicate_credit_code_is_409(client, regulator, bearer):
    headers = bearer(regulator)
    first = client.post(
        "/api/v1/organisations", _payload(), content_type="application/json", headers=headers
    )
    assert first.status_code == 201
    before = _state()
    response = client.post(
        "/api/v1/organisations",
        _payload(name="另一家公司", credit_code=_code(42).lower()),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_credit_code"
    assert "已登记" in response.json()["message"]
    assert _state() == before


@pytest.mark.parametrize(
    ("credit_code", "fragment"),
    [
        (_code(42)[:17] + ("0" if _code(42)[17] != "0" else "1"), "校验位错误"),
        ("9111011510000001", "18 位"),
        ("91110115I0000001XX", "不允许的字符"),
        ("", "18 位"),
    ],
)
def test_wrong_credit_code_is_400_with_chinese_message(
    client, regulator, bearer, credit_code, fragment
):
    before = _state()
    response = client.post(
        "/api/v1/organisations",
        _payload(credit_code=credit_code),
        content_type="application/json",
        headers=bearer(regulator),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_credit_code"
    assert fragment in body["message"]
    assert fragment in body["details"]["credit_code"]
    assert _state() == before


@pytest.mark.parametrize(
    "payload",
    [
        _payload(kind="alien"),
        _payload(kind=None),
        {k: v for k, v in _payload().items() if k != "name"},
        _payload(name=""),
        _payload(name="x" * 201),
        _payload(credit_code=12345),
        _payload(legal_representative="   "),
        _payload(town="火星镇"),
    ],
)
def test_bad_payloads_are_400_json_and_write_nothing(client, regulator, bearer, payload):
    before = _state()
    response = client.post(
        "/api/v1/organisations", payload, content_type="application/json", headers=bearer(regulator)
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] in {"validation_error", "unknown_town"}
    assert body["message"]
    assert _state() == before


def test_non_json_body_is_400(client, regulator, bearer):
    before = _state()
    response = client.post(
        "/api/v1/organisations",
        "{not json",
        content_type="application/json",
        headers=bearer(regulator),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request_body"
    assert "JSON" in response.json()["message"]
    assert _state() == before


def test_organisation_list_and_filters(client, contractor, bearer):
    OrganisationFactory(kind="owner", name="北京大兴教育委员会")
    OrganisationFactory(kind="owner", name="北京大兴卫生委员会")
    OrganisationFactory(kind="supervisor", name="北京兴正监理有限公司")
    headers = bearer(contractor)

    body = client.get("/api/v1/organisations", headers=headers).json()
    assert body["count"] == 4  # the three above and the contractor's own
    assert {i["kind"] for i in body["items"]} == {"owner", "supervisor", "general_contractor"}

    body = client.get("/api/v1/organisations?kind=owner", headers=headers).json()
    assert body["count"] == 2
    assert all(i["kind"] == "owner" for i in body["items"])

    body = client.get("/api/v1/organisations", {"q": "监理"}, headers=headers).json()
    assert [i["name"] for i in body["items"]] == ["北京兴正监理有限公司"]

    code = Organisation.objects.get(name="北京兴正监理有限公司").credit_code
    body = client.get("/api/v1/organisations", {"q": code.lower()}, headers=headers).json()
    assert [i["credit_code"] for i in body["items"]] == [code]

    body = client.get("/api/v1/organisations?limit=1&offset=1", headers=headers).json()
    assert body["count"] == 4 and len(body["items"]) == 1


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=501", "offset=-1", "kind=alien", "limit=abc", "limit=1e99"]
)
def test_organisation_list_refuses_bad_parameters(client, contractor, bearer, query):
    response = client.get(f"/api/v1/organisations?{query}", headers=bearer(contractor))
    assert response.status_code == 400
    assert response.json()["code"] in {"bad_page", "validation_error"}


def test_organisation_detail(client, contractor, bearer):
    org = OrganisationFactory(kind="designer", name="北京城南规划设计有限公司")
    response = client.get(f"/api/v1/organisations/{org.pk}", headers=bearer(contractor))
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "北京城南规划设计有限公司"
    assert body["kind_label"] == "设计单位"
    assert body["credit_code"] == org.credit_code


@pytest.mark.parametrize(
    "pk", ["0", "99999999", "9223372036854775807", "9223372036854775808", "99999999999999999999"]
)
def test_organisation_detail_of_unknown_id_is_404_json(client, contractor, bearer, pk):
    response = client.get(f"/api/v1/organisations/{pk}", headers=bearer(contractor))
    assert response.status_code in (400, 404)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] in {"organisation_not_found", "not_found", "validation_error"}


@pytest.mark.parametrize("pk", ["abc", "-1", "1.5"])
def test_organisation_detail_of_non_numeric_id_is_json_404(client, contractor, bearer, pk):
    response = client.get(f"/api/v1/organisations/{pk}", headers=bearer(contractor))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
