"""The writes of RFIs (工作联系单/技术核定单): raise (draft or submitted at once), the steps of
the thread (submit, answer, return for more information, resubmit, close, reopen), comments,
the variation an RFI with a cost impact becomes, and the clock sweep (reminder before the due
date; escalation by the clock, level by level, to the regulator's dashboard). Each is one
transaction with its ledger entry; notifications go out after commit."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse

from jianguan.collab.rfis import common, workflow
from jianguan.collab.rfis.models import Rfi, RfiAttachment, RfiResponse
from jianguan.core import uploads
from jianguan.core.actor import SYSTEM, Actor
from jianguan.core.errors import Conflict, NotFound, ValidationFailed
from jianguan.core.money import DecimalProblem, strict_decimal
from jianguan.core.permissions import require
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.services import record

MAX_ESTIMATE_DIGITS = 14


def _url(rfi: Rfi) -> str:
    return reverse("collab_rfis:rfi", args=[rfi.pk])


def _estimate(raw: Any) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = strict_decimal(str(raw).strip()[:40], places=2, int_digits=MAX_ESTIMATE_DIGITS)
    except DecimalProblem:
        raise ValidationFailed(
            "估算金额须为最多两位小数的数字", code="bad_number", details={"field": "估算金额"}
        ) from None
    if value < 0:
        raise ValidationFailed("估算金额不能为负（减少费用请在说明中写明）", code="bad_number")
    return value.quantize(Decimal("0.01"))


def _days(raw: Any) -> int:
    try:
        value = int(raw or 0)
    except (TypeError, ValueError):
        raise ValidationFailed("影响工期须为整数天数", code="bad_number") from None
    if not -3650 <= value <= 3650:
        raise ValidationFailed("影响工期须在 ±3650 天以内", code="bad_number")
    return value


def _attach(actor: Actor, rfi: Rfi, checked, response: RfiResponse | None) -> list[dict]:
    refs = []
    for upload, ext in checked:
        digest = uploads.sm3(upload)
        data = common.content_of(upload)
        RfiAttachment.objects.create(
            rfi=rfi,
            response=response,
            file=common.as_file(data, f"{rfi.number}-{digest[:12]}{ext}"),
            name=(getattr(upload, "name", "") or f"附件{ext}")[:200],
            sm3=digest,
            size=len(data),
        )
        refs.append({"name": (getattr(upload, "name", "") or "附件")[:200], "sm3": digest})
    return refs


def _clock_code(rfi: Rfi) -> str:
    if rfi.priority == workflow.URGENT:
        return "rfi.answer_working_days.urgent"
    return f"rfi.answer_working_days.{rfi.kind}"


def _party(actor: Actor, rfi: Rfi) -> str | None:
    if actor.organisation_id == rfi.addressed_to_id:
        return workflow.ADDRESSEE
    if actor.organisation_id == rfi.asked_by_org_id:
        return workflow.ASKER
    return None


def party_of(actor: Actor, rfi: Rfi) -> str | None:
    return _party(actor, rfi)


@transaction.atomic
def rfi_raise(
    *,
    actor: Actor,
    project,
    kind: str,
    subject: str,
    question: str,
    addressed_to_id: int,
    priority: str = workflow.NORMAL,
    cost_impact: bool = False,
    cost_estimate: Any = None,
    schedule_impact_days: Any = 0,
    files: Iterable[Any] = (),
    submit: bool = True,
) -> Rfi:
    """A party of the project asks another party (submitted at once unless kept as a draft)."""
    require(actor, "collab_rfis.rfi")
    common.require_party(actor, project.pk, "只有本项目的参建单位可以提出联系单")
    if kind not in workflow.RFI_KINDS:
        raise ValidationFailed("类型须为工作联系单或技术核定单", code="unknown_kind")
    if priority not in workflow.PRIORITIES:
        raise ValidationFailed("紧急程度须为一般或紧急", code="unknown_priority")
    parties = common.participant_orgs(project.pk)
    try:
        addressee = int(addressed_to_id)
    except (TypeError, ValueError):
        addressee = 0
    if addressee not in parties:
        raise ValidationFailed("收文单位须为本项目的参建单位", code="addressee_not_in_project")
    if addressee == actor.organisation_id:
        raise ValidationFailed("不能向本单位提出联系单", code="addressee_is_self")
    estimate = _estimate(cost_estimate)
    if estimate is not None and not cost_impact:
        raise ValidationFailed("填写了估算金额时须勾选“涉及费用”", code="estimate_without_cost")
    checked = common.check_files(files)
    prefix = "JH-" if kind == workflow.TECHNICAL else "LX-"
    rfi = Rfi.objects.create(
        project=project,
        number=common.next_number(Rfi, project.pk, prefix),
        kind=kind,
        priority=priority,
        subject=common.text(subject, "事由", 200),
        question=common.text(question, "内容"),
        asked_by=actor.user,
        asked_by_org_id=actor.organisation_id,
        addressed_to_id=addressee,
        cost_impact=bool(cost_impact),
        cost_estimate=estimate,
        schedule_impact_days=_days(schedule_impact_days),
    )
    refs = _attach(actor, rfi, checked, None)
    record(
        actor=actor,
        type="collab_rfis.rfi_raised",
        obj=rfi,
        payload={
            "number": rfi.number,
            "kind": kind,
            "priority": priority,
            "subject": rfi.subject,
            "addressed_to": addressee,
            "cost_impact": rfi.cost_impact,
            "cost_estimate": estimate,
            "schedule_impact_days": rfi.schedule_impact_days,
        },
        files=refs,
    )
    if submit:
        return _step(actor, rfi, "submit", "")
    return rfi


def _step(actor: Actor, rfi: Rfi, action: str, body: str, refs_files=()) -> Rfi:
    target = common.wf(workflow.check_rfi_step, rfi.state, action, _party(actor, rfi))
    today = today_local()
    response = RfiResponse.objects.create(
        rfi=rfi, action=action, text=body, author=actor.user, organisation_id=actor.organisation_id
    )
    refs = _attach(actor, rfi, refs_files, response)
    rfi.state = target
    if action in workflow.CLOCK_STARTS:
        common.start_clock(rfi, _clock_code(rfi), today)
        if action == "submit":
            rfi.submitted_at = now()
    elif target in (workflow.ANSWERED, workflow.RETURNED, workflow.CLOSED):
        # the clock chases the addressee only: a returned RFI waits on the asker's word
        common.stop_clock(rfi)
    if action == "answer":
        rfi.answer, rfi.answered_by, rfi.answered_at = body, actor.user, now()
    if action == "close":
        rfi.closed_at = now()
    rfi.save()
    record(
        actor=actor,
        type=f"collab_rfis.rfi_{action}",
        obj=rfi,
        payload={
            "number": rfi.number,
            "state": target,
            "text": body[:2000],
            "due_on": rfi.due_on,
        },
        files=refs,
    )
    _tell_step(rfi, action)
    return rfi


def _tell_step(rfi: Rfi, action: str) -> None:
    org = rfi.court_org_id
    if org is None:
        return
    label = workflow.RFI_KINDS[rfi.kind]
    kind = "collab_rfis.rfi_answered" if action == "answer" else "collab_rfis.rfi_new"
    verb = {
        "submit": "收到",
        "resubmit": "补充资料后重新提交",
        "reopen": "重新提问",
        "answer": "已答复",
        "return": "被退回补充资料",
    }.get(action)
    if verb is None:
        return
    due = f"，请于 {rfi.due_on:%Y-%m-%d} 前答复" if rfi.due_on else ""
    common.tell(
        common.members([org]),
        kind=kind,
        title=f"{label}{verb}：{rfi.number} {rfi.subject}{due}",
        url=_url(rfi),
        urgent=rfi.priority == workflow.URGENT,
    )


@transaction.atomic
def rfi_act(
    *, actor: Actor, rfi: Rfi, action: str, text: str = "", files: Iterable[Any] = ()
) -> Rfi:
    """One step of the thread by the party in court: answer and return need their words,
    resubmit and reopen say what is added or missing."""
    require(actor, "collab_rfis.rfi")
    rfi = Rfi.objects.select_for_update().get(pk=rfi.pk)
    common.wf(workflow.check_rfi_step, rfi.state, action, _party(actor, rfi))
    needs_text = {"answer": "答复内容", "return": "退回原因", "resubmit": "补充说明"}
    needs_text["reopen"] = "重新提问的理由"
    body = common.text(text, needs_text.get(action, "说明"), required=action in needs_text)
    checked = common.check_files(files)
    return _step(actor, rfi, action, body, checked)


@transaction.atomic
def rfi_comment(*, actor: Actor, rfi: Rfi, text: str, files: Iterable[Any] = ()) -> RfiResponse:
    """A message in the thread by either party (the ball stays where it is)."""
    require(actor, "collab_rfis.rfi")
    if _party(actor, rfi) is None:
        common.require_party(actor, rfi.project_id, "只有本项目的参建单位可以留言")
    body = common.text(text, "留言内容")
    checked = common.check_files(files)
    response = RfiResponse.objects.create(
        rfi=rfi,
        action="comment",
        text=body,
        author=actor.user,
        organisation_id=actor.organisation_id,
    )
    refs = _attach(actor, rfi, checked, response)
    record(
        actor=actor,
        type="collab_rfis.rfi_comment",
        obj=rfi,
        payload={"number": rfi.number, "text": body[:2000]},
        files=refs,
    )
    return response


@transaction.atomic
def rfi_raise_variation(
    *,
    actor: Actor,
    rfi: Rfi,
    contract_id: int,
    title: str = "",
    reason: str = "",
    lines: list[dict],
) -> Any:
    """An RFI with a cost impact becomes a variation of the project's contract, raised through
    the contracts service (its own checks: the contract's employer or contractor, in force);
    the link is kept both ways: the variation's id here, the RFI's number as the variation's
    cause reference (the variation has no origin field of its own)."""
    from jianguan.contracts.models import Contract
    from jianguan.contracts.variations.services import variation_raise

    require(actor, "contracts.variation_raise")
    rfi = Rfi.objects.select_for_update().get(pk=rfi.pk)
    if not rfi.cost_impact:
        raise Conflict("该联系单未标明涉及费用，不能转为工程变更", code="no_cost_impact")
    if rfi.variation_id:
        raise Conflict("该联系单已转为工程变更", code="already_varied")
    if rfi.state not in (workflow.ANSWERED, workflow.CLOSED):
        raise Conflict("联系单答复后才能转为工程变更", code="not_answered")
    try:
        cid = int(contract_id)
    except (TypeError, ValueError):
        cid = 0
    contract = Contract.objects.filter(pk=cid, project_id=rfi.project_id).first()
    if contract is None:
        raise ValidationFailed("所选合同不属于本联系单的项目", code="contract_not_in_project")
    kind_label = workflow.RFI_KINDS[rfi.kind]
    variation = variation_raise(
        actor=actor,
        contract=contract,
        kind="variation",
        title=common.text(title or rfi.subject, "变更事项", 200),
        reason=common.text(
            reason or f"{kind_label} {rfi.number}：{rfi.question}\n答复：{rfi.answer}", "变更原因"
        ),
        cause="design_change" if rfi.kind == workflow.TECHNICAL else "site_condition",
        cause_reference=f"{kind_label} {rfi.number}",
        lines=lines,
    )
    rfi.variation_id = variation.pk
    rfi.save(update_fields=["variation_id", "updated_at"])
    record(
        actor=actor,
        type="collab_rfis.rfi_variation",
        obj=rfi,
        payload={"number": rfi.number, "variation": variation.number, "amount": variation.amount},
    )
    return variation


def rfi_get_for_update(pk: int) -> Rfi:
    rfi = Rfi.objects.filter(pk=pk).first()
    if rfi is None:
        raise NotFound("联系单不存在", code="rfi_not_found")
    return rfi


# --- the clock ------------------------------------------------------------------------------


def _sweep_one(obj, *, label: str, url: str, today) -> list[str]:
    """Reminder and escalation of one RFI or submittal (locked, in the caller's
    transaction); returns what was done."""
    done = []
    court_org = obj.court_org_id
    if court_org is None or obj.due_on is None:
        return done
    title = f"{label}（{obj.project.name}）"
    if workflow.remind_due(today, obj.remind_on, obj.reminded):
        obj.reminded = True
        obj.save(update_fields=["reminded", "updated_at"])
        record(
            actor=SYSTEM,
            type=f"{obj._meta.app_label}.{obj._meta.model_name}_reminded",
            obj=obj,
            payload={"number": obj.number, "due_on": obj.due_on},
        )
        common.tell(
            common.members([court_org]),
            kind="collab_rfis.reminder",
            title=f"即将到期（{obj.due_on:%Y-%m-%d}）：{title}",
            url=url,
        )
        done.append("reminded")
    reached = workflow.escalation_level(today, common.level_dates(obj.due_on, today))
    for level in workflow.escalation_steps(obj.escalation_level, reached):
        obj.escalation_level, obj.escalated_at = level, now()
        obj.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
        record(
            actor=SYSTEM,
            type=f"{obj._meta.app_label}.{obj._meta.model_name}_escalated",
            obj=obj,
            payload={"number": obj.number, "level": level, "due_on": obj.due_on},
        )
        if level == 1:
            users = common.members([court_org], heads_only=True)
        elif level == 2:
            users = common.members(common.owners_of(obj.project_id), heads_only=True)
        else:
            users = common.inspectors()
        common.tell(
            users,
            kind="collab_rfis.escalated",
            title=f"逾期{workflow.ESCALATION_LEVELS[level]}：{title}，期限 {obj.due_on:%Y-%m-%d}",
            url=url,
            urgent=level >= 2,
        )
        done.append(f"level{level}")
    return done


def clock_sweep(today=None) -> dict[str, int]:
    """Reminders and escalations of every open RFI and submittal (idempotent: each reminder
    and each level once per clock). Run by the chronograph; tests move the clock."""
    from jianguan.collab.rfis.models import Submittal

    today = today or today_local()
    counts = {"reminded": 0, "escalated": 0}
    queues = (
        (Rfi, Rfi.objects.filter(state=workflow.OPEN, due_on__isnull=False), "collab_rfis:rfi"),
        (
            Submittal,
            Submittal.objects.filter(state=workflow.UNDER_REVIEW, due_on__isnull=False),
            "collab_rfis:submittal",
        ),
    )
    for model, qs, view in queues:
        for pk in qs.filter(remind_on__lte=today).values_list("pk", flat=True):
            with transaction.atomic():
                obj = model.objects.select_for_update().select_related("project").get(pk=pk)
                if obj.court_org_id is None:
                    continue
                label = (
                    f"{workflow.RFI_KINDS[obj.kind]} {obj.number} {obj.subject}"
                    if model is Rfi
                    else f"报审 {obj.number} {obj.title}"
                )
                done = _sweep_one(obj, label=label, url=reverse(view, args=[pk]), today=today)
            counts["reminded"] += "reminded" in done
            counts["escalated"] += sum(1 for d in done if d.startswith("level"))
    return counts
