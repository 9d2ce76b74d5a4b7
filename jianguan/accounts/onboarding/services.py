"""Onboarding applications (入驻申请): the only code that writes them. Each function is one
transaction and writes its ledger entry in it; e-mail goes out after the commit.

The application's ledger entries name the enterprise, its credit code, its legal
representative and the administrator's name with the licence's SM3, not the administrator's
phone or e-mail: a personal contact has no place in a log that is never erased. (On approval
the organisation's and the user's own entries carry what they always carry: the contact phone
and the username, which for an administrator is its e-mail address.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from jianguan.accounts import credit_code as cc
from jianguan.accounts import services as accounts_services
from jianguan.accounts.models import (
    APPLICANT_KINDS,
    KIND_ROLES,
    Membership,
    Organisation,
    OrganisationApplication,
    OrganisationKind,
    User,
)
from jianguan.accounts.onboarding import workflow as wf
from jianguan.core import uploads
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import now
from jianguan.ledger.services import record

# Against spam: new applications from one client address in one hour (resubmissions of a
# returned application do not count: they answer the regulator).
APPLY_MAX_PER_HOUR = 5
MOBILE = re.compile(r"^1[3-9]\d{9}$")
# What a newly approved administrator holds: people management and the everyday business
# roles, narrowed to what the kind allows; it can change its own roles later.
FIRST_ADMIN_ROLES = ("org_admin", "admin", "staff")

FIELDS = (
    "name",
    "kind",
    "credit_code",
    "legal_representative",
    "address",
    "admin_name",
    "admin_phone",
    "admin_email",
)


class Throttled(DomainError):
    status = 429
    code = "too_many_applications"


def secret_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def set_password_link(user: User) -> str:
    """A one-time link: Django's token covers the password hash and last login, so setting
    the password (or logging in) spends it."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", args=[uid, token])
    return settings.PUBLIC_BASE_URL + path


def mail_after_commit(*, to: str, subject: str, body: str) -> None:
    """Send after the commit, never failing the decision: a mail server that is down must not
    undo an approval (the link is also shown to whoever issued it)."""
    if not to:
        return
    transaction.on_commit(
        lambda: send_mail(subject, body, None, [to], fail_silently=True), robust=True
    )


def _clean(data: dict[str, Any], *, exclude_pk: int | None = None) -> dict[str, Any]:
    """Every field checked at once, the errors in Chinese by field (details)."""
    errors: dict[str, str] = {}
    duplicate = False
    out = {k: (data.get(k) or "").strip() for k in FIELDS}
    if not out["name"]:
        errors["name"] = "请填写机构名称"
    elif len(out["name"]) > 200:
        errors["name"] = "机构名称不能超过 200 个字符"
    if out["kind"] not in APPLICANT_KINDS:
        errors["kind"] = "请选择可申请的机构类型"
    try:
        out["credit_code"] = cc.validate(out["credit_code"])
    except cc.CreditCodeError as exc:
        errors["credit_code"] = str(exc)
    else:
        if Organisation.objects.filter(credit_code=out["credit_code"]).exists():
            errors["credit_code"] = "该统一社会信用代码已入驻平台，请联系本单位管理员"
            duplicate = True
        else:
            pending = OrganisationApplication.objects.filter(
                credit_code=out["credit_code"], status__in=wf.PENDING
            ).exclude(pk=exclude_pk)
            if pending.exists():
                errors["credit_code"] = "该统一社会信用代码已有待处理的入驻申请"
                duplicate = True
    for key, label, limit in (
        ("legal_representative", "法定代表人", 50),
        ("admin_name", "管理员姓名", 50),
    ):
        if not out[key]:
            errors[key] = f"请填写{label}"
        elif len(out[key]) > limit:
            errors[key] = f"{label}不能超过 {limit} 个字符"
    if len(out["address"]) > 200:
        errors["address"] = "地址不能超过 200 个字符"
    if not MOBILE.match(out["admin_phone"]):
        errors["admin_phone"] = "请填写 11 位手机号"
    out["admin_email"] = out["admin_email"].lower()
    try:
        validate_email(out["admin_email"])
        if len(out["admin_email"]) > 150:
            raise DjangoValidationError("too long")
    except DjangoValidationError:
        errors["admin_email"] = "请填写有效的电子邮箱"
    else:
        # The administrator logs in with its e-mail address as the username.
        if User.objects.filter(username__iexact=out["admin_email"]).exists():
            errors["admin_email"] = "该电子邮箱已是平台用户名，请换用其他邮箱"
    if errors:
        code = "invalid_credit_code" if "credit_code" in errors else "validation_error"
        if duplicate:
            code = "duplicate_credit_code"
        raise ValidationFailed(next(iter(errors.values())), code=code, details=errors)
    return out


