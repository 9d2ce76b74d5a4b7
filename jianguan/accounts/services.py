"""The only code that writes accounts data. Each function is one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from jianguan.accounts import credit_code as cc
from jianguan.accounts.models import (
    ApiToken,
    LoginRecord,
    LoginThrottle,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    Town,
    User,
)
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.core.indexing import reindex_on_commit
from jianguan.core.permissions import require
from jianguan.core.timeutil import now
from jianguan.ledger.services import record

TOKEN_PREFIX = "jg_"

ORG_FIELDS = (
    "name",
    "kind",
    "credit_code",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "address",
    "town",
)


def _clean_org(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = "请填写机构名称"
    elif len(name) > 200:
        errors["name"] = "机构名称不能超过 200 个字符"
    if data.get("kind") not in OrganisationKind.values:
        errors["kind"] = "未知的机构类型"
    try:
        data["credit_code"] = cc.validate(data.get("credit_code") or "")
    except cc.CreditCodeError as exc:
        errors["credit_code"] = str(exc)
    if not (data.get("legal_representative") or "").strip():
        errors["legal_representative"] = "请填写法定代表人"
    for key, limit in (("contact_name", 50), ("contact_phone", 30), ("address", 200)):
        if len(data.get(key) or "") > limit:
            errors[key] = f"不能超过 {limit} 个字符"
    town = data.get("town")
    if town is not None and not isinstance(town, Town):
        errors["town"] = "未知的乡镇街道"
    if errors:
        first = next(iter(errors.values()))
        code = "invalid_credit_code" if "credit_code" in errors else "validation_error"
        raise ValidationFailed(first, code=code, details=errors)
    data["name"] = name
    return data


def _org_payload(org: Organisation) -> dict[str, Any]:
    return {
        "name": org.name,
        "kind": org.kind,
        "credit_code": org.credit_code,
        "legal_representative": org.legal_representative,
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
        "address": org.address,
        "town": org.town.name if org.town_id else None,
        "is_active": org.is_active,
    }


@transaction.atomic
def organisation_create(*, actor: Actor, **fields: Any) -> Organisation:
    require(actor, "accounts.organisation.create")
    data = _clean_org({k: fields.get(k) for k in ORG_FIELDS})
    if Organisation.objects.filter(credit_code=data["credit_code"]).exists():
        raise Conflict("该统一社会信用代码已登记", code="duplicate_credit_code")
    for key in ("contact_name", "contact_phone", "address"):
        data[key] = data.get(key) or ""
    try:
        with transaction.atomic():
            org = Organisation.objects.create(**data)
    except IntegrityError as exc:
        raise Conflict("该统一社会信用代码已登记", code="duplicate_credit_code") from exc
    record(actor=actor, type="organisation.created", obj=org, payload=_org_payload(org))
    reindex_on_commit(kind="organisations", ids=[org.pk])
    return org


@transaction.atomic
def organisation_update(
    *, actor: Actor, organisation: Organisation, **changes: Any
) -> Organisation:
    require(actor, "accounts.organisation.update")
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    data = {k: getattr(org, k) for k in ORG_FIELDS}
    data.update({k: v for k, v in changes.items() if k in ORG_FIELDS})
    data = _clean_org(data)
    clash = Organisation.objects.filter(credit_code=data["credit_code"]).exclude(pk=org.pk)
    if clash.exists():
        raise Conflict("该统一社会信用代码已登记", code="duplicate_credit_code")
    before = _org_payload(org)
    for key, value in data.items():
        setattr(org, key, value if value is not None or key == "town" else "")
    if "is_active" in changes:
        org.is_active = bool(changes["is_active"])
    org.save()
    after = _org_payload(org)
    diff = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
    record(actor=actor, type="organisation.updated", obj=org, payload={"changes": diff})
    reindex_on_commit(kind="organisations", ids=[org.pk])
    return org


def _clean_roles(roles: Iterable[str]) -> list[str]:
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationFailed("未知的角色：" + "、".join(unknown), code="unknown_role")
    if not roles:
        raise ValidationFailed("至少需要一个角色", code="validation_error")
    return roles


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    display_name: str = "",
    phone: str = "",
    email: str = "",
) -> User:
    require(actor, "accounts.user.create")
    username = (username or "").strip()
    if not username or len(username) > 150:
        raise ValidationFailed("请填写有效的用户名", code="validation_error")
    if User.objects.filter(username=username).exists():
        raise Conflict("用户名已存在", code="duplicate_username")
    user = User(username=username, display_name=display_name, phone=phone, email=email)
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            "；".join(exc.messages), code="weak_password", details=exc.messages
        ) from exc
    user.set_password(password)
    user.save()
    record(
        actor=actor,
        type="user.created",
        obj=user,
        payload={"username": user.username, "display_name": display_name},
    )
    return user


@transaction.atomic
def membership_grant(
    *, actor: Actor, user: User, organisation: Organisation, roles: Iterable[str]
) -> Membership:
    require(actor, "accounts.membership.manage")
    clean = _clean_roles(roles)
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, organisation=organisation, defaults={"roles": clean}
    )
    before = [] if created else list(membership.roles)
    membership.roles = clean
    membership.is_active = True
    membership.save()
    record(
        actor=actor,
        type="membership.granted",
        obj=membership,
        payload={
            "user": user.username,
            "organisation": organisation.credit_code,
            "roles_before": before,
            "roles": clean,
        },
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Actor, membership: Membership) -> Membership:
    require(actor, "accounts.membership.manage")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    record(
        actor=actor,
        type="membership.revoked",
        obj=membership,
        payload={"user": membership.user.username, "roles": membership.roles},
    )
    return membership


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: Actor, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and only its hash is stored."""
    if not (actor.is_system or actor.user_id == user.pk):
        require(actor, "accounts.user.create")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=secret[:10], key_hash=_token_hash(secret)
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> None:
    if not (actor.is_system or actor.user_id == token.user_id):
        require(actor, "accounts.user.create")
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now())


