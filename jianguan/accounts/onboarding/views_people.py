"""Pages for people: the organisation administrator's staff pages, the personal centre and
the password reset by e-mail (Django's views with Chinese templates and our forms)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from jianguan.accounts.models import User
from jianguan.accounts.onboarding import people, selectors
from jianguan.accounts.onboarding.forms import (
    ROLE_LABELS,
    InviteForm,
    LinkSetPasswordForm,
    PasswordChangeForm,
    ProfileForm,
    ResetRequestForm,
    RolesForm,
    add_errors,
)
from jianguan.core.errors import DomainError
from jianguan.core.permissions import permission_required


def _allowed(request: HttpRequest) -> tuple[str, ...]:
    return people.allowed_roles(request.actor.organisation_kind or "")


@permission_required("accounts.staff.manage")
def staff_list(request: HttpRequest) -> HttpResponse:
    members = list(selectors.staff_of(actor=request.actor))
    for m in members:
        m.role_labels = [ROLE_LABELS.get(r, r) for r in m.roles]
    return render(request, "accounts/onboarding/staff_list.html", {"members": members})


@sensitive_post_parameters()
@permission_required("accounts.staff.manage")
@require_http_methods(["GET", "POST"])
def staff_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None, allowed=_allowed(request))
    if request.method == "POST" and form.is_valid():
        try:
            membership, link = people.staff_invite(actor=request.actor, **form.cleaned_data)
        except DomainError as exc:
            add_errors(form, exc)
        else:
            ctx = {"member": membership, "link": link, "what": "已开通账户"}
            return render(request, "accounts/onboarding/staff_link.html", ctx)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/onboarding/staff_invite.html", {"form": form}, status=status)


@permission_required("accounts.staff.manage")
@require_http_methods(["GET", "POST"])
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.staff_get(actor=request.actor, pk=pk)
    form = RolesForm(initial={"roles": member.roles}, allowed=_allowed(request))
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "roles":
                form = RolesForm(request.POST, allowed=_allowed(request))
                if form.is_valid():
                    people.staff_set_roles(
                        actor=request.actor, pk=member.pk, roles=form.cleaned_data["roles"]
                    )
                    messages.success(request, "已更新角色")
                    return redirect("accounts:staff_detail", pk=member.pk)
                status = 400
            elif action == "deactivate":
                people.staff_deactivate(actor=request.actor, pk=member.pk)
                messages.success(request, f"已停用 {member.user}")
                return redirect("accounts:staff_detail", pk=member.pk)
            elif action == "reactivate":
                people.staff_reactivate(actor=request.actor, pk=member.pk)
                messages.success(request, f"已恢复 {member.user}")
                return redirect("accounts:staff_detail", pk=member.pk)
            elif action == "reset":
                link = people.staff_reset_link(actor=request.actor, pk=member.pk)
                ctx = {"member": member, "link": link, "what": "已生成重设密码链接"}
                return render(request, "accounts/onboarding/staff_link.html", ctx)
            else:
                messages.error(request, "未知的操作")
                status = 400
        except DomainError as exc:
            if action == "roles":
                add_errors(form, exc)
            else:
                messages.error(request, exc.message)
            status = 400 if exc.status < 404 else exc.status
    ctx = {
        "member": member,
        "form": form,
        "role_labels": [ROLE_LABELS.get(r, r) for r in member.roles],
        "is_self": member.user_id == request.actor.user_id,
    }
    return render(request, "accounts/onboarding/staff_detail.html", ctx, status=status)


@permission_required("accounts.me")
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    user = User.objects.get(pk=request.actor.user_id)
    initial = {"display_name": user.display_name, "phone": user.phone, "email": user.email}
    form = ProfileForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                people.profile_update(actor=request.actor, **form.cleaned_data)
            except DomainError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "已保存个人信息")
                return redirect("accounts:me")
    ctx = {
        "form": form,
        "profile": user,
        "logins": selectors.login_history(actor=request.actor),
        "memberships": request.actor.memberships,
        "role_labels": [ROLE_LABELS.get(r, r) for r in sorted(request.actor.roles)],
    }
    return render(request, "accounts/onboarding/me.html", ctx, status=status)


@sensitive_post_parameters()
@permission_required("accounts.me")
@require_http_methods(["GET", "POST"])
def me_password(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = people.password_change(
                actor=request.actor,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except DomainError as exc:
            add_errors(form, exc)
        else:
            update_session_auth_hash(request, user)  # stay logged in here, not elsewhere
            messages.success(request, "密码已修改")
            return redirect("accounts:me")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/onboarding/me_password.html", {"form": form}, status=status)


password_reset = auth_views.PasswordResetView.as_view(
    form_class=ResetRequestForm,
    template_name="accounts/onboarding/reset_request.html",
    email_template_name="accounts/onboarding/reset_email.txt",
    subject_template_name="accounts/onboarding/reset_subject.txt",
    extra_email_context={"base_url": settings.PUBLIC_BASE_URL},
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/onboarding/reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    form_class=LinkSetPasswordForm,
    template_name="accounts/onboarding/reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/onboarding/reset_complete.html"
)
