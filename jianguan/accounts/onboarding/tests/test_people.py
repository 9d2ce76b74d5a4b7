"""The organisation administrator's staff, the personal centre and the e-mailed reset."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import KIND_ROLES, LoginRecord, Membership, Role, User
from jianguan.accounts.onboarding import people
from jianguan.core.errors import NotFound, PermissionDenied, ValidationFailed
from jianguan.core.permissions import MEMBER_ROLES
from jianguan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_admin(make_persona):
    return make_persona("gcadmin", "general_contractor", ["org_admin", "admin", "staff"])


def invite(actor, username="zhangsan", roles=("staff",), **kw):
    return people.staff_invite(
        actor=actor, username=username, display_name="张三", roles=list(roles), **kw
    )


def test_every_kind_has_its_roles_and_they_are_member_roles():
    assert set(MEMBER_ROLES) == set(Role.values) - {"expert"}
    for kind, roles in KIND_ROLES.items():
        assert "org_admin" in roles, kind
        assert set(roles) <= set(MEMBER_ROLES), kind
        assert "expert" not in roles
    assert "inspector" in KIND_ROLES["regulator"]
    assert "inspector" not in KIND_ROLES["general_contractor"]


def test_an_administrator_invites_within_its_kind(org_admin):
    membership, link = invite(org_admin, roles=["staff", "bidder"], email="zs@example.cn")
    assert membership.organisation_id == org_admin.organisation_id
    assert not membership.user.has_usable_password()
    assert "/accounts/reset/" in link
    with pytest.raises(ValidationFailed) as caught:
        invite(org_admin, username="lisi", roles=["inspector"])
    assert caught.value.code == "role_not_allowed" and "监督检查员" in caught.value.message
    with pytest.raises(ValidationFailed) as caught:
        invite(org_admin, username="wangwu", roles=["expert"])
    assert caught.value.code == "role_not_allowed"
    with pytest.raises(ValidationFailed) as caught:
        invite(org_admin, username="zhangsan")
    assert caught.value.code == "duplicate_username"
    assert not User.objects.filter(username__in=["lisi", "wangwu"]).exists()


def test_a_member_without_the_role_cannot_manage_staff(make_persona):
    staff = make_persona("gcstaff", "general_contractor", ["admin", "staff", "signer"])
    with pytest.raises(PermissionDenied):
        invite(staff)


def test_another_organisations_member_is_not_found(org_admin, make_persona):
    other_admin = make_persona("ownadmin", "owner", ["org_admin", "staff"])
    membership, _ = invite(org_admin)
    for action in (
        lambda: people.staff_set_roles(actor=other_admin, pk=membership.pk, roles=["staff"]),
        lambda: people.staff_deactivate(actor=other_admin, pk=membership.pk),
        lambda: people.staff_reset_link(actor=other_admin, pk=membership.pk),
    ):
        with pytest.raises(NotFound):
            action()
    client = Client()
    client.force_login(User.objects.get(pk=other_admin.user_id))
    assert client.get(f"/accounts/staff/{membership.pk}/").status_code == 404
    assert (
        client.post(f"/accounts/staff/{membership.pk}/", {"action": "deactivate"}).status_code
        == 404
    )
    membership.refresh_from_db()
    assert membership.is_active


def test_roles_deactivation_and_the_last_administrator(org_admin, persona_password):
    membership, _ = invite(org_admin)
    people.staff_set_roles(actor=org_admin, pk=membership.pk, roles=["staff", "signer"])
    membership.refresh_from_db()
    assert membership.roles == ["signer", "staff"]
    own = Membership.objects.get(user_id=org_admin.user_id)
    with pytest.raises(ValidationFailed) as caught:
        people.staff_deactivate(actor=org_admin, pk=own.pk)
    assert caught.value.code == "self_deactivation"
    with pytest.raises(ValidationFailed) as caught:
        people.staff_set_roles(actor=org_admin, pk=own.pk, roles=["staff"])
    assert caught.value.code == "self_demotion"

    people.staff_deactivate(actor=org_admin, pk=membership.pk)
    user = User.objects.get(pk=membership.user_id)
    assert not user.is_active  # no other organisation: the account stops too
    assert actor_for(user).is_authenticated is False
    people.staff_reactivate(actor=org_admin, pk=membership.pk)
    assert User.objects.get(pk=membership.user_id).is_active
    types = list(
        LedgerEntry.objects.filter(object_model="membership").values_list("type", flat=True)
    )
    assert "membership.revoked" in types and "membership.reactivated" in types


def test_the_staff_pages(org_admin):
    client = Client()
    client.force_login(User.objects.get(pk=org_admin.user_id))
    assert "开通账户" in client.get("/accounts/staff/").content.decode()
    page = client.get("/accounts/staff/invite/").content.decode()
    assert "投标经办人" in page and "监督检查员" not in page
    bad = client.post(
        "/accounts/staff/invite/",
        {"display_name": "", "username": "a", "roles": []},
    )
    assert bad.status_code == 400
    assert "请填写姓名" in bad.content.decode() or "这个字段是必填项" in bad.content.decode()
    ok = client.post(
        "/accounts/staff/invite/",
        {"display_name": "王五", "username": "wangwu", "roles": ["staff"]},
    )
    assert ok.status_code == 200 and "set-password-link" in ok.content.decode()
    member = Membership.objects.get(user__username="wangwu")
    reset = client.post(f"/accounts/staff/{member.pk}/", {"action": "reset"})
    assert "重设密码链接" in reset.content.decode()
    forged = client.post(
        f"/accounts/staff/{member.pk}/", {"action": "roles", "roles": ["inspector"]}
    )
    assert forged.status_code == 400
    member.refresh_from_db()
    assert member.roles == ["staff"]


def test_profile_and_password_change(owner, persona_password):
    client = Client()
    user = User.objects.get(pk=owner.user_id)
    assert (
        client.post(
            "/accounts/login/", {"username": user.username, "password": persona_password}
        ).status_code
        == 302
    )
    assert LoginRecord.objects.filter(user=user).count() == 1
    bad = client.post("/accounts/me/", {"display_name": "张建设", "phone": "123", "email": ""})
    assert bad.status_code == 400 and "11 位手机号" in bad.content.decode()
    client.post("/accounts/me/", {"display_name": "张建设", "phone": "13912345678", "email": ""})
    user.refresh_from_db()
    assert user.display_name == "张建设" and user.phone == "13912345678"

    wrong = client.post(
        "/accounts/me/password/",
        {"old_password": "nope", "new_password1": "Abcdef-12345", "new_password2": "Abcdef-12345"},
    )
    assert wrong.status_code == 400 and "原密码不正确" in wrong.content.decode()
    weak = client.post(
        "/accounts/me/password/",
        {"old_password": persona_password, "new_password1": "short", "new_password2": "short"},
    )
    assert weak.status_code == 400 and "密码至少需要 10 个字符" in weak.content.decode()
    mismatch = client.post(
        "/accounts/me/password/",
        {
            "old_password": persona_password,
            "new_password1": "Abcdef-12345",
            "new_password2": "Abcdef-54321",
        },
    )
    assert "两次输入的新密码不一致" in mismatch.content.decode()
    done = client.post(
        "/accounts/me/password/",
        {
            "old_password": persona_password,
            "new_password1": "Daxing-Build-77",
            "new_password2": "Daxing-Build-77",
        },
        follow=True,
    )
    assert "密码已修改" in done.content.decode()  # and still logged in here
    user.refresh_from_db()
    assert user.check_password("Daxing-Build-77")
    assert LedgerEntry.objects.filter(type="user.password_changed").count() == 1


def test_password_reset_by_email(owner):
    user = User.objects.get(pk=owner.user_id)
    User.objects.filter(pk=user.pk).update(email="owner@example.cn")
    client = Client()
    response = client.post("/accounts/password-reset/", {"email": "owner@example.cn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "重设密码" in mail.outbox[0].subject
    path = re.search(r"/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    page = client.get(path, follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "Nanhaizi-2026!", "new_password2": "Nanhaizi-2026!"},
    )
    user.refresh_from_db()
    assert user.check_password("Nanhaizi-2026!")
    # An unknown address gets the same answer and no mail.
    assert client.post("/accounts/password-reset/", {"email": "x@example.cn"}).status_code == 302
    assert len(mail.outbox) == 1
