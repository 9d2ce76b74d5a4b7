"""The only writes of schedules, each atomic with its ledger entry: import an MS Project XML
(MSPDI) file (SM3 of the file in the ledger; refused whole on a bad file, an unsupported feature
or a dependency loop: nothing half-saved), recompute the critical path, set the baseline, report
progress. The project register's key nodes and stages ride along as read-only milestones."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction

from jianguan.collab.schedule import convert
from jianguan.collab.schedule.engine.cpm import ScheduleError
from jianguan.collab.schedule.engine.model import ProjectSpec, ScheduledTask, TaskSpec, schedule
from jianguan.collab.schedule.engine.mspdi_read import MAX_BYTES, MspdiError, parse
from jianguan.collab.schedule.engine.mspdi_write import write
from jianguan.collab.schedule.models import Activity, ActivityLink, Schedule, ScheduleCalendar
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.core.timeutil import now
from jianguan.ledger.services import record, record_many
from jianguan.projects.models import KeyNode, Project, ProjectStage

STAGE_LABELS = {
    "design": "设计",
    "tendering": "招标",
    "construction": "施工",
    "completion_acceptance": "竣工验收",
}
END_OF_DAY = dt.time(17, 0)
REGISTER_PREFIXES = ("关键节点：", "阶段完成：")


def _read(upload) -> tuple[bytes, str]:
    if upload is None:
        raise ValidationFailed("请上传 MS Project XML（MSPDI）文件", code="missing_file")
    size = getattr(upload, "size", None) or 0
    if size > MAX_BYTES:
        raise ValidationFailed(f"文件超过 {MAX_BYTES // (1024 * 1024)} MB", code="file_too_large")
    data = upload.read()
    if not data:
        raise ValidationFailed("文件为空", code="empty_file")
    return data, hashlib.new("sm3", data).hexdigest()


def _compute(spec: ProjectSpec) -> list[ScheduledTask]:
    try:
        return schedule(spec)
    except ScheduleError as exc:
        raise ValidationFailed(exc.message, code=f"schedule_{exc.code}") from None


def register_milestones(project: Project) -> list[tuple[TaskSpec, dict]]:
    """The project register's key nodes and stage ends as milestones (read-only, synced): each
    sits at its planned date (start no earlier than), or at the date it was passed."""
    out = []
    for node in KeyNode.objects.filter(project=project).order_by("sequence", "pk"):
        out.append(
            (
                _milestone(
                    f"KN{node.pk}",
                    f"关键节点：{node.name}",
                    node.planned_date,
                    node.passed_on if node.status == "passed" else None,
                ),
                {"source": "key_node", "key_node": node},
            )
        )
    for st in ProjectStage.objects.filter(project=project, stage__in=STAGE_LABELS).order_by("pk"):
        label = STAGE_LABELS[st.stage]
        out.append(
            (
                _milestone(f"ST-{st.stage}", f"阶段完成：{label}", st.planned_end, st.actual_end),
                {"source": "stage", "stage": st},
            )
        )
    return [(t, extra) for t, extra in out if t is not None]


def _milestone(
    uid: str, name: str, planned: dt.date | None, done: dt.date | None
) -> TaskSpec | None:
    if planned is None and done is None:
        return None
    at = dt.datetime.combine(planned, END_OF_DAY) if planned else None
    finished = dt.datetime.combine(done, END_OF_DAY) if done else None
    return TaskSpec(
        uid=uid,
        name=name[:255],
        milestone=True,
        constraint="SNET" if at else "ASAP",
        constraint_date=at,
        percent_complete=100 if finished else 0,
        actual_start=finished,
        actual_finish=finished,
    )


def _is_register(uid: str) -> bool:
    return uid.startswith(("KN", "ST-"))


def _exported_register(t: TaskSpec) -> bool:
    """One of our register milestones coming back in a file we exported (renumbered): the
    register's own take its place."""
    return t.milestone and not t.links and t.name.startswith(REGISTER_PREFIXES)


def _with_register(spec: ProjectSpec, project: Project) -> tuple[ProjectSpec, dict[str, dict]]:
    """The spec with the register's milestones in place of the ones it had (MS Project's UIDs
    are numbers: the "KN"/"ST-" ones are ours)."""
    extras: dict[str, dict] = {}
    tasks = [t for t in spec.tasks if not _is_register(t.uid) and not _exported_register(t)]
    for task, extra in register_milestones(project):
        tasks.append(task)
        extras[task.uid] = extra
    spec.tasks = tasks
    return spec, extras


