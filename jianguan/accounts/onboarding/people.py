"""Services for people: an organisation administrator's staff (invite, roles, deactivate,
reset link) and everyone's own profile and password. The only code that writes them; each is
one transaction with its ledger entry.

An administrator acts only inside its own organisation: a membership of another organisation
is "not found" (404), never "forbidden", so that nothing tells it exists; and it grants only
the roles its organisation's kind allows (accounts.models.KIND_ROLES).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction

from jianguan.accounts.models import KIND_ROLES, Membership, Role, User
from jianguan.accounts.onboarding.services import mail_after_commit, set_password_link
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, NotFound, ValidationFailed
from jianguan.core.permissions import require
from jianguan.ledger.services import record

USERNAME = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def own_membership(*, actor: Actor, pk: int) -> Membership:
    """A membership of the administrator's own organisation, locked; 404 for any other."""
    require(actor, "accounts.staff.manage")
    membership = (
        Membership.objects.select_for_update()
        .select_related("user", "organisation")
        .filter(pk=pk, organisation_id=actor.organisation_id)
        .first()
    )
    if membership is None or actor.organisation_id is None:
        raise NotFound("人员不存在", code="membership_not_found")
    return membership


def allowed_roles(kind: str) -> tuple[str, ...]:
    return KIND_ROLES.get(kind, ())


def _clean_roles(kind: str, roles: Iterable[str]) -> list[str]:
    roles = sorted(set(roles))
    allowed = allowed_roles(kind)
    refused = [r for r in roles if r not in allowed]
    if refused:
        labels = dict(Role.choices)
        raise ValidationFailed(
            "本单位类型不能授予以下角色：" + "、".join(labels.get(r, r) for r in refused),
            code="role_not_allowed",
            details={"roles": refused},
        )
    if not roles:
        raise ValidationFailed("至少选择一个角色", code="roles_required", details={"roles": []})
    return roles


