"""The writes of clash detection: a clash set (group A against group B, or A against itself),
its runs in the task worker (the first a full search; later ones, when a discipline has a newer
ready revision, a re-check of only the elements whose geometry changed, carrying each clash
over as still present, resolved by the change, or new), the clash workflow and comments.
BCF export and import are in ``services_bcf``."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from jianguan.bim import selectors, workflow
from jianguan.bim.models import Clash, ClashComment, ClashRun, ClashSet, Element, ModelRevision
from jianguan.bim.services import ChildFailed, mesh_dir, revision_file, run_child
from jianguan.core.actor import Actor, actor_for_user
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now
from jianguan.ledger.services import record
from jianguan.projects.models import Project

log = logging.getLogger(__name__)
COORDINATORS = ("owner", "designer", "general_contractor", "supervisor")


def may_coordinate(actor: Actor, project_id: int) -> bool:
    return actor.can("bim.coordinate") and bool(
        selectors.roles_in(actor, project_id) & set(COORDINATORS)
    )


def may_comment(actor: Actor, project_id: int) -> bool:
    """The one rule for comments on clashes: a party of the project or the regulator."""
    return actor.can("bim.view") and (
        actor.is_kind("regulator") or bool(selectors.roles_in(actor, project_id))
    )


def require_comment(actor: Actor, project_id: int) -> None:
    if not may_comment(actor, project_id):
        raise PermissionDenied("仅本项目参建单位可发表意见", code="permission_denied")


def require_coordinate(actor: Actor, project_id: int) -> None:
    if not may_coordinate(actor, project_id):
        raise PermissionDenied(
            "仅本项目的建设、设计、施工总承包或监理单位可进行碰撞检测与协调",
            code="permission_denied",
        )


def _wf(check, *args, **kwargs) -> None:
    try:
        check(*args, **kwargs)
    except workflow.BimError as exc:
        raise Conflict(exc.message, code=exc.code) from None


def _classes(selector: str, label: str) -> list[str]:
    from jianguan.bim.engine import selectors as engine_selectors

    if not (selector or "").strip():
        return []
    try:
        return list(engine_selectors.parse_classes(selector))
    except engine_selectors.SelectorError as exc:
        raise ValidationFailed(f"{label}：{exc.message}", code=exc.code) from None


def _group(project: Project, revisions: list[ModelRevision], classes: list[str], label: str):
    from jianguan.bim.engine import selectors as engine_selectors

    if not revisions:
        raise ValidationFailed(f"请选择{label}的模型", code="missing_revisions")
    for r in revisions:
        if r.project_id != project.pk:
            raise ValidationFailed(f"{label}的模型不属于本项目", code="revision_not_found")
        if r.status != workflow.READY:
            raise ValidationFailed(f"{label}的模型“{r}”尚未处理完成", code="revision_not_ready")
    present = set(
        Element.objects.filter(revision__in=revisions).values_list("ifc_class", flat=True)
    )
    if classes and not any(engine_selectors.class_matches(c, classes) for c in present):
        raise ValidationFailed(
            f"{label}的构件类型“{'、'.join(classes)}”在所选模型中没有任何构件",
            code="selector_matches_nothing",
        )


def clash_set_create(
    *,
    actor: Actor,
    project: Project,
    name: str,
    a_revisions: list[ModelRevision],
    a_select: str = "",
    b_revisions: list[ModelRevision] | None = None,
    b_select: str = "",
    mode: str = "intersection",
    tolerance: float = 0.002,
    clearance: float = 0.05,
    allow_touching: bool = False,
    is_demo: bool = False,
) -> ClashSet:
    require_coordinate(actor, project.pk)
    name = str(name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed("请填写名称（不超过 100 个字）", code="missing_field")
    if mode not in workflow.MODES:
        raise ValidationFailed("请选择检测方式", code="invalid_mode")
    if not (0 <= tolerance <= 1) or not (0 < clearance <= 10):
        raise ValidationFailed("容差应在 0 至 1 米、净距应在 0 至 10 米之间", code="invalid_value")
    a_classes = _classes(a_select, "A 组")
    b_classes = _classes(b_select, "B 组")
    _group(project, a_revisions, a_classes, "A 组")
    if b_revisions:
        _group(project, b_revisions, b_classes, "B 组")
    elif b_classes:
        raise ValidationFailed("B 组选择了构件类型但未选择模型", code="missing_revisions")
    if ClashSet.objects.filter(project=project, name=name).exists():
        raise ValidationFailed(f"本项目已有名为“{name}”的碰撞检测集", code="duplicate_name")
    with transaction.atomic():
        cs = ClashSet.objects.create(
            project=project,
            name=name,
            a_select=",".join(a_classes),
            b_select=",".join(b_classes),
            mode=mode,
            tolerance=tolerance,
            clearance=clearance,
            allow_touching=allow_touching,
            organisation_id=actor.organisation_id,
            created_by=actor.user,
            is_demo=is_demo,
        )
        cs.a_revisions.set(a_revisions)
        cs.b_revisions.set(b_revisions or [])
        record(
            actor=actor,
            type="bim.clash_set_created",
            obj=cs,
            payload={
                "project": project.pk,
                "name": name,
                "mode": mode,
                "a": [r.pk for r in a_revisions],
                "b": [r.pk for r in b_revisions or []],
                "a_select": cs.a_select,
                "b_select": cs.b_select,
            },
        )
    return cs


def clash_run_request(*, actor: Actor, clash_set: ClashSet) -> ClashRun:
    require_coordinate(actor, clash_set.project_id)
    if clash_set.runs.filter(status__in=(workflow.PENDING, workflow.RUNNING)).exists():
        raise Conflict("该碰撞检测集正在检测中，请稍候", code="run_in_progress")
    with transaction.atomic():
        run = ClashRun.objects.create(clash_set=clash_set, requested_by=actor.user)
        transaction.on_commit(lambda: _enqueue(run.pk), robust=True)
    return run


def _enqueue(run_id: int) -> None:
    from jianguan.bim.tasks import run_clashes

    try:
        run_clashes.enqueue(run_id)
    except Exception:
        log.exception("enqueue of clash run %s failed", run_id)


def _current(revisions) -> list[ModelRevision]:
    """Each revision of a group replaced by the newest ready one of its project and discipline:
    a clash set follows its disciplines' models."""
    out = {}
    for r in revisions:
        latest = selectors.latest_ready(r.project_id, r.discipline) or r
        out[latest.pk] = latest
    return list(out.values())


