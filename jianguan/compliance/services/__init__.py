"""The only writes of the compliance loop. Each function is one transaction and ledgered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from jianguan.accounts.models import Organisation
from jianguan.compliance import checklist, workflow
from jianguan.compliance.credit import FINDING_KINDS
from jianguan.compliance.models import (
    EvidenceFile,
    Finding,
    FindingPhoto,
    Inspection,
    RectificationAnswer,
    RectificationOrder,
    ReInspection,
    RiskAssessment,
    RiskItem,
)
from jianguan.compliance.services.credit import credit_records_for_event
from jianguan.core import uploads
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.services import record
from jianguan.projects.models import Participant, Project
from jianguan.projects.services.warnings import recompute_after_commit
from jianguan.rules.lookup import rule_value


def _wf(call, *args):
    try:
        return call(*args)
    except workflow.WorkflowError as exc:
        raise ValidationFailed(str(exc), code=exc.code) from None


def _participant(project: Project, organisation_id: int | None, *roles: str) -> bool:
    qs = Participant.objects.filter(
        project=project, organisation_id=organisation_id, is_active=True
    )
    if roles:
        qs = qs.filter(role__in=roles)
    return organisation_id is not None and qs.exists()


def _name(upload, stem: str, ext: str):
    upload.name = f"{stem}{ext}"  # client file names are not trusted
    return upload


# --- risk register -------------------------------------------------------------------------------


def risk_party_check(
    actor: Actor, project: Project, message: str = "只能为本单位参建的项目填报风险评估"
) -> None:
    """Who files a project's risk register and its plan: the regulator, the owner or the
    general contractor (with compliance.risk_assess); else a Chinese 403 not_participant.
    The pages ask this before they read the form."""
    require(actor, "compliance.risk_assess")
    if not (
        actor.is_system
        or actor.is_kind("regulator")
        or actor.organisation_id == project.owner_id
        or _participant(project, actor.organisation_id, "general_contractor")
    ):
        raise PermissionDenied(message, code="not_participant")


def _thresholds(on: dt.date) -> dict:
    return {
        level: int(rule_value(code, on=on)) for level, code in workflow.RISK_THRESHOLD_CODES.items()
    }


@transaction.atomic
def risk_assess(
    *,
    actor: Actor,
    project: Project,
    items: Mapping[str, Mapping[str, Any]],
    responsible_person: str = "",
    assessed_on: dt.date | None = None,
) -> RiskAssessment:
    """File (or replace) the project's risk assessment: every checklist item, likelihood × impact."""
    risk_party_check(actor, project)
    assessed_on = assessed_on or today_local()
    if assessed_on > today_local():
        raise ValidationFailed("评估日期不得晚于今天", code="future_date")
    names = checklist.item_names(project.type)
    unknown = sorted(set(items) - set(names))
    if unknown:
        raise ValidationFailed(f"未知的风险项：{'、'.join(unknown)}", code="unknown_risk_item")
    missing = [names[c] for c in names if c not in items]
    if missing:
        raise ValidationFailed(
            f"请评估全部风险项：缺少{'、'.join(missing)}", code="risk_item_missing"
        )
    thresholds = _thresholds(assessed_on)
    rows = []
    for code, values in items.items():
        likelihood, impact = values.get("likelihood"), values.get("impact")
        score = _wf(workflow.risk_score, likelihood, impact)
        rows.append(
            (code, likelihood, impact, score, str(values.get("measures") or "")[:500].strip())
        )
    level = workflow.overall_level((r[3] for r in rows), thresholds)
    max_score = max(r[3] for r in rows)
    assessment, _ = RiskAssessment.objects.select_for_update().get_or_create(
        project=project,
        defaults={
            "level": level,
            "max_score": max_score,
            "assessed_by": actor.username,
            "assessed_on": assessed_on,
        },
    )
    assessment.level = level
    assessment.max_score = max_score
    assessment.assessed_by = actor.username
    assessment.assessed_on = assessed_on
    if responsible_person.strip():
        assessment.responsible_person = responsible_person.strip()[:50]
    assessment.save()
    assessment.items.all().delete()
    RiskItem.objects.bulk_create(
        RiskItem(
            assessment=assessment,
            code=code,
            name=names[code],
            likelihood=likelihood,
            impact=impact,
            score=score,
            level=workflow.risk_level(score, thresholds),
            measures=measures,
        )
        for code, likelihood, impact, score, measures in rows
    )
    record(
        actor=actor,
        type="compliance.risk_assessed",
        obj=project,
        payload={
            "level": level,
            "max_score": max_score,
            "items": {r[0]: [r[1], r[2]] for r in rows},
            "responsible_person": assessment.responsible_person,
        },
    )
    return assessment


