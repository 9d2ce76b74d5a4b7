"""RFI and submittal pages (phone-friendly: field staff raise and answer RFIs on phones): the
actor's work across projects, a project's RFI log with filters, the new-RFI form, an RFI with
its thread and the actions of the party in court, a project's submittal register with the
submit form, a submittal with its revisions, the review form and the stamped PDF."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jianguan.collab.rfis import common, selectors, services, services_submittal, workflow
from jianguan.core.errors import DomainError, PermissionDenied
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local

VIEW = "collab_rfis.view"


def _flag(request: HttpRequest, name: str) -> bool:
    return request.POST.get(name) in ("on", "1", "true", "yes")


@require_GET
@permission_required(VIEW)
def index(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    ctx = {
        "mine": list(selectors.rfi_list(actor=actor, court="mine")[:100]),
        "reviews": list(
            selectors.submittal_list(actor=actor, state=workflow.UNDER_REVIEW).filter(
                reviewer_org_id=actor.organisation_id or 0
            )[:100]
        ),
        "projects": list(selectors.visible_projects(actor).order_by("-pk")[:200]),
        "escalated": selectors.escalated_to_regulator(actor=actor)
        if actor.is_kind("regulator")
        else None,
        "today": today_local(),
    }
    return render(request, "collab_rfis/index.html", ctx)


@require_GET
@permission_required(VIEW)
def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    state = request.GET.get("state", "")
    state = state if state in workflow.RFI_STATES else ""
    court = request.GET.get("court", "")
    court = court if court in ("mine", workflow.ASKER, workflow.ADDRESSEE) else ""
    overdue = request.GET.get("overdue") == "1"
    rfis = selectors.rfi_list(
        actor=request.actor, project_id=project.pk, state=state, court=court, overdue=overdue
    )
    ctx = {
        "project": project,
        "rfis": list(rfis[:300]),
        "states": workflow.RFI_STATES,
        "state": state,
        "court": court,
        "overdue": overdue,
        "today": today_local(),
        "may_raise": request.actor.can("collab_rfis.rfi")
        and request.actor.organisation_id in common.participant_orgs(project.pk),
    }
    return render(request, "collab_rfis/project.html", ctx)


def _addressees(project) -> list:
    from jianguan.accounts.models import Organisation
    from jianguan.projects.models import ParticipantRole

    parties = common.participant_orgs(project.pk)
    names = dict(Organisation.objects.filter(pk__in=list(parties)).values_list("pk", "name"))
    roles = dict(ParticipantRole.choices)
    return [(pk, f"{names[pk]}（{roles.get(role, role)}）") for pk, role in parties.items()]


@require_http_methods(["GET", "POST"])
@permission_required(VIEW)
def rfi_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_for(actor=actor, pk=pk)
    if not actor.can("collab_rfis.rfi"):
        raise PermissionDenied("无权提出工作联系单", code="permission_denied")
    common.require_party(actor, project.pk, "只有本项目的参建单位可以提出联系单")
    error, data = None, request.POST
    if request.method == "POST":
        try:
            rfi = services.rfi_raise(
                actor=actor,
                project=project,
                kind=data.get("kind", ""),
                priority=data.get("priority", workflow.NORMAL),
                subject=data.get("subject", ""),
                question=data.get("question", ""),
                addressed_to_id=data.get("addressed_to", ""),
                cost_impact=_flag(request, "cost_impact"),
                cost_estimate=data.get("cost_estimate", ""),
                schedule_impact_days=data.get("schedule_impact_days", "") or 0,
                files=request.FILES.getlist("files"),
                submit=data.get("draft") != "1",
            )
            return redirect("collab_rfis:rfi", rfi.pk)
        except DomainError as exc:
            error = exc
    ctx = {
        "project": project,
        "kinds": workflow.RFI_KINDS,
        "priorities": workflow.PRIORITIES,
        "addressees": [a for a in _addressees(project) if a[0] != actor.organisation_id],
        "error": error,
        "data": data,
    }
    return render(request, "collab_rfis/rfi_new.html", ctx, status=400 if error else 200)


def _rfi_ctx(request: HttpRequest, rfi, error=None) -> dict:
    from jianguan.contracts.models import Contract, Variation

    actor = request.actor
    party = services.party_of(actor, rfi)
    may_act = actor.can("collab_rfis.rfi")
    variation = Variation.objects.filter(pk=rfi.variation_id).first() if rfi.variation_id else None
    may_vary = (
        rfi.cost_impact
        and not rfi.variation_id
        and rfi.state in (workflow.ANSWERED, workflow.CLOSED)
        and actor.can("contracts.variation_raise")
        and party is not None
    )
    return {
        "rfi": rfi,
        "project": rfi.project,
        "thread": selectors.thread(rfi),
        "attachments": [a for a in rfi.attachments.all() if a.response_id is None],
        "actions": [
            (a, workflow.ACTION_LABELS[a]) for a in workflow.allowed_actions(rfi.state, party)
        ]
        if may_act
        else [],
        "may_comment": may_act and party is not None,
        "court_label": workflow.PARTY_LABELS.get(rfi.court or "", "—"),
        "court_org": rfi.asked_by_org
        if rfi.court == workflow.ASKER
        else rfi.addressed_to
        if rfi.court
        else None,
        "variation": variation,
        "may_vary": may_vary,
        "contracts": list(Contract.objects.filter(project_id=rfi.project_id).order_by("pk"))
        if may_vary
        else [],
        "today": today_local(),
        "error": error,
        "kinds": workflow.RFI_KINDS,
    }


@require_GET
@permission_required(VIEW)
def rfi_page(request: HttpRequest, pk: int) -> HttpResponse:
    rfi = selectors.rfi_get(actor=request.actor, pk=pk)
    return render(request, "collab_rfis/rfi.html", _rfi_ctx(request, rfi))


def _post_on(request: HttpRequest, pk: int, write, *, get, template: str, ctx, url: str):
    """Run one write on the object; a refused input shows the object's page again with the
    message (403/404 go to the platform's pages), a done one goes back to it."""
    obj = get(actor=request.actor, pk=pk)
    try:
        write(obj)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        obj = get(actor=request.actor, pk=pk)
        return render(request, template, ctx(request, obj, exc), status=exc.status)
    return redirect(url, pk)


def _rfi_post(request: HttpRequest, pk: int, write) -> HttpResponse:
    return _post_on(
        request,
        pk,
        write,
        get=selectors.rfi_get,
        template="collab_rfis/rfi.html",
        ctx=_rfi_ctx,
        url="collab_rfis:rfi",
    )


@require_POST
@permission_required("collab_rfis.rfi")
def rfi_act(request: HttpRequest, pk: int) -> HttpResponse:
    return _rfi_post(
        request,
        pk,
        lambda rfi: services.rfi_act(
            actor=request.actor,
            rfi=rfi,
            action=request.POST.get("action", ""),
            text=request.POST.get("text", ""),
            files=request.FILES.getlist("files"),
        ),
    )


@require_POST
@permission_required("collab_rfis.rfi")
def rfi_comment(request: HttpRequest, pk: int) -> HttpResponse:
    return _rfi_post(
        request,
        pk,
        lambda rfi: services.rfi_comment(
            actor=request.actor,
            rfi=rfi,
            text=request.POST.get("text", ""),
            files=request.FILES.getlist("files"),
        ),
    )


@require_POST
@permission_required("contracts.variation_raise")
def rfi_variation(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.POST
    line = {
        "code": p.get("code", ""),
        "name": p.get("name", ""),
        "unit": p.get("unit", ""),
        "unit_rate": p.get("unit_rate", ""),
        "quantity": p.get("quantity", ""),
    }
    return _rfi_post(
        request,
        pk,
        lambda rfi: services.rfi_raise_variation(
            actor=request.actor,
            rfi=rfi,
            contract_id=p.get("contract", ""),
            title=p.get("title", ""),
            reason=p.get("reason", ""),
            lines=[line],
        ),
    )


@require_GET
@permission_required(VIEW)
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.attachment_get(actor=request.actor, pk=pk)
    return FileResponse(a.file.open("rb"), filename=a.name, as_attachment=False)


# --- submittals -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(VIEW)
def submittals_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_for(actor=actor, pk=pk)
    error = None
    if request.method == "POST":
        if not actor.can("collab_rfis.submit"):
            raise PermissionDenied("无权报审报验", code="permission_denied")
        try:
            s = services_submittal.submittal_submit(
                actor=actor,
                project=project,
                kind=request.POST.get("kind", ""),
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                file=request.FILES.get("file"),
            )
            return redirect("collab_rfis:submittal", s.pk)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            error = exc
    state = request.GET.get("state", "")
    state = state if state in workflow.SUBMITTAL_STATES else ""
    overdue = request.GET.get("overdue") == "1"
    ctx = {
        "project": project,
        "submittals": list(
            selectors.submittal_list(
                actor=actor, project_id=project.pk, state=state, overdue=overdue
            )[:300]
        ),
        "states": workflow.SUBMITTAL_STATES,
        "kinds": workflow.SUBMITTAL_KINDS,
        "state": state,
        "overdue": overdue,
        "today": today_local(),
        "may_submit": actor.can("collab_rfis.submit")
        and common.participant_orgs(project.pk).get(actor.organisation_id)
        in services_submittal.CONTRACTOR_ROLES,
        "error": error,
        "data": request.POST,
    }
    return render(request, "collab_rfis/submittals.html", ctx, status=400 if error else 200)


def _submittal_ctx(request: HttpRequest, s, error=None) -> dict:
    actor = request.actor
    return {
        "s": s,
        "project": s.project,
        "revisions": selectors.revisions(s),
        "decisions": workflow.DECISIONS,
        "may_review": s.state == workflow.UNDER_REVIEW
        and actor.can("collab_rfis.review")
        and actor.organisation_id == s.reviewer_org_id,
        "may_resubmit": s.state == workflow.REJECTED
        and actor.can("collab_rfis.submit")
        and actor.organisation_id == s.submitter_org_id,
        "today": today_local(),
        "error": error,
    }


@require_GET
@permission_required(VIEW)
def submittal_page(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.submittal_get(actor=request.actor, pk=pk)
    return render(request, "collab_rfis/submittal.html", _submittal_ctx(request, s))


def _submittal_post(request: HttpRequest, pk: int, write) -> HttpResponse:
    return _post_on(
        request,
        pk,
        write,
        get=selectors.submittal_get,
        template="collab_rfis/submittal.html",
        ctx=_submittal_ctx,
        url="collab_rfis:submittal",
    )


@require_POST
@permission_required("collab_rfis.review")
def submittal_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _submittal_post(
        request,
        pk,
        lambda s: services_submittal.submittal_review(
            actor=request.actor,
            submittal=s,
            decision=request.POST.get("decision", ""),
            comments=request.POST.get("comments", ""),
        ),
    )


@require_POST
@permission_required("collab_rfis.submit")
def submittal_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    return _submittal_post(
        request,
        pk,
        lambda s: services_submittal.submittal_resubmit(
            actor=request.actor,
            submittal=s,
            file=request.FILES.get("file"),
            note=request.POST.get("note", ""),
        ),
    )


@require_GET
@permission_required(VIEW)
def revision_file(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    from jianguan.core.errors import NotFound

    rev = selectors.revision_get(actor=request.actor, pk=pk)
    if which == "stamped":
        if not rev.stamped_file:
            raise NotFound("该版次未盖审查章", code="not_stamped")
        name = f"{rev.submittal.number}-第{rev.revision}版-审查盖章.pdf"
        return FileResponse(
            rev.stamped_file.open("rb"), filename=name, content_type="application/pdf"
        )
    if which != "original":
        raise NotFound("文件不存在", code="not_found")
    return FileResponse(rev.file.open("rb"), filename=rev.file_name, content_type="application/pdf")