def _hashes(revision_ids) -> dict[str, str]:
    return dict(
        Element.objects.filter(revision_id__in=revision_ids).values_list("guid", "geometry_hash")
    )


def _changed(old_ids, new_ids) -> set[str]:
    old, new = _hashes(old_ids), _hashes(new_ids)
    return {g for g in old.keys() | new.keys() if old.get(g) != new.get(g)}


def _as_engine(c: Clash) -> dict:
    return {
        "a": c.a_guid, "b": c.b_guid, "type": c.type, "distance": c.distance,
        "p1": c.p1, "p2": c.p2,
    }  # fmt: skip


def clash_run_execute(*, run_id: int) -> str:
    """The task: search (or re-check) in the child process and carry the clashes over; a
    failure is recorded on the run, never raised."""
    claimed = ClashRun.objects.filter(pk=run_id, status=workflow.PENDING).update(
        status=workflow.RUNNING, started_at=now()
    )
    if not claimed:
        return "skipped"
    run = ClashRun.objects.select_related("clash_set").get(pk=run_id)
    cs = run.clash_set
    a = _current(cs.a_revisions.all())
    b = _current(cs.b_revisions.all())
    ids = sorted(r.pk for r in [*a, *b])
    previous = (
        cs.runs.filter(status=workflow.DONE).exclude(pk=run.pk).order_by("-finished_at").first()
    )
    args: dict[str, Any] = {
        "cache": str(mesh_dir()),
        "a": {"paths": [str(revision_file(r)) for r in a], "classes": _split(cs.a_select)},
        "b": {"paths": [str(revision_file(r)) for r in b], "classes": _split(cs.b_select)}
        if b
        else None,
        "mode": cs.mode,
        "tolerance": cs.tolerance,
        "clearance": cs.clearance,
        "allow_touching": cs.allow_touching,
    }
    if previous is not None:
        live = cs.clashes.filter(last_run=previous)
        args["previous"] = [_as_engine(c) for c in live]
        args["changed"] = sorted(_changed(previous.revision_ids, ids))
    try:
        result = run_child("clash", args)
    except ChildFailed as exc:
        ClashRun.objects.filter(pk=run.pk).update(
            status=workflow.FAILED, error=exc.message[:500], finished_at=now()
        )
        return f"failed: {exc.code}"
    _carry(run, cs, result, ids, is_recheck=previous is not None)
    return "done"