def _clean_profile(display_name: str, phone: str, email: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    display_name, phone, email = (
        (display_name or "").strip(),
        (phone or "").strip(),
        (email or "").strip().lower(),
    )
    if not display_name:
        errors["display_name"] = "请填写姓名"
    elif len(display_name) > 50:
        errors["display_name"] = "姓名不能超过 50 个字符"
    if phone and not MOBILE.match(phone):
        errors["phone"] = "请填写 11 位手机号"
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors["email"] = "请填写有效的电子邮箱"
    if errors:
        raise ValidationFailed(next(iter(errors.values())), details=errors)
    return {"display_name": display_name, "phone": phone, "email": email}


def _others_admin(membership: Membership) -> bool:
    """Whether another active member of the organisation keeps the administrator role (read
    in Python: JSON containment is spelled differently on SQLite and PostgreSQL)."""
    others = Membership.objects.filter(
        organisation_id=membership.organisation_id, is_active=True, user__is_active=True
    ).exclude(pk=membership.pk)
    return any("org_admin" in m.roles for m in others)


@transaction.atomic
def staff_invite(
    *,
    actor: Actor,
    username: str,
    display_name: str,
    email: str = "",
    phone: str = "",
    roles: Iterable[str],
) -> tuple[Membership, str]:
    """A new person of the administrator's organisation: the user (no password yet), the
    membership, and a one-time set-password link (returned, and e-mailed when an address is
    known)."""
    require(actor, "accounts.staff.manage")
    org = actor.organisation
    if org is None:
        raise NotFound("机构不存在", code="organisation_not_found")
    errors: dict[str, str] = {}
    username = (username or "").strip()
    if not USERNAME.match(username):
        errors["username"] = "用户名为 3–150 位字母、数字或 _ . @ + -"
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = "用户名已存在"
    try:
        profile = _clean_profile(display_name, phone, email)
    except ValidationFailed as exc:
        errors.update(exc.details)
        profile = {}
    code = None
    try:
        clean_roles = _clean_roles(org.kind, roles)
    except ValidationFailed as exc:
        errors["roles"] = exc.message
        code = exc.code
    if errors:
        if errors.get("username") == "用户名已存在":
            code = "duplicate_username"
        elif len(errors) > 1:
            code = None
        raise ValidationFailed(next(iter(errors.values())), code=code, details=errors)
    user = User(username=username, **profile)
    user.set_unusable_password()
    user.save()
    record(
        actor=actor,
        type="user.created",
        obj=user,
        payload={"username": username, "display_name": user.display_name},
    )
    membership = Membership.objects.create(user=user, organisation=org, roles=clean_roles)
    record(
        actor=actor,
        type="membership.granted",
        obj=membership,
        payload={
            "user": username,
            "organisation": org.credit_code,
            "roles_before": [],
            "roles": clean_roles,
        },
    )
    link = set_password_link(user)
    mail_after_commit(
        to=user.email,
        subject="大兴区工程建设管理平台账户开通",
        body=f"{user.display_name}：\n\n{org.name}的管理员已为您开通平台账户，用户名：{username}。\n"
        f"请通过以下一次性链接设置密码：\n{link}\n\n大兴区工程建设管理平台",
    )
    return membership, link


@transaction.atomic
def staff_set_roles(*, actor: Actor, pk: int, roles: Iterable[str]) -> Membership:
    membership = own_membership(actor=actor, pk=pk)
    clean = _clean_roles(membership.organisation.kind, roles)
    if "org_admin" in membership.roles and "org_admin" not in clean:
        if membership.user_id == actor.user_id:
            raise ValidationFailed("不能取消自己的机构管理员角色", code="self_demotion")
        if not _others_admin(membership):
            raise ValidationFailed("本单位须至少保留一名机构管理员", code="last_admin")
    before = list(membership.roles)
    membership.roles = clean
    membership.save(update_fields=["roles", "updated_at"])
    record(
        actor=actor,
        type="membership.granted",
        obj=membership,
        payload={
            "user": membership.user.username,
            "organisation": membership.organisation.credit_code,
            "roles_before": before,
            "roles": clean,
        },
    )
    return membership


@transaction.atomic
def staff_deactivate(*, actor: Actor, pk: int) -> Membership:
    """The person no longer acts for the organisation; a person with no other organisation
    cannot log in at all (its account is deactivated with it)."""
    membership = own_membership(actor=actor, pk=pk)
    if membership.user_id == actor.user_id:
        raise ValidationFailed("不能停用自己的账户", code="self_deactivation")
    if not membership.is_active:
        raise Conflict("该人员已停用", code="already_inactive")
    if "org_admin" in membership.roles and not _others_admin(membership):
        raise ValidationFailed("本单位须至少保留一名机构管理员", code="last_admin")
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    user = User.objects.select_for_update().get(pk=membership.user_id)
    elsewhere = Membership.objects.filter(user=user, is_active=True).exists()
    if not elsewhere and user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    record(
        actor=actor,
        type="membership.revoked",
        obj=membership,
        payload={
            "user": user.username,
            "roles": membership.roles,
            "account_deactivated": not elsewhere,
        },
    )
    return membership


@transaction.atomic
def staff_reactivate(*, actor: Actor, pk: int) -> Membership:
    membership = own_membership(actor=actor, pk=pk)
    if membership.is_active:
        raise Conflict("该人员未停用", code="already_active")
    membership.is_active = True
    membership.save(update_fields=["is_active", "updated_at"])
    User.objects.filter(pk=membership.user_id).update(is_active=True)
    record(
        actor=actor,
        type="membership.reactivated",
        obj=membership,
        payload={"user": membership.user.username, "roles": membership.roles},
    )
    return membership


@transaction.atomic
def staff_reset_link(*, actor: Actor, pk: int) -> str:
    """Password reset by the administrator: a one-time link to hand over (and e-mail). The old
    password keeps working until the new one is set, so a link in the wrong hands is the only
    risk, and the ledger names who issued it."""
    membership = own_membership(actor=actor, pk=pk)
    if not membership.is_active or not membership.user.is_active:
        raise Conflict("该人员已停用，请先恢复", code="inactive")
    user = membership.user
    record(
        actor=actor,
        type="user.reset_link_issued",
        obj=user,
        payload={"user": user.username, "organisation": membership.organisation.credit_code},
    )
    link = set_password_link(user)
    mail_after_commit(
        to=user.email,
        subject="大兴区工程建设管理平台重设密码",
        body=f"{user.display_name}：\n\n本单位管理员为您发起了重设密码。请通过以下一次性链接设置新密码："
        f"\n{link}\n\n大兴区工程建设管理平台",
    )
    return link


@transaction.atomic
def profile_update(*, actor: Actor, display_name: str, phone: str = "", email: str = "") -> User:
    if not actor.is_authenticated or actor.user_id is None:
        raise NotFound("用户不存在", code="user_not_found")
    data = _clean_profile(display_name, phone, email)
    user = User.objects.select_for_update().get(pk=actor.user_id)
    changed = sorted(k for k, v in data.items() if getattr(user, k) != v)
    for key, value in data.items():
        setattr(user, key, value)
    user.save(update_fields=list(data))
    # Which fields changed, not their values: a phone number has no place in the ledger.
    record(actor=actor, type="user.profile_updated", obj=user, payload={"changed": changed})
    return user


def _validate_new(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            "；".join(exc.messages),
            code="weak_password",
            details={"new_password1": "；".join(exc.messages)},
        ) from exc


@transaction.atomic
def password_change(*, actor: Actor, old_password: str, new_password: str) -> User:
    if not actor.is_authenticated or actor.user_id is None:
        raise NotFound("用户不存在", code="user_not_found")
    user = User.objects.select_for_update().get(pk=actor.user_id)
    if not user.check_password(old_password or ""):
        raise ValidationFailed(
            "原密码不正确", code="wrong_password", details={"old_password": "原密码不正确"}
        )
    if old_password == new_password:
        msg = "新密码不能与原密码相同"
        raise ValidationFailed(msg, code="same_password", details={"new_password1": msg})
    _validate_new(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record(actor=actor, type="user.password_changed", obj=user, payload={"how": "self"})
    return user


@transaction.atomic
def password_set_by_link(*, actor: Actor, user: User, new_password: str) -> User:
    """The one-time link's form (e-mailed reset, invitation, administrator's reset): the link
    itself was checked by Django's token view before this is called."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    _validate_new(new_password, locked)
    locked.set_password(new_password)
    locked.save(update_fields=["password"])
    record(actor=actor, type="user.password_changed", obj=locked, payload={"how": "link"})
    user.password = locked.password
    return locked
