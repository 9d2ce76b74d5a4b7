"""The project page (项目详情) and its action forms. Every write goes through the services.

Each action looks the project up as the actor may see it (404) and asks the service's access
check (403) before it reads the form, so a non-party never learns what the form wants.

The other pages live beside this module: views_register (台账 list, export, public list),
views_pages (create, person, sign PDF) and views_map (一张图); views_parts builds what this
page shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as djforms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jianguan.core.errors import DomainError
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local
from jianguan.projects import selectors, services
from jianguan.projects import views_parts as parts
from jianguan.projects.facts import project_facts
from jianguan.projects.forms import (
    CompletionSignForm,
    DocumentsForm,
    InspectionForm,
    LeadForm,
    ParticipantForm,
)
from jianguan.projects.links import project_links
from jianguan.projects.models import KeyNode, Participant, Project, ProjectLead
from jianguan.projects.workflow import STAGE_LABELS, Stage, check_transition, next_stage


def _render_detail(
    request: HttpRequest,
    project: Project,
    *,
    status: int = 200,
    errors: dict[str, dict] | None = None,
    bound: dict[str, djforms.Form] | None = None,
) -> HttpResponse:
    actor = request.actor
    today = today_local()
    bound = bound or {}
    side = parts.inspection_side(actor, project)
    manage = parts.acts_for_owner(actor, project)
    target = next_stage(Stage(project.stage))
    unmet: list = []
    if target is not None:
        unmet = check_transition(project.stage, target, project_facts(project))
    leads = parts.leads(project)
    completion = parts.completion(project, actor, leads)
    sign_form = bound.get("completion") or CompletionSignForm(initial={"signed_on": today})
    if completion["my_parties"]:
        sign_form.fields["party"].choices = completion["my_parties"]
    docs_initial = {f: getattr(project, f) for f in DocumentsForm.base_fields}
    ctx = {
        "project": project,
        "today": today,
        "timeline": parts.timeline(project, today),
        "participants": Participant.objects.filter(project=project)
        .select_related("organisation")
        .order_by("-is_active", "role", "organisation__name"),
        "leads": leads,
        "nodes": parts.key_nodes(project, side, today),
        "warnings": parts.warnings(project),
        "completion": completion,
        "warranty": list(project.warranty_clocks.order_by("id")),
        "next_stage": target,
        "next_stage_label": STAGE_LABELS[target] if target else "",
        "unmet_now": unmet,
        "can": {
            "transition": manage and actor.can("projects.transition") and target is not None,
            "update": manage and actor.can("projects.update"),
            "participants": manage and actor.can("projects.participants"),
            "inspect": side is not None,
            "sign": bool(completion["my_parties"]),
        },
        "app_links": project_links(actor, project),
        "inspect_side": {"regulator": "监管部门检查员", "supervisor": "总监理工程师"}.get(
            side or ""
        ),
        "errors": errors or {},
        "documents_form": bound.get("documents") or DocumentsForm(initial=docs_initial),
        "participant_form": bound.get("participant") or ParticipantForm(),
        "lead_form": bound.get("lead") or LeadForm(initial={"started_on": today}),
        "inspection_form": bound.get("inspection") or InspectionForm(),
        "inspection_node": bound.get("inspection_node"),
        "sign_form": sign_form,
    }
    return render(request, "projects/detail.html", ctx, status=status)


def _error(exc: DomainError, headline: str = "") -> dict:
    items: list[str] = []
    details = exc.details
    if isinstance(details, list):
        items = [d.get("message", "") if isinstance(d, dict) else str(d) for d in details]
    elif isinstance(details, dict):
        items = [str(v) for v in details.values()]
    message = headline if (headline and items) else exc.message
    return {"message": message, "items": [i for i in items if i], "code": exc.code}


def _form_error(form: djforms.Form) -> dict:
    items = [
        f"{form.fields[k].label if k in form.fields else ''}：{e}".lstrip("：")
        for k, errs in form.errors.items()
        for e in errs
    ]
    return {"message": "请检查填写的内容", "items": items, "code": "validation_error"}


def _act(
    request: HttpRequest,
    project: Project,
    key: str,
    form: djforms.Form | None,
    call: Callable[[], Any],
    success: str,
    anchor: str,
    headline: str = "",
    extra: dict | None = None,
) -> HttpResponse:
    bound = {key: form} if form is not None else {}
    bound.update(extra or {})
    if form is not None and not form.is_valid():
        return _render_detail(
            request, project, status=400, errors={key: _form_error(form)}, bound=bound
        )
    try:
        call()
    except DomainError as exc:
        return _render_detail(
            request, project, status=exc.status, errors={key: _error(exc, headline)}, bound=bound
        )
    messages.success(request, success)
    return redirect(reverse("projects:detail", args=[project.pk]) + f"#{anchor}")


def _project(request: HttpRequest, pk: int) -> Project:
    return selectors.project_get_visible_to(actor=request.actor, pk=pk)


# --- views ----------------------------------------------------------------------------------


@require_GET
@permission_required("projects.view_own")
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _project(request, pk))


@require_POST
@permission_required("projects.view_own")
def project_transition(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    target = request.POST.get("target", "")
    label = (
        STAGE_LABELS.get(Stage(target), target) if target in Stage._value2member_map_ else target
    )
    return _act(
        request,
        project,
        "transition",
        None,
        lambda: services.project_transition(actor=request.actor, project=project, target=target),
        f"项目已进入“{label}”阶段",
        "stages",
        headline=f"不能进入“{label}”阶段，以下条件尚未满足：",
    )


@require_POST
@permission_required("projects.view_own")
def project_documents(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    services.owner_side_check(request.actor, project, "projects.update", "只能维护本单位的项目")
    form = DocumentsForm(request.POST)

    def call():
        changes = {k: v for k, v in form.cleaned_data.items()}
        services.project_update(actor=request.actor, project=project, **changes)

    return _act(request, project, "documents", form, call, "文件信息已保存", "documents")


@require_POST
@permission_required("projects.view_own")
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    services.owner_side_check(
        request.actor, project, "projects.participants", "只能管理本单位项目的参建单位"
    )
    form = ParticipantForm(request.POST)
    return _act(
        request,
        project,
        "participant",
        form,
        lambda: services.participant_add(
            actor=request.actor,
            project=project,
            organisation=form.cleaned_data["organisation"],
            role=form.cleaned_data["role"],
        ),
        "已登记参建单位",
        "participants",
    )


@require_POST
@permission_required("projects.view_own")
def lead_file(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    services.owner_side_check(
        request.actor, project, "projects.participants", "只能为本单位项目备案负责人"
    )
    form = LeadForm(request.POST, request.FILES)
    return _act(
        request,
        project,
        "lead",
        form,
        lambda: services.lead_file(
            actor=request.actor,
            project=project,
            party=form.cleaned_data["party"],
            person_name=form.cleaned_data["person_name"],
            certificate_number=form.cleaned_data.get("certificate_number") or "",
            phone=form.cleaned_data.get("phone") or "",
            authorisation=form.cleaned_data["authorisation"],
            commitment=form.cleaned_data["commitment"],
            started_on=form.cleaned_data["started_on"],
        ),
        "已备案项目负责人，授权书与承诺书的 SM3 摘要已存证",
        "leads",
    )


@require_POST
@permission_required("projects.view_own")
def key_node_inspect(request: HttpRequest, pk: int, node_pk: int) -> HttpResponse:
    project = _project(request, pk)
    services.signer_side(request.actor, project)  # a 403 before the node and the form
    node = KeyNode.objects.filter(project=project, pk=node_pk).first()
    if node is None:
        raise Http404("关键节点不存在")
    form = InspectionForm(request.POST)
    return _act(
        request,
        project,
        "inspection",
        form,
        lambda: services.key_node_inspect(
            actor=request.actor,
            key_node=node,
            result=form.cleaned_data["result"],
            findings=form.finding_list(),
        ),
        f"已签署“{node.name}”联合检查",
        "nodes",
        extra={"inspection_node": node.pk},
    )


@require_POST
@permission_required("projects.view_own")
def completion_sign(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    services.completion_signer_check(request.actor, project)  # a 403 before the form
    form = CompletionSignForm(request.POST)
    return _act(
        request,
        project,
        "completion",
        form,
        lambda: services.completion_sign(
            actor=request.actor,
            project=project,
            party=form.cleaned_data["party"],
            signed_on=form.cleaned_data["signed_on"],
        ),
        "已签署竣工验收记录",
        "completion",
    )


@require_GET
@permission_required("projects.view_own")
def lead_document(request: HttpRequest, pk: int, lead_pk: int, which: str) -> FileResponse:
    project = _project(request, pk)
    lead = ProjectLead.objects.filter(project=project, pk=lead_pk).first()
    if lead is None or which not in ("authorisation", "commitment"):
        raise Http404("文件不存在")
    field = lead.authorisation_file if which == "authorisation" else lead.commitment_file
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在") from None
    label = "法定代表人授权书" if which == "authorisation" else "质量终身责任承诺书"
    suffix = "." + field.name.rsplit(".", 1)[-1] if "." in field.name else ""
    return FileResponse(
        handle, as_attachment=False, filename=f"{project.code}_{lead.person.name}_{label}{suffix}"
    )