def _split(select: str) -> list[str]:
    return [c for c in (select or "").split(",") if c]


def _topic(cs: ClashSet, a: str, b: str) -> str:
    try:
        from jianguan.bim.engine import bcf
    except ImportError:
        return ""
    return str(bcf.topic_guid(a, b, cs.name))


def _carry(run: ClashRun, cs: ClashSet, result: dict, ids: list[int], *, is_recheck: bool):
    info = result["elements"]
    existing = {(c.a_guid, c.b_guid): c for c in cs.clashes.all()}
    moment = now()
    with transaction.atomic():
        for item in result["still"]:
            c = existing.get((item["a"], item["b"]))
            if c is None:  # the engine kept a pair we never stored: treat as new
                result["new"].append(item)
                continue
            _update(c, item, run, still=True)
        for item in result["resolved"]:
            c = existing.get((item["a"], item["b"]))
            if c is not None:
                before = c.status
                c.status = workflow.carried_status(
                    c.status, still=False, assigned=c.assignee_id is not None
                )
                if c.status != before:
                    c.note = f"模型更新后复核（{to_label(run)}）碰撞已消除"
                c.save(update_fields=["status", "note", "updated_at"])
        for item in result["new"]:
            c = existing.get((item["a"], item["b"]))
            if c is not None:
                _update(c, item, run, still=True, reappeared=True)
                continue
            _create(cs, run, item, info)
        ClashRun.objects.filter(pk=run.pk).update(
            status=workflow.DONE,
            finished_at=moment,
            revision_ids=ids,
            is_recheck=is_recheck,
            still=len(result["still"]),
            resolved=len(result["resolved"]),
            new=len(result["new"]),
        )
        ClashSet.objects.filter(pk=cs.pk).update(last_run_at=moment)
        _recompute(cs.project_id)
        if run.requested_by_id:
            actor = actor_for_user(run.requested_by, cs.organisation_id)
            record(
                actor=actor,
                type="bim.clash_run_done",
                obj=cs,
                payload={
                    "run": run.pk,
                    "revisions": ids,
                    "recheck": is_recheck,
                    "still": len(result["still"]),
                    "resolved": len(result["resolved"]),
                    "new": len(result["new"]),
                },
            )


def to_label(run: ClashRun) -> str:
    return f"第 {run.clash_set.runs.filter(pk__lte=run.pk).count()} 次检测"


def _update(c: Clash, item: dict, run: ClashRun, *, still: bool, reappeared: bool = False):
    c.type, c.distance, c.p1, c.p2 = item["type"], item["distance"], item["p1"], item["p2"]
    c.group_key = item.get("group") or c.group_key
    c.grid = (item.get("grid") or "")[:40]
    c.grid_cross = (item.get("grid_cross") or "")[:60]
    c.last_run = run
    if reappeared and c.status in (workflow.RESOLVED, workflow.VERIFIED):
        c.status = workflow.ASSIGNED if c.assignee_id else workflow.NEW
        c.note = "复核时碰撞再次出现"
    else:
        c.status = workflow.carried_status(c.status, still=True, assigned=c.assignee_id is not None)
    c.save()