def _licence(upload) -> dict[str, Any]:
    try:
        ext = uploads.check(upload, "营业执照扫描件", uploads.EVIDENCE_TYPES, uploads.MAX_DOC_BYTES)
    except ValidationFailed as exc:
        raise ValidationFailed(
            exc.message, code=exc.code, details={"licence": exc.message}
        ) from exc
    digest = uploads.sm3(upload)
    upload.name = f"licence-{digest[:16]}{ext}"
    return {"licence": upload, "licence_sm3": digest, "licence_size": upload.size}


def _payload(app: OrganisationApplication) -> dict[str, Any]:
    return {
        "number": app.number,
        "name": app.name,
        "kind": app.kind,
        "credit_code": app.credit_code,
        "legal_representative": app.legal_representative,
        "admin_name": app.admin_name,
        "licence": {"sm3": app.licence_sm3, "size": app.licence_size},
        "submissions": app.submissions,
    }


def _next_number(stamp: dt.datetime) -> str:
    day = stamp.strftime("%Y%m%d")
    prefix = f"RZ{day}"
    last = (
        OrganisationApplication.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def application_submit(
    *, actor: Actor, client_address: str, licence: Any, **fields: Any
) -> tuple[OrganisationApplication, str]:
    """A new application; returns it and the status page's secret (shown once)."""
    stamp = now()
    recent = OrganisationApplication.objects.filter(
        submitted_from=client_address[:64], created_at__gte=stamp - dt.timedelta(hours=1)
    ).count()
    if recent >= APPLY_MAX_PER_HOUR:
        raise Throttled("提交过于频繁，请一小时后再试", code="too_many_applications")
    data = _clean(fields)
    files = _licence(licence)
    token = secrets.token_urlsafe(24)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                app = OrganisationApplication.objects.create(
                    **data,
                    **files,
                    number=_next_number(stamp),
                    secret_hash=secret_hash(token),
                    submitted_from=client_address[:64],
                    submitted_at=stamp,
                )
                record(
                    actor=actor,
                    type="onboarding.application_submitted",
                    obj=app,
                    payload=_payload(app),
                    files=[{"name": "licence", "sm3": app.licence_sm3}],
                )
                status = reverse("accounts:apply_status", args=[app.number, token])
                mail_after_commit(
                    to=app.admin_email,
                    subject=f"入驻申请 {app.number} 已提交",
                    body=f"{app.name}：\n\n入驻申请已提交，申请编号 {app.number}。"
                    f"查询进度与退回后修改：\n{settings.PUBLIC_BASE_URL}{status}\n"
                    "请妥善保管此链接。\n\n大兴区工程建设管理平台",
                )
            return app, token
        except IntegrityError as exc:
            # Two at once: the same credit code (the constraint), or the same number (retry).
            if OrganisationApplication.objects.filter(
                credit_code=data["credit_code"], status__in=wf.PENDING
            ).exists():
                raise Conflict(
                    "该统一社会信用代码已有待处理的入驻申请", code="duplicate_credit_code"
                ) from exc
    raise Conflict("申请编号冲突，请重新提交", code="number_conflict")


def application_by_secret(*, number: str, token: str) -> OrganisationApplication:
    """The applicant's own application, by its number and the secret (404 otherwise)."""
    app = OrganisationApplication.objects.filter(number=(number or "")[:20]).first()
    if app is None or not secrets.compare_digest(app.secret_hash, secret_hash(token or "")):
        raise NotFound("申请不存在或链接无效", code="application_not_found")
    return app


@transaction.atomic
def application_resubmit(
    *, actor: Actor, application: OrganisationApplication, licence: Any = None, **fields: Any
) -> OrganisationApplication:
    app = OrganisationApplication.objects.select_for_update().get(pk=application.pk)
    try:
        status = wf.next_state(app.status, "resubmit")
    except wf.TransitionRefused as exc:
        raise Conflict(str(exc), code="bad_state") from exc
    data = _clean(fields, exclude_pk=app.pk)
    if licence is not None:
        for key, value in _licence(licence).items():
            setattr(app, key, value)
    for key, value in data.items():
        setattr(app, key, value)
    app.status = status
    app.submissions += 1
    app.submitted_at = now()
    app.save()
    record(
        actor=actor,
        type="onboarding.application_resubmitted",
        obj=app,
        payload=_payload(app),
        files=[{"name": "licence", "sm3": app.licence_sm3}],
    )
    return app


def _lock_for_review(application: OrganisationApplication, action: str, reasons: str):
    app = OrganisationApplication.objects.select_for_update().get(pk=application.pk)
    try:
        target = wf.next_state(app.status, action)
        reasons = wf.clean_reasons(action, reasons)
    except wf.TransitionRefused as exc:
        missing = action == "return" and app.status == wf.SUBMITTED and not reasons.strip()
        code = "reasons_required" if missing else "bad_state"
        raise ValidationFailed(str(exc), code=code, details={"reasons": str(exc)}) from exc
    return app, target, reasons


@transaction.atomic
def application_return(
    *, actor: Actor, application: OrganisationApplication, reasons: str
) -> OrganisationApplication:
    require(actor, "accounts.application.review")
    app, target, reasons = _lock_for_review(application, "return", reasons)
    app.status = target
    app.review_reasons = reasons
    app.reviewed_by = actor.user
    app.reviewed_at = now()
    app.save()
    record(
        actor=actor,
        type="onboarding.application_returned",
        obj=app,
        payload={"number": app.number, "credit_code": app.credit_code, "reasons": reasons},
    )
    mail_after_commit(
        to=app.admin_email,
        subject=f"入驻申请 {app.number} 已退回",
        body=f"{app.name}：\n\n您的入驻申请已退回，理由：\n{reasons}\n\n"
        "请使用提交申请时获得的查询链接修改后重新提交。\n\n大兴区工程建设管理平台",
    )
    return app


@transaction.atomic
def application_approve(
    *, actor: Actor, application: OrganisationApplication, reasons: str = ""
) -> tuple[OrganisationApplication, str]:
    """Approve: the organisation, its administrator (no password yet) and the membership are
    created in the same transaction; returns the administrator's one-time set-password link."""
    require(actor, "accounts.application.review")
    app, target, reasons = _lock_for_review(application, "approve", reasons)
    if User.objects.filter(username__iexact=app.admin_email).exists():
        raise Conflict(
            "管理员电子邮箱已被其他用户使用，请退回申请要求更换", code="duplicate_username"
        )
    org = accounts_services.organisation_create(
        actor=actor,
        name=app.name,
        kind=app.kind,
        credit_code=app.credit_code,
        legal_representative=app.legal_representative,
        contact_name=app.admin_name,
        contact_phone=app.admin_phone,
        address=app.address,
    )
    user = User(
        username=app.admin_email,
        email=app.admin_email,
        display_name=app.admin_name,
        phone=app.admin_phone,
    )
    user.set_unusable_password()
    user.save()
    record(
        actor=actor,
        type="user.created",
        obj=user,
        payload={"username": user.username, "display_name": user.display_name},
    )
    roles = [r for r in FIRST_ADMIN_ROLES if r in KIND_ROLES[org.kind]]
    membership = Membership.objects.create(user=user, organisation=org, roles=roles)
    record(
        actor=actor,
        type="membership.granted",
        obj=membership,
        payload={
            "user": user.username,
            "organisation": org.credit_code,
            "roles_before": [],
            "roles": roles,
        },
    )
    app.status = target
    app.organisation = org
    app.review_reasons = reasons
    app.reviewed_by = actor.user
    app.reviewed_at = now()
    app.save()
    record(
        actor=actor,
        type="onboarding.application_approved",
        obj=app,
        payload={
            "number": app.number,
            "credit_code": app.credit_code,
            "organisation": org.pk,
            "administrator": user.username,
            "reasons": reasons,
        },
    )
    link = set_password_link(user)
    mail_after_commit(
        to=user.email,
        subject=f"入驻申请 {app.number} 已通过",
        body=f"{app.admin_name}：\n\n{app.name}已入驻大兴区工程建设管理平台，您是本单位管理员。\n"
        f"用户名：{user.username}\n请通过以下一次性链接设置密码（{_link_days()} 天内有效）：\n"
        f"{link}\n\n大兴区工程建设管理平台",
    )
    return app, link


def _link_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def kind_label(kind: str) -> str:
    return dict(OrganisationKind.choices).get(kind, kind)