@transaction.atomic
def risk_emergency_plan_file(
    *, actor: Actor, project: Project, emergency_plan, responsible_person: str
) -> RiskAssessment:
    """The emergency plan (PDF, SM3 on the ledger) and the named person for a high risk."""
    risk_party_check(actor, project, "只能为本单位参建的项目备案应急预案")
    assessment = RiskAssessment.objects.select_for_update().filter(project=project).first()
    if assessment is None:
        raise ValidationFailed("请先填报风险评估", code="no_assessment")
    person = (responsible_person or "").strip()
    if not person:
        raise ValidationFailed("请填写风险管控责任人姓名", code="responsible_missing")
    ext = uploads.check(emergency_plan, "应急预案", uploads.PLAN_TYPES, uploads.MAX_DOC_BYTES)
    digest = uploads.sm3(emergency_plan)
    assessment.emergency_plan = _name(emergency_plan, f"plan-{project.code}", ext)
    assessment.emergency_plan_sm3 = digest
    assessment.responsible_person = person[:50]
    assessment.save()
    record(
        actor=actor,
        type="compliance.emergency_plan_filed",
        obj=project,
        payload={"level": assessment.level, "responsible_person": assessment.responsible_person},
        files=[{"name": "emergency_plan", "sm3": digest}],
    )
    return assessment


# --- inspections --------------------------------------------------------------------------------


def finding_access_check(actor: Actor, inspection: Inspection) -> None:
    """Findings are raised by the organisation that carries out the inspection (403 otherwise);
    asked before anything about the request is read."""
    inspector_side(actor, inspection.project)
    if inspection.inspector_organisation_id != actor.organisation_id and not actor.is_system:
        raise PermissionDenied("只能在本单位开展的检查中登记问题", code="not_inspector")


def inspector_side(actor: Actor, project: Project) -> str:
    if actor.can("compliance.inspect_as_regulator"):
        return "regulator"
    if actor.can("compliance.inspect_as_supervisor") and _participant(
        project, actor.organisation_id, "supervisor"
    ):
        return "supervisor"
    raise PermissionDenied("监督检查须由监管部门检查员或本项目监理单位开展", code="not_inspector")


@transaction.atomic
def inspection_create(
    *, actor: Actor, project: Project, kind: str, inspected_on: dt.date, notes: str = ""
) -> Inspection:
    side = inspector_side(actor, project)
    _wf(workflow.check_choice, kind, workflow.INSPECTION_KINDS, "检查类型", "unknown_kind")
    if inspected_on > today_local():
        raise ValidationFailed("检查日期不得晚于今天", code="future_date")
    inspection = Inspection.objects.create(
        project=project,
        kind=kind,
        inspected_on=inspected_on,
        inspector_organisation_id=actor.organisation_id,
        inspector=actor.username,
        side=side,
        notes=(notes or "")[:5000],
    )
    record(
        actor=actor,
        type="compliance.inspection_created",
        obj=inspection,
        payload={
            "project": project.code,
            "kind": kind,
            "inspected_on": inspected_on,
            "side": side,
        },
    )
    return inspection