def _activity(sched: Schedule, seq: int, t: TaskSpec, extra: dict) -> Activity:
    aw = convert.aware
    return Activity(
        schedule=sched,
        uid=t.uid[:40],
        seq=seq,
        name=(t.name or t.uid)[:255],
        outline_level=t.outline_level,
        summary=t.summary,
        milestone=t.milestone,
        duration_minutes=t.duration,
        elapsed=t.elapsed,
        calendar_uid=t.calendar_uid or "",
        constraint=t.constraint,
        constraint_date=aw(t.constraint_date),
        percent_complete=min(max(t.percent_complete, 0), 100),
        actual_start=aw(t.actual_start),
        actual_finish=aw(t.actual_finish),
        manual=t.manual,
        planned_start=aw(t.start),
        planned_finish=aw(t.finish),
        baseline_start=aw(t.baseline_start),
        baseline_finish=aw(t.baseline_finish),
        baseline_duration=t.baseline_duration,
        **extra,
    )


COMPUTED = (
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_float",
    "free_float",
    "critical",
)


def _set_computed(act: Activity, c: ScheduledTask | None) -> None:
    aw = convert.aware
    act.early_start = aw(c.early_start) if c else None
    act.early_finish = aw(c.early_finish) if c else None
    act.late_start = aw(c.late_start) if c else None
    act.late_finish = aw(c.late_finish) if c else None
    act.total_float = c.total_float_minutes if c else None
    act.free_float = c.free_float_minutes if c else None
    act.critical = bool(c and c.critical)


def _refresh(sched: Schedule, spec: ProjectSpec, extras: dict[str, dict], computed) -> None:
    """Recomputed dates onto the stored activities (their ids stay); the register's milestones
    made again from the register."""
    sched.activities.filter(source__in=("key_node", "stage")).delete()
    by_uid = {c.uid: c for c in computed}
    acts = list(sched.activities.all())
    for a in acts:
        _set_computed(a, by_uid.get(a.uid))
    Activity.objects.bulk_update(acts, COMPUTED, batch_size=500)
    top = max((a.seq for a in acts), default=0)
    new = []
    for i, t in enumerate((t for t in spec.tasks if t.uid in extras), start=top + 1):
        act = _activity(sched, i, t, extras[t.uid])
        _set_computed(act, by_uid.get(t.uid))
        new.append(act)
    Activity.objects.bulk_create(new)
    _summarise(sched, spec, computed)


def _store(sched: Schedule, spec: ProjectSpec, extras: dict[str, dict], computed) -> None:
    """A new schedule's calendars, activities and links, with the computed dates."""
    ScheduleCalendar.objects.bulk_create(
        ScheduleCalendar(schedule=sched, **convert.calendar_row(c)) for c in spec.calendars.values()
    )
    by_uid = {c.uid: c for c in computed}
    rows = []
    for seq, t in enumerate(spec.tasks, start=1):
        act = _activity(sched, seq, t, extras.get(t.uid, {}))
        _set_computed(act, by_uid.get(t.uid))
        rows.append(act)
    Activity.objects.bulk_create(rows, batch_size=500)
    ids = dict(sched.activities.values_list("uid", "pk"))
    ActivityLink.objects.bulk_create(
        (
            ActivityLink(
                schedule=sched,
                pred_id=ids[lk.pred_uid],
                succ_id=ids[t.uid],
                type=lk.type,
                lag_minutes=lk.lag,
                elapsed=lk.elapsed,
                lag_format=lk.lag_format,
            )
            for t in spec.tasks
            for lk in t.links
        ),
        batch_size=1000,
    )
    _summarise(sched, spec, computed)


def _summarise(sched: Schedule, spec: ProjectSpec, computed) -> None:
    sched.computed_at = now()
    sched.finish = convert.aware(max((c.early_finish for c in computed), default=spec.start))
    finishes = [t.baseline_finish for t in spec.tasks if t.baseline_finish]
    sched.baseline_finish = convert.aware(max(finishes)) if finishes else None
    sched.save()


def schedule_import(*, actor: Actor, project: Project, upload) -> Schedule:
    """Import an MSPDI file as the project's schedule (replacing the one before)."""
    data, digest = _read(upload)
    try:
        spec = parse(data)
    except MspdiError as exc:
        raise ValidationFailed(str(exc), code=f"mspdi_{exc.code}") from None
    spec, extras = _with_register(spec, project)
    computed = _compute(spec)
    name = (getattr(upload, "name", "") or "schedule.xml")[:200]
    with transaction.atomic():
        Schedule.objects.filter(project=project).delete()
        sched = Schedule.objects.create(
            project=project,
            name=(spec.name or name)[:200],
            start=convert.aware(spec.start),
            calendar_uid=spec.calendar_uid,
            minutes_per_day=spec.minutes_per_day,
            source_name=name,
            source_sm3=digest,
            not_imported=spec.not_imported,
            imported_by=actor.user,
        )
        _store(sched, spec, extras, computed)
        record(
            actor=actor,
            type="collab_schedule.imported",
            obj=sched,
            payload={
                "project": project.code,
                "file": name,
                "sm3": digest,
                "activities": len(spec.tasks),
                "links": sum(len(t.links) for t in spec.tasks),
                "not_imported": spec.not_imported,
            },
        )
    return sched


