"""Key-node joint inspections and the five-party completion record (the project's gates)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import today_local
from jianguan.ledger.services import record
from jianguan.projects import workflow
from jianguan.projects.models import KeyNode, Participant, Project, ProjectLead
from jianguan.projects.services.warnings import recompute_after_commit


def signer_side(actor: Actor, project: Project) -> str:
    """Which side of a joint inspection the actor signs for: supervisor or regulator."""
    if actor.can("projects.inspect_as_regulator"):
        return "regulator"
    if (
        actor.can("projects.inspect_as_supervisor")
        and Participant.objects.filter(
            project=project,
            role="supervisor",
            organisation_id=actor.organisation_id,
            is_active=True,
        ).exists()
    ):
        return "supervisor"
    raise PermissionDenied(
        "联合检查须由本项目监理单位的总监理工程师或监管部门检查员签署", code="not_inspector"
    )


@transaction.atomic
def key_node_inspect(
    *, actor: Actor, key_node: KeyNode, result: str, findings: list[str] = ()
) -> KeyNode:
    """One side signs the joint inspection; the node passes only when both sides pass it."""
    from jianguan.core.timeutil import now
    from jianguan.projects.models import Finding, JointInspection

    node = KeyNode.objects.select_for_update().select_related("project").get(pk=key_node.pk)
    project = node.project
    side = signer_side(actor, project)
    if result not in ("passed", "failed"):
        raise ValidationFailed("检查结论须为“通过”或“不通过”", code="bad_result")
    findings = [f.strip()[:500] for f in findings if f and f.strip()]
    if result == "failed" and not findings:
        raise ValidationFailed("不通过时须填写检查发现的问题", code="findings_required")
    if node.status == "passed":
        raise Conflict("该关键节点已通过联合检查", code="node_already_passed")
    if project.stage not in ("construction", "completion_acceptance"):
        raise ValidationFailed("仅施工及竣工验收阶段可进行关键节点联合检查", code="wrong_stage")
    earlier = KeyNode.objects.filter(project=project, sequence__lt=node.sequence).exclude(
        status="passed"
    )
    if earlier.exists():
        raise ValidationFailed(
            f"须先通过前序节点：{earlier.first().name}", code="previous_node_pending"
        )
    inspection = node.inspections.filter(closed=False).order_by("-round").first()
    if inspection is None:
        rounds = node.inspections.count()
        inspection = JointInspection.objects.create(key_node=node, round=rounds + 1)
    if getattr(inspection, f"{side}_result"):
        raise Conflict("本轮检查您一方已签署", code="already_signed")
    setattr(inspection, f"{side}_result", result)
    setattr(inspection, f"{side}_user", actor.username)
    setattr(inspection, f"{side}_signed_at", now())
    for text in findings:
        Finding.objects.create(
            inspection=inspection, project=project, text=text, raised_by=actor.username
        )
    outcome = None
    if inspection.supervisor_result and inspection.regulator_result:
        inspection.closed = True
        both = inspection.supervisor_result == inspection.regulator_result == "passed"
        outcome = "passed" if both else "failed"
        node.status = outcome
        if both:
            node.passed_on = today_local()
            Finding.objects.filter(inspection__key_node=node, closed_at__isnull=True).update(
                closed_at=now()
            )
        node.save()
    elif result == "failed":
        node.status = "failed"
        node.save()
    inspection.save()
    record(
        actor=actor,
        type="project.key_node_signed",
        obj=project,
        payload={
            "node": node.code,
            "round": inspection.round,
            "side": side,
            "result": result,
            "findings": findings,
            "outcome": outcome,
        },
    )
    recompute_after_commit(project.pk)
    return node


def completion_signer_check(actor: Actor, project: Project) -> None:
    """A signer (projects.sign_completion) of an organisation that holds one of the project's
    current five-party leads; else a Chinese 403. Which party it signs for is checked by
    completion_sign; the page asks this before it reads the form."""
    require(actor, "projects.sign_completion")
    if actor.is_system:
        return
    if not ProjectLead.objects.filter(
        project=project, ended_on__isnull=True, organisation_id=actor.organisation_id
    ).exists():
        raise PermissionDenied("只能由该责任主体单位的签章人签署", code="not_party_signer")


@transaction.atomic
def completion_sign(*, actor: Actor, project: Project, party: str, signed_on: dt.date) -> dict:
    """A five-party lead signs the completion acceptance record (京质量条例 48)."""
    from jianguan.projects.models import CompletionSignature

    require(actor, "projects.sign_completion")
    if party not in workflow.FIVE_PARTIES:
        raise ValidationFailed("未知的责任主体", code="unknown_party")
    lead = ProjectLead.objects.filter(project=project, party=party, ended_on__isnull=True).first()
    if lead is None:
        raise ValidationFailed("该责任主体尚未备案项目负责人", code="lead_missing")
    if not actor.is_system and lead.organisation_id != actor.organisation_id:
        raise PermissionDenied("只能由该责任主体单位的签章人签署", code="not_party_signer")
    if project.stage != "construction":
        raise ValidationFailed("仅施工阶段末可签署竣工验收记录", code="wrong_stage")
    if signed_on > today_local():
        raise ValidationFailed("签字日期不能晚于今天", code="future_date")
    if CompletionSignature.objects.filter(project=project, party=party).exists():
        raise Conflict("该责任主体已签署", code="already_signed")
    CompletionSignature.objects.create(project=project, party=party, lead=lead, signed_on=signed_on)
    signatures = dict(
        CompletionSignature.objects.filter(project=project).values_list("party", "signed_on")
    )
    completion = workflow.completion_date(signatures)
    record(
        actor=actor,
        type="project.completion_signed",
        obj=project,
        payload={
            "party": party,
            "lead": lead.person.name,
            "signed_on": signed_on,
            "completion_date": completion,
        },
    )
    return {"signed": sorted(signatures), "completion_date": completion}