def api_token_authenticate(secret: str) -> User | None:
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_token_hash(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    stamp = now()
    if token.last_used_at is None or stamp - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=stamp)
    return token.user


# --- login throttle and account lock ----------------------------------------------------------
# Failures count per (username, client address): LOGIN_MAX_FAILURES from one address stop that
# address trying that username for LOGIN_LOCKOUT_MINUTES, and nobody else. The account itself
# locks only after LOGIN_ACCOUNT_LOCK_FAILURES failures since its last login that came from at
# least LOGIN_ACCOUNT_LOCK_ADDRESSES addresses within THROTTLE_MEMORY. The login pages answer
# every refusal with the same words, so none of this tells whether a username exists.
THROTTLE_MEMORY = dt.timedelta(days=1)


def _lock_period() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def lockout_remaining(user: User) -> dt.timedelta | None:
    if user.locked_until and user.locked_until > now():
        return user.locked_until - now()
    return None


def login_throttled(*, username: str, address: str) -> bool:
    """Whether this address is paused from trying this username (read only)."""
    return LoginThrottle.objects.filter(
        username=username[:150], address=address[:64], throttled_until__gt=now()
    ).exists()


def login_failure_record(*, user: User | None, username: str, address: str) -> bool:
    """Count a failed login of `username` from `address` (`user` is None when no such user
    exists). Returns True when this failure locked the account."""
    username, address = username[:150], address[:64]
    stamp = now()
    with transaction.atomic():
        LoginThrottle.objects.filter(
            last_failure_at__lt=stamp - max(THROTTLE_MEMORY, _lock_period())
        ).delete()
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(
            username=username, address=address, defaults={"last_failure_at": stamp}
        )
        if row.throttled_until and row.throttled_until <= stamp:
            row.failures, row.throttled_until = 0, None
        row.failures += 1
        row.last_failure_at = stamp
        if row.failures >= settings.LOGIN_MAX_FAILURES and not row.throttled_until:
            row.throttled_until = stamp + _lock_period()
        row.save(update_fields=["failures", "last_failure_at", "throttled_until"])
        if user is None:
            return False
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.locked_until and locked.locked_until <= stamp:
            locked.failed_logins = 0
            locked.locked_until = None
        locked.failed_logins += 1
        just_locked = False
        if locked.failed_logins >= settings.LOGIN_ACCOUNT_LOCK_FAILURES and not locked.locked_until:
            since = stamp - THROTTLE_MEMORY
            if locked.last_login and locked.last_login > since:
                since = locked.last_login
            addresses = LoginThrottle.objects.filter(
                username=username, last_failure_at__gt=since
            ).count()
            if addresses >= settings.LOGIN_ACCOUNT_LOCK_ADDRESSES:
                locked.locked_until = stamp + _lock_period()
                just_locked = True
        locked.save(update_fields=["failed_logins", "locked_until"])
    user.failed_logins, user.locked_until = locked.failed_logins, locked.locked_until
    return just_locked


def login_success_record(*, user: User, address: str, user_agent: str = "") -> None:
    """A right password: the account's counter and this address's throttle start afresh
    (other addresses' failures stand, so a guesser elsewhere gains nothing). The login is kept
    for the person's own login history (个人中心), which shows a login it did not make."""
    with transaction.atomic():
        LoginRecord.objects.create(
            user=user, at=now(), address=address[:64], user_agent=user_agent[:200]
        )
        LoginThrottle.objects.filter(username=user.username, address=address[:64]).delete()
        if user.failed_logins or user.locked_until:
            User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    user.failed_logins, user.locked_until = 0, None