def schedule_recompute(*, schedule_obj: Schedule) -> Schedule:
    """Resync the register's milestones and compute the critical path again (no ledger entry:
    nothing was decided, the dates follow from what was)."""
    with transaction.atomic():
        sched = Schedule.objects.select_for_update().get(pk=schedule_obj.pk)
        spec, extras = _with_register(convert.spec_from_db(sched), sched.project)
        _refresh(sched, spec, extras, _compute(spec))
    return sched


def baseline_set(*, actor: Actor, schedule_obj: Schedule) -> Schedule:
    """Take the current early dates as the baseline every later date is measured against."""
    with transaction.atomic():
        sched = Schedule.objects.select_for_update().get(pk=schedule_obj.pk)
        acts = list(sched.activities.all())
        if not acts:
            raise Conflict("进度计划没有作业，无法设置基线", code="schedule_empty")
        for a in acts:
            a.baseline_start, a.baseline_finish = a.early_start, a.early_finish
            a.baseline_duration = a.duration_minutes
        Activity.objects.bulk_update(
            acts, ["baseline_start", "baseline_finish", "baseline_duration"], batch_size=500
        )
        sched.baseline_finish, sched.baseline_set_at = sched.finish, now()
        sched.save(update_fields=["baseline_finish", "baseline_set_at", "updated_at"])
        record(
            actor=actor,
            type="collab_schedule.baseline_set",
            obj=sched,
            payload={
                "project": sched.project.code,
                "finish": sched.finish,
                "activities": len(acts),
            },
        )
    return sched


def _check_progress(activity: Activity, pct: int, start, finish) -> None:
    if activity.summary:
        raise ValidationFailed(
            "摘要任务的进度由其下作业汇总，不能直接填报", code="summary_activity"
        )
    if activity.source != "plan":
        raise ValidationFailed(
            "关键节点与阶段里程碑随项目台账同步，不能在此填报", code="register_milestone"
        )
    if not 0 <= pct <= 100:
        raise ValidationFailed("完成百分比应在 0 到 100 之间", code="bad_percent")
    if pct > 0 and start is None:
        raise ValidationFailed("已开始的作业须填写实际开始时间", code="actual_start_required")
    if (pct == 100) != (finish is not None):
        raise ValidationFailed("完成 100% 与实际完成时间须同时填写", code="actual_finish_mismatch")
    if start and finish and finish < start:
        raise ValidationFailed("实际完成不能早于实际开始", code="finish_before_start")
    for when in (start, finish):
        if when and when > now() + dt.timedelta(days=1):
            raise ValidationFailed("实际时间不能是将来的时间", code="actual_in_future")
        if when and abs((when - activity.schedule.start).days) > 3660:
            raise ValidationFailed("实际时间与计划开始相差超过十年", code="actual_out_of_range")


def progress_report(
    *, actor: Actor, schedule_obj: Schedule, items: list[tuple[Activity, int, object, object]]
) -> Schedule:
    """Report progress of several activities of one schedule at once (a weekly report):
    (activity, percent complete, actual start, actual finish) each; the critical path is computed
    again once, with the actual dates; one ledger entry per activity."""
    for act, pct, start, finish in items:
        if act.schedule_id != schedule_obj.pk:
            raise ValidationFailed("作业不属于该进度计划", code="activity_not_in_schedule")
        _check_progress(act, pct, start, finish)
    with transaction.atomic():
        for act, pct, start, finish in items:
            Activity.objects.filter(pk=act.pk).update(
                percent_complete=pct, actual_start=start, actual_finish=finish, updated_at=now()
            )
        sched = schedule_recompute(schedule_obj=schedule_obj)
        record_many(
            actor=actor,
            items=[
                (
                    "collab_schedule.progress_updated",
                    sched,
                    {
                        "activity": act.uid,
                        "name": act.name,
                        "percent_complete": pct,
                        "actual_start": start,
                        "actual_finish": finish,
                    },
                    (),
                )
                for act, pct, start, finish in items
            ],
        )
    return sched


def progress_update(
    *,
    actor: Actor,
    activity: Activity,
    percent_complete: int,
    actual_start: dt.datetime | None = None,
    actual_finish: dt.datetime | None = None,
) -> Activity:
    """Report an activity's progress; the critical path is computed again with the actual dates."""
    sched = progress_report(
        actor=actor,
        schedule_obj=activity.schedule,
        items=[(activity, percent_complete, actual_start, actual_finish)],
    )
    return sched.activities.get(uid=activity.uid)


def schedule_export(*, schedule_obj: Schedule) -> bytes:
    """The schedule as MSPDI, with the computed dates and slack as MS Project writes them."""
    spec = convert.spec_from_db(schedule_obj)
    return write(spec, _compute(spec))