def _create(cs: ClashSet, run: ClashRun, item: dict, info: dict) -> Clash:
    ea, eb = info.get(item["a"], {}), info.get(item["b"], {})
    return Clash.objects.create(
        clash_set=cs,
        project_id=cs.project_id,
        a_guid=item["a"],
        b_guid=item["b"],
        a_class=ea.get("ifc_class", ""),
        b_class=eb.get("ifc_class", ""),
        a_name=(ea.get("name") or "")[:200],
        b_name=(eb.get("name") or "")[:200],
        storey=(ea.get("storey") or eb.get("storey") or "")[:120],
        type=item["type"],
        distance=item["distance"],
        p1=list(item["p1"]),
        p2=list(item["p2"]),
        group_key=item.get("group") or f"{ea.get('ifc_class', '')}×{eb.get('ifc_class', '')}",
        grid=(item.get("grid") or "")[:40],
        grid_cross=(item.get("grid_cross") or "")[:60],
        first_run=run,
        last_run=run,
        topic_guid=_topic(cs, item["a"], item["b"]),
        is_demo=cs.is_demo,
    )


# --- the clash workflow ------------------------------------------------------------------------


def clash_transition(
    *,
    actor: Actor,
    clash: Clash,
    target: str,
    assignee_id: int | None = None,
    reason: str = "",
    comment: str = "",
) -> Clash:
    require_coordinate(actor, clash.project_id)
    with transaction.atomic():
        c = Clash.objects.select_for_update().select_related("clash_set").get(pk=clash.pk)
        is_owner = actor.organisation_id == c.clash_set.organisation_id
        is_assignee = c.assignee_id is not None and actor.organisation_id == c.assignee_id
        reason = str(reason or "").strip()[:500]
        _wf(
            workflow.check_transition,
            c.status,
            target,
            is_owner=is_owner,
            is_assignee=is_assignee,
            assignee_given=assignee_id is not None,
            reason=reason,
        )
        if target == workflow.ASSIGNED:
            _check_assignee(c.project_id, assignee_id)
            c.assignee_id = assignee_id
        if target == workflow.ACCEPTED:
            c.reason = reason
        before, c.status = c.status, target
        c.save(update_fields=["status", "assignee", "reason", "updated_at"])
        record(
            actor=actor,
            type="bim.clash_status_changed",
            obj=c,
            payload={"from": before, "to": target, "assignee": c.assignee_id, "reason": reason},
        )
        if comment.strip():
            _comment(actor, c, comment)
        _recompute(c.project_id)
        if target == workflow.ASSIGNED:
            from jianguan.bim import notify

            transaction.on_commit(lambda: notify.clash_assigned(c.pk), robust=True)
    return c


def _check_assignee(project_id: int, organisation_id: int | None) -> None:
    from jianguan.projects.models import Participant

    if not Participant.objects.filter(
        project_id=project_id, organisation_id=organisation_id, is_active=True
    ).exists():
        raise ValidationFailed("只能指派给本项目的参建单位", code="invalid_assignee")


def _comment(actor: Actor, c: Clash, text: str, photo=None) -> ClashComment:
    comment = ClashComment.objects.create(clash=c, author=actor.user, text=text, photo=photo or "")
    record(
        actor=actor,
        type="bim.clash_commented",
        obj=c,
        payload={"comment": comment.pk, "text": text},
        files=[(photo.name, photo)] if photo else (),
    )
    return comment


def clash_comment(*, actor: Actor, clash: Clash, text: str, photo=None) -> ClashComment:
    require_comment(actor, clash.project_id)
    text = str(text or "").strip()
    if not text:
        raise ValidationFailed("请填写意见", code="missing_field")
    if len(text) > 2000:
        raise ValidationFailed("意见不能超过 2000 个字", code="too_long")
    if photo is not None:
        from jianguan.core import uploads

        if photo.size > uploads.MAX_PHOTO_BYTES:
            raise ValidationFailed("照片过大", code="photo_too_large")
    with transaction.atomic():
        return _comment(actor, clash, text, photo)


def _recompute(project_id: int) -> None:
    """The project's warnings (unresolved hard clashes) after this transaction commits."""
    from jianguan.projects.services.warnings import recompute_after_commit

    recompute_after_commit(project_id)
