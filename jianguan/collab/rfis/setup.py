"""What RFIs and submittals register with the platform (called from the app's ready()):
grants, ledger words and visibility, to-do items (the ball in the actor's court, with its
due date; the regulator's 督办 at level 3), notification events, the clock sweep, the
regulator's dashboard panel, navigation, the project page's link, the project warning of
overdue items and the demo seeder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo

WARNING_CODE = "warning.rfi_overdue_days"


def _todo(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    from django.db.models import Q

    from jianguan.collab.rfis import selectors, workflow

    if not actor.can("collab_rfis.view") or actor.organisation_id is None:
        return
    rfi_url, sub_url = pk_url("collab_rfis:rfi"), pk_url("collab_rfis:submittal")
    for r in selectors.rfi_list(actor=actor, court="mine")[:200]:
        what = {
            workflow.DRAFT: "提交",
            workflow.OPEN: "答复",
            workflow.RETURNED: "补充资料",
            workflow.ANSWERED: "确认答复",
        }[r.state]
        yield TodoItem(
            kind="collab_rfis.rfi",
            title=f"{what}{workflow.RFI_KINDS[r.kind]}：{r.number} {r.subject}（{r.project.name}）",
            url=rfi_url(r.pk),
            due=r.due_on if r.state == workflow.OPEN else None,
            overdue=bool(r.due_on and r.state == workflow.OPEN and r.due_on < today),
            module="collab_rfis",
        )
    org = actor.organisation_id
    subs = selectors.submittals_visible_to(actor=actor).filter(
        Q(state=workflow.UNDER_REVIEW, reviewer_org_id=org)
        | Q(state=workflow.REJECTED, submitter_org_id=org)
    )
    for s in subs[:400]:  # one query for both lists
        if s.state == workflow.UNDER_REVIEW:
            yield TodoItem(
                kind="collab_rfis.submittal_review",
                title=f"审查报审：{s.number} {s.title}（{s.project.name}）",
                url=sub_url(s.pk),
                due=s.due_on,
                overdue=bool(s.due_on and s.due_on < today),
                module="collab_rfis",
            )
        else:
            yield TodoItem(
                kind="collab_rfis.submittal_revise",
                title=f"修改后重新报审：{s.number} {s.title}（{s.project.name}）",
                url=sub_url(s.pk),
                module="collab_rfis",
            )
    if actor.is_kind("regulator"):
        esc = selectors.escalated_to_regulator(actor=actor)
        for r in esc["rfis"]:
            yield TodoItem(
                kind="collab_rfis.supervise",
                title=f"督办逾期联系单：{r.number} {r.subject}（{r.project.name}）",
                url=rfi_url(r.pk),
                due=r.due_on,
                overdue=True,
                module="collab_rfis",
            )
        for s in esc["submittals"]:
            yield TodoItem(
                kind="collab_rfis.supervise",
                title=f"督办逾期报审：{s.number} {s.title}（{s.project.name}）",
                url=sub_url(s.pk),
                due=s.due_on,
                overdue=True,
                module="collab_rfis",
            )


def _panel(actor: Actor, today: dt.date):
    from jianguan.collab.rfis import selectors
    from jianguan.web.panels import PanelContent

    esc = selectors.escalated_to_regulator(actor=actor)
    if not esc["rfis"] and not esc["submittals"]:
        return None
    return PanelContent("collab_rfis/_panel_escalated.html", {**esc, "today": today})


def _batch_facts(projects: list, today: dt.date | None = None) -> dict[int, dict[str, Any]]:
    from jianguan.collab.rfis import workflow
    from jianguan.collab.rfis.models import Rfi, Submittal
    from jianguan.core.timeutil import today_local

    today = today or today_local()
    out: dict[int, dict[str, Any]] = {p.pk: {"rfi_overdue": []} for p in projects}
    ids = list(out)
    rows = Rfi.objects.filter(project_id__in=ids, state=workflow.OPEN, due_on__lt=today)
    for pk, number, subject, due in rows.values_list("project_id", "number", "subject", "due_on"):
        out[pk]["rfi_overdue"].append({"number": number, "text": subject, "due_on": due})
    subs = Submittal.objects.filter(
        project_id__in=ids, state=workflow.UNDER_REVIEW, due_on__lt=today
    )
    for pk, number, title, due in subs.values_list("project_id", "number", "title", "due_on"):
        out[pk]["rfi_overdue"].append({"number": number, "text": title, "due_on": due})
    return out


def check_overdue(facts, today, thresholds):
    from jianguan.projects import warnings as w

    items = [i for i in facts.get("rfi_overdue") or () if i.get("due_on")]
    if not items:
        return None
    worst = max(items, key=lambda i: (today - i["due_on"]).days)
    days = (today - worst["due_on"]).days
    level = w.level_reached(days, thresholds[WARNING_CODE])
    if not level:
        return None
    more = f"；共 {len(items)} 项逾期" if len(items) > 1 else ""
    return level, f"{worst['number']}“{str(worst['text'])[:40]}”逾期 {days} 天未处理{more}"


def _may_view(actor, project) -> bool:
    return actor.can("collab_rfis.view")


def _sweep() -> object:
    from jianguan.collab.rfis.services import clock_sweep

    return clock_sweep()


def register_all() -> None:
    from jianguan.collab.rfis import permissions  # noqa: F401  (registers grants)
    from jianguan.collab.rfis.models import Rfi, Submittal, SubmittalRevision
    from jianguan.core import periodic
    from jianguan.core.demo import register_seeder
    from jianguan.ledger import labels, visibility
    from jianguan.projects import facts as project_facts
    from jianguan.projects import warnings as warning_rules
    from jianguan.projects.links import ProjectLink, register_project_link
    from jianguan.projects.visibility import sees_project_of
    from jianguan.web.nav import NavItem, register
    from jianguan.web.panels import register_panel
    from jianguan.workbench.notifications.events import register_event

    periodic.register("collab_rfis.clock_sweep", 3600, _sweep)
    register_todo("collab_rfis.rfi", "工作联系单待处理", _todo)
    register_todo("collab_rfis.submittal_review", "报审报验待审查")
    register_todo("collab_rfis.submittal_revise", "报审报验待修改")
    register_todo("collab_rfis.supervise", "逾期联系单与报审督办")
    for kind, label in {
        "collab_rfis.rfi_new": "收到工作联系单",
        "collab_rfis.rfi_answered": "工作联系单已答复",
        "collab_rfis.reminder": "联系单与报审即将到期",
        "collab_rfis.escalated": "联系单与报审逾期升级",
        "collab_rfis.submittal_new": "收到报审报验",
        "collab_rfis.submittal_reviewed": "报审报验已审查",
    }.items():
        register_event(kind, label)
    labels.register(
        {
            "collab_rfis.rfi_raised": "提出工作联系单",
            "collab_rfis.rfi_submit": "提交工作联系单",
            "collab_rfis.rfi_answer": "答复工作联系单",
            "collab_rfis.rfi_return": "退回工作联系单补充资料",
            "collab_rfis.rfi_resubmit": "补充资料后重新提交工作联系单",
            "collab_rfis.rfi_close": "确认答复并关闭工作联系单",
            "collab_rfis.rfi_reopen": "答复不足，重新提问",
            "collab_rfis.rfi_comment": "工作联系单留言",
            "collab_rfis.rfi_variation": "工作联系单转为工程变更",
            "collab_rfis.rfi_reminded": "工作联系单到期提醒",
            "collab_rfis.rfi_escalated": "工作联系单逾期升级",
            "collab_rfis.submittal_submitted": "报审报验",
            "collab_rfis.submittal_resubmitted": "修改后重新报审",
            "collab_rfis.submittal_reviewed": "监理审查报审事项",
            "collab_rfis.submittal_reminded": "报审事项到期提醒",
            "collab_rfis.submittal_escalated": "报审事项逾期升级",
        }
    )
    visibility.register("collab_rfis", "rfi", _rfi_rule(Rfi))
    visibility.register("collab_rfis", "submittal", sees_project_of(Submittal))
    visibility.register("collab_rfis", "submittalrevision", _revision_rule(SubmittalRevision))
    project_facts.register_provider(
        lambda p: _batch_facts([p])[p.pk], batch=_batch_facts, dated=True
    )
    warning_rules.register_rule(
        warning_rules.WarningRule(
            "rfi_overdue",
            "联系单与报审逾期",
            check_overdue,
            (WARNING_CODE,),
            "大兴区工程建设协同管理要求（区级平台参数）",
        )
    )
    register_panel(
        "collab_rfis_escalated",
        provider=_panel,
        order=40,
        permission="collab_rfis.view",
        kinds=("regulator",),
    )
    register(
        NavItem(
            "collab_rfis",
            "联系单与报审",
            "collab_rfis:index",
            "ti-message-question",
            "collab_rfis.view",
            46,
        )
    )
    register_project_link(
        ProjectLink(
            "collab_rfis", "工作联系单", "collab_rfis:project", "ti-message-question", _may_view, 63
        )
    )
    register_project_link(
        ProjectLink(
            "collab_rfis_submittals",
            "报审报验",
            "collab_rfis:submittals",
            "ti-stamp",
            _may_view,
            64,
        )
    )
    register_seeder("collab_rfis", "jianguan.collab.rfis.demo:seed", order=92)


def _rfi_rule(model):
    """Visible exactly when its project is; a draft only to its asker's organisation."""
    from jianguan.projects.visibility import sees_project_of

    project_rule = sees_project_of(model)

    def rule(actor: Actor, object_id: str) -> bool:
        if not project_rule(actor, object_id):
            return False
        row = model.objects.filter(pk=int(object_id)).values("state", "asked_by_org_id").first()
        return row["state"] != "draft" or row["asked_by_org_id"] == actor.organisation_id

    return rule


def _revision_rule(model):
    from jianguan.collab.rfis.models import Submittal
    from jianguan.projects.visibility import sees_project_of

    submittal_rule = sees_project_of(Submittal)

    def rule(actor: Actor, object_id: str) -> bool:
        if not object_id.isdigit():
            return False
        sid = model.objects.filter(pk=int(object_id)).values_list("submittal_id", flat=True)
        sid = sid.first()
        return sid is not None and submittal_rule(actor, str(sid))

    return rule
