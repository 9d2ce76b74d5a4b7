"""Clash pages: a project's clash sets with the create form, a set's runs and its clashes
(filters by status, type, storey and group, or grouped), a clash with its 3D view, the status
steps this actor may take, comments with photos; the viewer's JSON payload."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jianguan.bim import labels, reads, selectors, services, services_clash, viewpayload, workflow
from jianguan.bim.forms import ClashActForm, ClashSetForm, CommentForm
from jianguan.bim.labels import ifc_class
from jianguan.bim.meshcache import FileMeshCache
from jianguan.bim.models import ClashComment, Element, ModelRevision
from jianguan.core.errors import DomainError, NotFound, ValidationFailed
from jianguan.core.permissions import permission_required
from jianguan.projects.models import Participant

LIST_LIMIT = 500
NEIGHBOUR_CANDIDATES = 800  # elements of the storey whose meshes are read for neighbours


def _form_error(form) -> ValidationFailed:
    first = next(iter(form.errors.values()))[0] if form.errors else "输入有误"
    return ValidationFailed(str(first), code="bad_form")


def _revisions_ready(project_id: int) -> list[ModelRevision]:
    return list(
        ModelRevision.objects.filter(project_id=project_id, status=workflow.READY).order_by(
            "discipline", "-created_at"
        )
    )


def _classes_in(revisions) -> list[str]:
    return sorted(
        set(Element.objects.filter(revision__in=revisions).values_list("ifc_class", flat=True))
    )


def _side(revisions, select: str) -> str:
    names = "、".join(str(r) for r in revisions) or "（同 A 组）"
    classes = [c for c in (select or "").split(",") if c]
    what = "、".join(labels.ifc_class(c) for c in classes) if classes else "全部构件"
    return f"{names}：{what}"


def _sets_ctx(request, project, form=None, error=None) -> dict:
    revisions = _revisions_ready(project.pk)
    sets = list(
        selectors.clash_sets_visible_to(
            actor=request.actor, project_id=project.pk
        ).prefetch_related("a_revisions", "b_revisions")
    )
    counts: dict[int, list[int]] = {}
    for set_id, status in selectors.clashes_visible_to(
        actor=request.actor, project_id=project.pk
    ).values_list("clash_set_id", "status"):
        n = counts.setdefault(set_id, [0, 0])
        n[1] += 1
        n[0] += status in workflow.OPEN_STATUSES
    for cs in sets:
        cs.open_count, cs.total_count = counts.get(cs.pk, [0, 0])
        cs.a_text = "A：" + _side(cs.a_revisions.all(), cs.a_select)
        b = list(cs.b_revisions.all())
        cs.b_text = "B：" + (_side(b, cs.b_select) if b else "A 组自身")
    form = form or ClashSetForm(revisions=revisions, classes=_classes_in(revisions))
    return {
        "project": project,
        "sets": sets,
        "form": form,
        "wide": ("name",),
        "can_create": services_clash.may_coordinate(request.actor, project.pk),
        "error": error,
    }


@require_http_methods(["GET", "POST"])
@permission_required("bim.view")
def clash_sets_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(actor=request.actor, pk=pk)
    if request.method == "GET":
        return render(request, "bim/clash_sets.html", _sets_ctx(request, project))
    services_clash.require_coordinate(request.actor, project.pk)  # 403 before the form
    revisions = _revisions_ready(project.pk)
    form = ClashSetForm(request.POST, revisions=revisions, classes=_classes_in(revisions))
    error = None
    if form.is_valid():
        d = form.cleaned_data
        by_pk = {str(r.pk): r for r in revisions}
        try:
            cs = services_clash.clash_set_create(
                actor=request.actor,
                project=project,
                name=d["name"],
                mode=d["mode"],
                a_revisions=[by_pk[x] for x in d["a_revisions"]],
                a_select=",".join(d["a_classes"]),
                b_revisions=[by_pk[x] for x in d["b_revisions"]],
                b_select=",".join(d["b_classes"]),
                tolerance=d["tolerance_mm"] / 1000,
                clearance=d["clearance_mm"] / 1000,
                allow_touching=d["allow_touching"],
            )
            return redirect(reverse("bim:clash_set", args=[cs.pk]))
        except DomainError as exc:
            if exc.status == 403:
                raise
            error = exc
    else:
        error = _form_error(form)
    ctx = _sets_ctx(request, project, form=form, error=error)
    return render(request, "bim/clash_sets.html", ctx, status=error.status)


def _filters(request, qs) -> tuple[dict, object]:
    g = request.GET
    f = {
        "status": g.get("status", "") if g.get("status") in workflow.CLASH_STATUS else "",
        "type": g.get("type", "") if g.get("type") in workflow.CLASH_TYPES else "",
        "storey": g.get("storey", "")[:120],
        "group": g.get("group", "")[:200],
        "grouped": g.get("grouped") == "1",
    }
    for key, field in (("status", "status"), ("type", "type"), ("group", "group_key")):
        if f[key]:
            qs = qs.filter(**{field: f[key]})
    if "storey" in g and f["storey"]:
        qs = qs.filter(storey=f["storey"])
    return f, qs


def group_label(key: str) -> str:
    """A group key ("IfcBeam|IfcWall|A|一层", or without the grid line "IfcBeam|IfcWall|一层")
    in plain words: 梁 × 墙（A 轴，一层）."""
    parts = key.split("|")
    if len(parts) not in (3, 4):
        return key
    grid = f"{parts[2]} 轴" if len(parts) == 4 and parts[2] else ""
    where = "，".join(w for w in (grid, parts[-1]) if w)
    pair = f"{ifc_class(parts[0])} × {ifc_class(parts[1])}"
    return f"{pair}（{where}）" if where else pair


@require_GET
@permission_required("bim.view")
def clash_set_page(request: HttpRequest, pk: int) -> HttpResponse:
    cs = selectors.clash_set_get(actor=request.actor, pk=pk)
    base = selectors.clashes_visible_to(actor=request.actor, clash_set_id=cs.pk)
    f, qs = _filters(request, base)
    qs = qs.select_related("assignee")
    total = qs.count()
    clashes = list(qs[:LIST_LIMIT])
    runs = list(cs.runs.order_by("-created_at", "-pk")[:10])
    b = list(cs.b_revisions.all())
    ctx = {
        "cs": cs,
        "project": cs.project,
        "a_text": _side(cs.a_revisions.all(), cs.a_select),
        "b_text": _side(b, cs.b_select) if b else "A 组自身相互检测",
        "runs": runs,
        "run_busy": any(r.status in (workflow.PENDING, workflow.RUNNING) for r in runs),
        "clashes": clashes,
        "groups": reads.clash_groups(qs) if f["grouped"] else [],
        "total": total,
        "shown": len(clashes),
        "f": f,
        "statuses": workflow.CLASH_STATUS,
        "types": workflow.CLASH_TYPES,
        "storeys": sorted(set(base.values_list("storey", flat=True))),
        "group_keys": [
            (k, group_label(k))
            for k in sorted(set(base.values_list("group_key", flat=True)) - {""})
        ],
        "can_coordinate": services_clash.may_coordinate(request.actor, cs.project_id),
    }
    return render(request, "bim/clash_set.html", ctx)


@require_POST
@permission_required("bim.view")
def clash_run(request: HttpRequest, pk: int) -> HttpResponse:
    cs = selectors.clash_set_get(actor=request.actor, pk=pk)
    url = reverse("bim:clash_set", args=[cs.pk])
    try:
        services_clash.clash_run_request(actor=request.actor, clash_set=cs)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
        return redirect(url)
    messages.success(request, "已提交检测，完成后本页自动刷新")
    return redirect(url)


def _actions(actor, c) -> list[dict]:
    """The steps this actor's organisation may take from the clash's status (only those)."""
    if not services_clash.may_coordinate(actor, c.project_id):
        return []
    is_owner = actor.organisation_id == c.clash_set.organisation_id
    is_assignee = c.assignee_id is not None and actor.organisation_id == c.assignee_id
    out = []
    for (current, target), who in workflow.TRANSITIONS.items():
        if current != c.status:
            continue
        if who == "owner" and not is_owner or who == "either" and not (is_owner or is_assignee):
            continue
        label = labels.ACTIONS.get(target, workflow.CLASH_STATUS[target])
        if current == target == workflow.ASSIGNED:
            label = "改派"
        elif current == workflow.RESOLVED and target == workflow.ASSIGNED:
            label = "退回责任单位"
        out.append({"target": target, "label": label})
    return out


def _clash_ctx(request, c, *, comment_form=None, error=None) -> dict:
    orgs = (
        Participant.objects.filter(project_id=c.project_id, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    seen, organisations = set(), []
    for p in orgs:
        if p.organisation_id not in seen:
            seen.add(p.organisation_id)
            organisations.append(p.organisation)
    return {
        "c": c,
        "cs": c.clash_set,
        "project": c.project,
        "actions": _actions(request.actor, c),
        "organisations": organisations,
        "comments": list(c.comments.select_related("author")),
        "can_comment": services_clash.may_comment(request.actor, c.project_id),
        "comment_form": comment_form or CommentForm(),
        "error": error,
    }


def _clash(request, pk: int):
    c = selectors.clash_get(actor=request.actor, pk=pk)
    return c


@require_GET
@permission_required("bim.view")
def clash_page(request: HttpRequest, pk: int) -> HttpResponse:
    c = _clash(request, pk)
    return render(request, "bim/clash.html", _clash_ctx(request, c))


@require_POST
@permission_required("bim.view")
def clash_act(request: HttpRequest, pk: int) -> HttpResponse:
    c = _clash(request, pk)
    services_clash.require_coordinate(request.actor, c.project_id)  # 403 before the form
    form = ClashActForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form)
        d = form.cleaned_data
        services_clash.clash_transition(
            actor=request.actor,
            clash=c,
            target=d["target"],
            assignee_id=d["assignee"],
            reason=d["reason"],
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        c = _clash(request, pk)
        ctx = _clash_ctx(request, c, error=exc)
        if request.htmx:  # the facts and steps swapped in place, the message with them
            return render(
                request, "bim/_clash_state.html", {**ctx, "partial": True}, status=exc.status
            )
        return render(request, "bim/clash.html", ctx, status=exc.status)
    if request.htmx:
        ctx = _clash_ctx(request, _clash(request, pk))
        return render(request, "bim/_clash_state.html", {**ctx, "partial": True, "done": True})
    return redirect(reverse("bim:clash", args=[c.pk]))


@require_POST
@permission_required("bim.view")
def clash_comment(request: HttpRequest, pk: int) -> HttpResponse:
    c = _clash(request, pk)
    form = CommentForm(request.POST, request.FILES)
    try:
        services_clash.require_comment(request.actor, c.project_id)  # 403 before the form
        if not form.is_valid():
            raise _form_error(form)
        services_clash.clash_comment(
            actor=request.actor,
            clash=c,
            text=form.cleaned_data["text"],
            photo=form.cleaned_data["photo"],
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        ctx = _clash_ctx(request, c, comment_form=form, error=exc)
        return render(request, "bim/clash.html", ctx, status=exc.status)
    return redirect(reverse("bim:clash", args=[c.pk]) + "#clash-comments")


@require_GET
@permission_required("bim.view")
def comment_photo(request: HttpRequest, pk: int) -> HttpResponse:
    comment = ClashComment.objects.filter(pk=pk).select_related("clash").first()
    if comment is None or not comment.photo:
        raise NotFound("照片不存在", code="file_not_found")
    selectors.clash_get(actor=request.actor, pk=comment.clash_id)  # 404 to whoever may not see
    suffix = Path(comment.photo.name).suffix.lower()
    return FileResponse(comment.photo.open("rb"), filename=f"clash-{comment.clash_id}{suffix}")


def _meshes(c) -> tuple:
    """The clash's two meshes and the neighbours' candidates from the revisions of its last run."""
    ids = list(c.last_run.revision_ids or []) if c.last_run_id else []
    if not ids:
        ids = list(c.clash_set.a_revisions.values_list("pk", flat=True)) + list(
            c.clash_set.b_revisions.values_list("pk", flat=True)
        )
    cache = FileMeshCache(services.mesh_dir())
    rows = Element.objects.filter(revision_id__in=ids)
    pair = {}
    for guid, h in rows.filter(guid__in=[c.a_guid, c.b_guid]).values_list("guid", "geometry_hash"):
        pair[guid] = cache.get(guid, h)
    near = rows.exclude(guid__in=[c.a_guid, c.b_guid])
    if c.storey:
        near = near.filter(storey=c.storey)
    candidates = (
        cache.get(g, h) for g, h in near.values_list("guid", "geometry_hash")[:NEIGHBOUR_CANDIDATES]
    )
    return pair.get(c.a_guid), pair.get(c.b_guid), (m for m in candidates if m is not None)


@require_GET
@permission_required("bim.view")
def clash_view(request: HttpRequest, pk: int) -> JsonResponse:
    """The viewer's payload: the two elements and their neighbours, relative to a local origin."""
    c = _clash(request, pk)
    a, b, candidates = _meshes(c)
    mid = [(float(x) + float(y)) / 2 for x, y in zip(c.p1, c.p2, strict=True)]
    context = viewpayload.neighbours(candidates, mid, exclude={c.a_guid, c.b_guid})
    payload = viewpayload.build(a=a, b=b, p1=c.p1, p2=c.p2, context=context)
    return JsonResponse(payload)
