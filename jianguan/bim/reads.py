"""The API's (and the pages' JSON's) shape of BIM objects: plain dicts with each code's Chinese
label beside it, people and organisations by name."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Greatest, Least

from jianguan.bim import workflow
from jianguan.bim.models import (
    BoqMapping,
    Clash,
    ClashRun,
    ClashSet,
    ModelRevision,
    UploadSession,
)


def _name(user) -> str:
    return str(user) if user else ""  # the person's name (display_name), else the username


def revision_read(r: ModelRevision) -> dict:
    return {
        "id": r.pk,
        "project_id": r.project_id,
        "project_name": r.project.name,
        "discipline": r.discipline,
        "discipline_label": workflow.DISCIPLINES[r.discipline],
        "label": r.label,
        "previous_id": r.previous_id,
        "file_name": r.file_name,
        "size": r.size,
        "sm3": r.sm3,
        "status": r.status,
        "status_label": workflow.REVISION_STATUS[r.status],
        "progress": r.progress,
        "error": r.error,
        "error_code": r.error_code,
        "uploaded_by": _name(r.uploaded_by),
        "created_at": r.created_at,
        "finished_at": r.finished_at,
        "is_demo": r.is_demo,
    }


def upload_read(s: UploadSession) -> dict:
    return {
        "id": str(s.pk),
        "project_id": s.project_id,
        "discipline": s.discipline,
        "label": s.label,
        "file_name": s.file_name,
        "total_size": s.total_size,
        "received": s.received,
        "chunk_bytes": settings.BIM_CHUNK_BYTES,
    }


def run_read(r) -> dict:
    return {
        "id": r.pk,
        "status": r.status,
        "status_label": workflow.RUN_STATUS[r.status],
        "is_recheck": r.is_recheck,
        "revision_ids": r.revision_ids or [],
        "still": r.still,
        "resolved": r.resolved,
        "new": r.new,
        "error": r.error,
        "created_at": r.created_at,
        "finished_at": r.finished_at,
    }


def clash_status_counts(clash_set_ids: list[int]) -> dict[int, dict[str, int]]:
    """Clashes by status for each clash set, in one grouped query."""
    out = {pk: {k: 0 for k in workflow.CLASH_STATUS} for pk in clash_set_ids}
    rows = (
        Clash.objects.filter(clash_set_id__in=clash_set_ids)
        .values("clash_set_id", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        out[row["clash_set_id"]][row["status"]] = row["n"]
    return out


def clash_sets_read(clash_sets) -> list[dict]:
    """Many clash sets at a fixed number of queries: revisions and runs prefetched, the
    counts grouped (one by one each set asked four queries)."""
    sets = list(
        clash_sets.prefetch_related(
            "a_revisions",
            "b_revisions",
            Prefetch("runs", queryset=ClashRun.objects.order_by("-pk"), to_attr="runs_newest"),
        )
    )
    counts = clash_status_counts([cs.pk for cs in sets])
    return [clash_set_read(cs, counts=counts[cs.pk]) for cs in sets]


def clash_set_read(cs: ClashSet, *, counts: dict[str, int] | None = None) -> dict:
    if counts is None:
        counts = clash_status_counts([cs.pk])[cs.pk]
    runs = getattr(cs, "runs_newest", None)
    if runs is None:
        runs = cs.runs.order_by("-pk")[:10]
    return {
        "id": cs.pk,
        "project_id": cs.project_id,
        "name": cs.name,
        "a_revisions": sorted(r.pk for r in cs.a_revisions.all()),
        "a_select": cs.a_select,
        "b_revisions": sorted(r.pk for r in cs.b_revisions.all()),
        "b_select": cs.b_select,
        "mode": cs.mode,
        "mode_label": workflow.MODES[cs.mode],
        "tolerance": cs.tolerance,
        "clearance": cs.clearance,
        "allow_touching": cs.allow_touching,
        "organisation": cs.organisation.name,
        "last_run_at": cs.last_run_at,
        "runs": [run_read(r) for r in runs[:10]],
        "counts": counts,
    }


def clash_read(c: Clash) -> dict:
    return {
        "id": c.pk,
        "clash_set_id": c.clash_set_id,
        "clash_set_name": c.clash_set.name,
        "project_id": c.project_id,
        "a_guid": c.a_guid,
        "b_guid": c.b_guid,
        "a_class": c.a_class,
        "b_class": c.b_class,
        "a_name": c.a_name,
        "b_name": c.b_name,
        "storey": c.storey,
        "type": c.type,
        "type_label": workflow.CLASH_TYPES[c.type],
        "distance": c.distance,
        "p1": list(c.p1),
        "p2": list(c.p2),
        "group_key": c.group_key,
        "grid": c.grid,
        "grid_cross": c.grid_cross,
        "status": c.status,
        "status_label": workflow.CLASH_STATUS[c.status],
        "assignee_id": c.assignee_id,
        "assignee_name": c.assignee.name if c.assignee else None,
        "reason": c.reason,
        "note": c.note,
        "topic_guid": c.topic_guid,
        "first_run_id": c.first_run_id,
        "last_run_id": c.last_run_id,
    }


def mapping_read(m: BoqMapping) -> dict:
    return {
        "id": m.pk,
        "project_id": m.project_id,
        "code": m.code,
        "name": m.name,
        "unit": m.unit,
        "selector": m.selector,
    }


def clash_detail(c: Clash) -> dict:
    comments = [
        {
            "id": m.pk,
            "author": _name(m.author) if m.author_id else m.author_name,
            "text": m.text,
            "photo_url": m.photo.url if m.photo else None,
            "created_at": m.created_at,
        }
        for m in c.comments.select_related("author")
    ]
    return {**clash_read(c), "comments": comments}


GROUP_SAMPLE = 5  # clash ids listed per group


def clash_groups(clashes) -> list[dict]:
    """Clashes grouped as the issue asks: the same pair of element types on the same grid line
    (the nearest IfcGrid axis; without grids, the pair and the storey), with how many are
    still open, in one aggregated query plus one for a few ids per group. Most open first."""
    from jianguan.bim.labels import ifc_class

    keys = ("a_class", "b_class", "grid", "storey")
    # the pair of types unordered (which element is "a" follows the GUIDs in a set checked
    # against itself): beam × wall and wall × beam are one group
    clashes = clashes.order_by().annotate(
        first=Least("a_class", "b_class"), second=Greatest("a_class", "b_class")
    )
    rows = list(
        clashes.values("first", "second", "grid", "storey").annotate(
            n=Count("pk"),
            open=Count("pk", filter=Q(status__in=workflow.OPEN_STATUSES)),
            hard=Count("pk", filter=Q(type="hard")),
        )
    )
    for g in rows:
        g["a_class"], g["b_class"] = g.pop("first"), g.pop("second")
    rows.sort(key=lambda g: (-g["open"], -g["n"], *(g[k] for k in keys)))
    samples: dict[tuple, list[int]] = {}
    for values in clashes.order_by("pk").values_list("first", "second", "grid", "storey", "pk"):
        ids = samples.setdefault(values[:4], [])
        if len(ids) < GROUP_SAMPLE:
            ids.append(values[4])
    out = []
    for g in rows:
        where = [f"{g['grid']} 轴" if g["grid"] else "", g["storey"] or ""]
        out.append(
            {
                **g,
                "a_class_label": ifc_class(g["a_class"]),
                "b_class_label": ifc_class(g["b_class"]),
                "label": f"{ifc_class(g['a_class'])} × {ifc_class(g['b_class'])}"
                + (f"（{'，'.join(w for w in where if w)}）" if any(where) else ""),
                "clash_ids": samples.get(tuple(g[k] for k in keys), []),
            }
        )
    return out
