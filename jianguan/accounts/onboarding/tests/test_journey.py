"""Onboarding end to end through the pages: apply → return → resubmit → approve →
the administrator sets its password → invites staff → the staff member logs in."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jianguan.accounts.models import Membership, Organisation, OrganisationApplication, User
from jianguan.accounts.onboarding.demo import LICENCE_PDF
from jianguan.accounts.tests.factories import _code
from jianguan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Anding-Lao-2026!"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def application_form(**overrides):
    data = {
        "name": "北京兴盛建筑劳务有限公司",
        "kind": "labour_subcontractor",
        "credit_code": _code(4242),
        "legal_representative": "马春来",
        "address": "北京市大兴区安定镇",
        "admin_name": "马晓雪",
        "admin_phone": "13901010001",
        "admin_email": "MaXiaoXue@xingsheng.example.cn",
        "licence": SimpleUploadedFile("执照.pdf", LICENCE_PDF, "application/pdf"),
    }
    data.update(overrides)
    return data


def _link_in(body: str) -> str:
    return re.search(r"http://[^\s]+/accounts/reset/[^\s]+/", body).group(0).split("8000", 1)[-1]


def _set_password(client: Client, link_path: str, password: str):
    page = client.get(link_path, follow=True)  # Django moves the token into the session
    assert page.status_code == 200 and "设置密码" in page.content.decode()
    done = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
        follow=True,
    )
    assert "密码已设置" in done.content.decode()
    return done


def test_onboarding_end_to_end(regulator, django_capture_on_commit_callbacks, settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    anonymous = Client()
    # 1. The enterprise applies (anonymous).
    assert "企业入驻申请" in anonymous.get("/accounts/login/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.post("/accounts/apply/", application_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    status_url = response["Location"]
    app = OrganisationApplication.objects.get()
    assert app.status == "submitted" and app.admin_email == "maxiaoxue@xingsheng.example.cn"
    assert app.number.startswith("RZ") and app.licence_sm3
    assert len(mail.outbox) == 1 and app.number in mail.outbox[0].subject
    page = anonymous.get(status_url)
    assert "待审核" in page.content.decode() and "请保存本页链接" in page.content.decode()
    # A wrong secret shows nothing.
    assert anonymous.get(f"/accounts/apply/{app.number}/wrong-token/").status_code == 404

    # 2. The regulator sees it in its queue and its to-do, and returns it with reasons.
    reg = Client()
    reg.force_login(User.objects.get(pk=regulator.user_id))
    assert app.number in reg.get("/accounts/applications/").content.decode()
    assert "入驻申请" in reg.get("/").content.decode()
    licence = reg.get(f"/accounts/applications/{app.pk}/licence/")
    assert licence.status_code == 200 and b"".join(licence.streaming_content) == LICENCE_PDF
    refused = reg.post(f"/accounts/applications/{app.pk}/", {"decision": "return", "reasons": ""})
    assert refused.status_code == 400 and "退回理由" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reg.post(
            f"/accounts/applications/{app.pk}/",
            {"decision": "return", "reasons": "执照扫描件不清晰"},
        )
    app.refresh_from_db()
    assert app.status == "returned" and app.review_reasons == "执照扫描件不清晰"
    assert "退回" in mail.outbox[-1].subject

    # 3. The applicant resubmits from its status page (a new scan).
    page = anonymous.get(status_url)
    assert "执照扫描件不清晰" in page.content.decode() and "重新提交" in page.content.decode()
    form = application_form()
    response = anonymous.post(status_url, form, follow=True)
    assert "已重新提交" in response.content.decode()
    app.refresh_from_db()
    assert app.status == "submitted" and app.submissions == 2

    # 4. The regulator approves: organisation, administrator and membership in one go.
    with django_capture_on_commit_callbacks(execute=True):
        page = reg.post(f"/accounts/applications/{app.pk}/", {"decision": "approve"})
    assert page.status_code == 200 and "已通过" in page.content.decode()
    app.refresh_from_db()
    org = Organisation.objects.get(credit_code=app.credit_code)
    assert app.status == "approved" and app.organisation == org
    admin = User.objects.get(username="maxiaoxue@xingsheng.example.cn")
    assert not admin.has_usable_password()
    assert sorted(Membership.objects.get(user=admin).roles) == ["admin", "org_admin", "staff"]
    types = set(LedgerEntry.objects.values_list("type", flat=True))
    assert {
        "onboarding.application_submitted",
        "onboarding.application_returned",
        "onboarding.application_resubmitted",
        "onboarding.application_approved",
        "organisation.created",
        "user.created",
        "membership.granted",
    } <= types
    # The application's own entries carry no personal contact of the administrator.
    entries = LedgerEntry.objects.filter(type__startswith="onboarding.")
    assert not any(b"13901010001" in bytes(e.leaf_input) for e in entries)

    # 5. The administrator sets its password through the e-mailed one-time link and logs in.
    link = _link_in(mail.outbox[-1].body)
    admin_client = Client()
    done = _set_password(admin_client, link, NEW_PASSWORD)
    assert "密码已设置" in done.content.decode()
    # The link is spent.
    again = admin_client.get(link, follow=True)
    assert "链接无效" in again.content.decode()
    response = admin_client.post(
        "/accounts/login/", {"username": admin.username, "password": NEW_PASSWORD}
    )
    assert response.status_code == 302

    # 6. It invites a staff member, who sets a password and logs in.
    assert "人员管理" in admin_client.get("/").content.decode()
    page = admin_client.post(
        "/accounts/staff/invite/",
        {
            "display_name": "马小工",
            "username": "maxiaogong",
            "email": "",
            "phone": "13901010009",
            "roles": ["staff"],
        },
    )
    assert page.status_code == 200, page.content.decode()[:3000]
    staff_link = re.search(r'id="set-password-link">([^<]+)<', page.content.decode()).group(1)
    staff_client = Client()
    _set_password(staff_client, staff_link.split("8000", 1)[-1], "Gongdi-Anquan-88")
    response = staff_client.post(
        "/accounts/login/", {"username": "maxiaogong", "password": "Gongdi-Anquan-88"}
    )
    assert response.status_code == 302
    me = staff_client.get("/accounts/me/").content.decode()
    assert "北京兴盛建筑劳务有限公司" in me and "经办人" in me
    assert "127.0.0.1" in me  # the login just made, in the login history