def _next_number(year: int) -> str:
    prefix = f"ZG-{year}-"
    last = (
        RectificationOrder.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{(int(last.rsplit('-', 1)[1]) + 1 if last else 1):04d}"


@transaction.atomic
def finding_raise(
    *,
    actor: Actor,
    inspection: Inspection,
    type: str,
    severity: str,
    description: str,
    responsible_organisation: Organisation,
    location: str = "",
    photos: Iterable = (),
    due_on: dt.date | None = None,
    stop_work: bool = False,
) -> RectificationOrder:
    """A finding and its rectification order (整改通知单); due date from rule data by severity."""
    project = inspection.project
    finding_access_check(actor, inspection)
    _wf(workflow.check_choice, type, workflow.FINDING_TYPES, "问题类型", "unknown_finding_type")
    _wf(workflow.check_choice, severity, workflow.SEVERITIES, "严重程度", "unknown_severity")
    description = (description or "").strip()
    if not description:
        raise ValidationFailed("请填写问题描述", code="description_missing")
    if not _participant(project, responsible_organisation.pk):
        raise ValidationFailed("责任单位须为本项目的参建单位", code="not_participant")
    if stop_work and not workflow.may_stop_work(severity):
        raise ValidationFailed("仅重大问题可责令停工整改", code="stop_work_not_allowed")
    if due_on is None:
        days = rule_value(workflow.DUE_DAY_CODES[severity], on=inspection.inspected_on)
        due_on = workflow.due_date(inspection.inspected_on, days)
    _wf(workflow.check_due_date, inspection.inspected_on, due_on)
    photos = list(photos or ())
    if len(photos) > uploads.MAX_FILES:
        raise ValidationFailed(f"照片最多 {uploads.MAX_FILES} 张", code="too_many_files")
    checked = [
        (p, uploads.check(p, "现场照片", uploads.PHOTO_TYPES, uploads.MAX_PHOTO_BYTES))
        for p in photos
    ]
    finding = Finding.objects.create(
        inspection=inspection,
        project=project,
        type=type,
        severity=severity,
        description=description[:500],
        location=(location or "").strip()[:200],
        responsible_organisation=responsible_organisation,
    )
    digests = []
    for i, (photo, ext) in enumerate(checked, 1):
        digest = uploads.sm3(photo)
        FindingPhoto.objects.create(
            finding=finding, file=_name(photo, f"finding-{finding.pk}-{i}", ext), sm3=digest
        )
        digests.append({"name": f"photo-{i}", "sm3": digest})
    order = RectificationOrder.objects.create(
        number=_next_number(inspection.inspected_on.year),
        finding=finding,
        project=project,
        responsible_organisation=responsible_organisation,
        issued_on=inspection.inspected_on,
        due_on=due_on,
        stop_work=bool(stop_work),
        issued_by=actor.username,
    )
    record(
        actor=actor,
        type="compliance.finding_raised",
        obj=order,
        payload={
            "number": order.number,
            "project": project.code,
            "type": type,
            "severity": severity,
            "description": finding.description,
            "location": finding.location,
            "responsible": responsible_organisation.credit_code,
            "due_on": due_on,
            "stop_work": order.stop_work,
        },
        files=digests,
    )
    credit_records_for_event(
        actor=actor,
        kind=FINDING_KINDS[severity],
        organisation=responsible_organisation,
        occurred_on=inspection.inspected_on,
        description=f"{order.number} {finding.description}",
        source_type="finding",
        source_id=finding.pk,
        project=project,
    )
    recompute_after_commit(project.pk)
    return order


def answerer_check(actor: Actor, order: RectificationOrder) -> None:
    """Only the order's responsible organisation answers it (compliance.answer); else a
    Chinese 403. The page asks this before it reads the form."""
    require(actor, "compliance.answer")
    if actor.organisation_id != order.responsible_organisation_id:
        raise PermissionDenied("只有责任单位可以回复整改通知单", code="not_responsible")


@transaction.atomic
def order_answer(
    *, actor: Actor, order: RectificationOrder, text: str, files: Iterable = ()
) -> RectificationOrder:
    """The responsible organisation reports its rectification with evidence files."""
    order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
    answerer_check(actor, order)
    _wf(workflow.check_order_transition, order.status, workflow.OrderStatus.ANSWERED)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("请填写整改情况", code="text_missing")
    files = list(files or ())
    if not files:
        raise ValidationFailed("请上传整改证明材料", code="missing_file")
    if len(files) > uploads.MAX_FILES:
        raise ValidationFailed(f"证明材料最多 {uploads.MAX_FILES} 个", code="too_many_files")
    checked = [
        (f, uploads.check(f, "整改证明材料", uploads.EVIDENCE_TYPES, uploads.MAX_DOC_BYTES))
        for f in files
    ]
    answer = RectificationAnswer.objects.create(
        order=order,
        text=text[:5000],
        answered_by=actor.username,
        organisation_id=actor.organisation_id,
    )
    digests = []
    for i, (upload, ext) in enumerate(checked, 1):
        digest = uploads.sm3(upload)
        EvidenceFile.objects.create(
            answer=answer, file=_name(upload, f"evidence-{answer.pk}-{i}", ext), sm3=digest
        )
        digests.append({"name": f"evidence-{i}", "sm3": digest})
    order.status = workflow.OrderStatus.ANSWERED
    order.save()
    record(
        actor=actor,
        type="compliance.order_answered",
        obj=order,
        payload={"number": order.number, "text": answer.text},
        files=digests,
    )
    recompute_after_commit(order.project_id)
    return order


@transaction.atomic
def order_reinspect(
    *,
    actor: Actor,
    order: RectificationOrder,
    result: str,
    note: str = "",
    inspected_on: dt.date | None = None,
) -> RectificationOrder:
    """复查: pass closes the order (and lifts a stop-work); fail sends it back to the contractor."""
    order = (
        RectificationOrder.objects.select_for_update().select_related("project").get(pk=order.pk)
    )
    inspector_side(actor, order.project)
    if result not in ("passed", "failed"):
        raise ValidationFailed("复查结论须为“通过”或“不通过”", code="bad_result")
    if order.status != workflow.OrderStatus.ANSWERED:
        raise Conflict("整改通知单尚未回复，不能复查", code="not_answered")
    target = _wf(workflow.check_order_transition, order.status, result)
    inspected_on = inspected_on or today_local()
    if inspected_on < order.issued_on or inspected_on > today_local():
        raise ValidationFailed("复查日期须在下达日期与今天之间", code="bad_date")
    note = (note or "").strip()[:500]
    if result == "failed" and not note:
        raise ValidationFailed("复查不通过时须填写复查意见", code="note_required")
    reinspection = ReInspection.objects.create(
        order=order,
        responsible_organisation_id=order.responsible_organisation_id,
        result=result,
        note=note,
        inspected_on=inspected_on,
        inspector=actor.username,
    )
    order.status = target
    if target == workflow.OrderStatus.PASSED:
        order.closed_at = now()
    order.save()
    record(
        actor=actor,
        type="compliance.order_reinspected",
        obj=order,
        payload={
            "number": order.number,
            "result": result,
            "note": note,
            "inspected_on": inspected_on,
            "responsible": order.responsible_organisation.credit_code,
        },
    )
    if result == "failed":  # the card rule (district policy in rule data)
        credit_records_for_event(
            actor=actor,
            kind="rectification_failed",
            organisation=order.responsible_organisation,
            occurred_on=inspected_on,
            description=f"{order.number} 整改复查不合格：{note}",
            source_type="reinspection",
            source_id=reinspection.pk,
            project=order.project,
        )
        card_check_after_failure(
            actor=actor, organisation=order.responsible_organisation, on=inspected_on
        )
    recompute_after_commit(order.project_id)
    return order


from jianguan.compliance.services.credit import (  # noqa: E402, F401  (re-exported)
    credit_record_add,
    credit_record_end,
)
from jianguan.compliance.services.credit_publish import (  # noqa: E402, F401  (re-exported)
    credit_daily,
    credit_history_backfill,
    credit_records_collect,
    credit_scores_publish,
)
from jianguan.compliance.services.sanctions import (  # noqa: E402, F401  (re-exported)
    appeal_review,
    appeal_submit,
    blacklist_issue,
    card_check_after_failure,
    card_issue,
    procurement_ban_issue,
    require_regulator,
    sanction_repair,
)
