"""Quality acceptance: inspection lots → sub-divisions → divisions → unit projects, each
self-checked by the contractor and then accepted by the supervisor; a failed acceptance opens
a rectification order in the compliance loop; the five-party completion record is signed
once every unit project of the main contract is accepted.

Re-checking after a failure: the contractor may self-check a failed item again only once the
rectification order it opened has been answered (已回复待复查) or closed (复查通过). The
supervisor's new acceptance decision is then the check of the rectified work.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from jianguan.compliance import services as compliance
from jianguan.compliance.models import RectificationOrder
from jianguan.compliance.workflow import OrderStatus
from jianguan.contracts import workflow
from jianguan.contracts.models import AcceptanceItem, Contract
from jianguan.contracts.services.common import require_in_force, require_party, wf
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.services import record
from jianguan.projects import services as projects
from jianguan.projects.models import ProjectLead
from jianguan.projects.workflow import FIVE_PARTIES

RECHECK_ORDER_STATUSES = (OrderStatus.ANSWERED, OrderStatus.PASSED)


def _text(value: str, label: str, max_len: int, *, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(f"请填写{label}", code="field_missing", details={"field": label})
    if len(text) > max_len:
        raise ValidationFailed(f"{label}不得超过 {max_len} 个字", code="field_too_long")
    return text


def _locked_item(item: AcceptanceItem) -> AcceptanceItem:
    return AcceptanceItem.objects.select_for_update().select_related("contract").get(pk=item.pk)


@transaction.atomic
def acceptance_item_add(
    *,
    actor: Actor,
    contract: Contract,
    level: str,
    code: str,
    name: str,
    parent: AcceptanceItem | None = None,
) -> AcceptanceItem:
    """Add a unit project, or a division/sub-division/lot under its parent level."""
    if not (actor.can("contracts.self_check") or actor.can("contracts.accept")):
        raise PermissionDenied("只有施工单位或监理单位可以划分验收项", code="permission_denied")
    require_party(
        actor,
        contract,
        "contractor",
        "supervisor",
        message="只有本合同的承包人或监理单位可以划分验收项",
    )
    require_in_force(contract)
    if level not in workflow.ACCEPTANCE_LEVELS:
        raise ValidationFailed(
            f"层级须为{'、'.join(workflow.ACCEPTANCE_LEVELS.values())}之一", code="unknown_level"
        )
    code = _text(code, "编号", 40, required=True)
    name = _text(name, "名称", 200, required=True)
    if level == "unit":
        if parent is not None:
            raise ValidationFailed("单位工程是验收的最上一级，不能有上级", code="unit_has_parent")
    else:
        if parent is None:
            raise ValidationFailed(
                f"{workflow.ACCEPTANCE_LEVELS[level]}须选择上级验收项", code="parent_missing"
            )
        parent = _locked_item(parent)
        if parent.contract_id != contract.pk:
            raise ValidationFailed("上级验收项不属于本合同", code="parent_not_in_contract")
        if workflow.child_level(parent.level) != level:
            expected = workflow.child_level(parent.level)
            raise ValidationFailed(
                f"{parent.get_level_display()}的下一级须为"
                f"{workflow.ACCEPTANCE_LEVELS.get(expected or '', '（无）')}",
                code="wrong_level",
            )
        if parent.status == workflow.A_ACCEPTED:
            raise Conflict("上级验收项已验收合格，不能再增加下级验收项", code="parent_accepted")
    if AcceptanceItem.objects.filter(contract=contract, code=code).exists():
        raise ValidationFailed(f"编号 {code} 已在本合同的验收项中使用", code="duplicate_code")
    item = AcceptanceItem.objects.create(
        contract=contract, parent=parent, level=level, code=code, name=name
    )
    record(
        actor=actor,
        type="contracts.acceptance_item_added",
        obj=item,
        payload={
            "contract": contract.number,
            "level": level,
            "code": code,
            "name": name,
            "parent": parent.code if parent else None,
        },
    )
    return item


def recheck_blocker(item: AcceptanceItem) -> str | None:
    """Why a failed item may not be self-checked again yet (None when it may)."""
    if item.status != workflow.A_FAILED or item.order_id is None:
        return None
    order = RectificationOrder.objects.filter(pk=item.order_id).first()
    if order is None or order.status in RECHECK_ORDER_STATUSES:
        return None
    return f"须先回复整改通知单 {order.number} 的整改情况后再重新自检"


@transaction.atomic
def acceptance_self_check(*, actor: Actor, item: AcceptanceItem, note: str = "") -> AcceptanceItem:
    """The contractor's self-check (施工单位自检合格) reports the item to the supervisor."""
    require(actor, "contracts.self_check")
    item = _locked_item(item)
    contract = item.contract
    require_party(actor, contract, "contractor", message="只有本合同的承包人可以自检")
    require_in_force(contract)
    wf(workflow.check_self_check, item.status)
    blocker = recheck_blocker(item)
    if blocker:
        raise Conflict(blocker, code="rectification_open")
    note = _text(note, "自检意见", 500, required=False)
    previous = item.status
    item.status = workflow.A_SELF_CHECKED
    item.self_checked_by = actor.username
    item.self_checked_at = now()
    item.self_check_note = note
    item.save()
    record(
        actor=actor,
        type="contracts.acceptance_self_checked",
        obj=item,
        payload={
            "contract": contract.number,
            "code": item.code,
            "level": item.level,
            "note": note,
            "recheck": previous == workflow.A_FAILED,
        },
    )
    return item


@transaction.atomic
def acceptance_decide(
    *,
    actor: Actor,
    item: AcceptanceItem,
    passed: bool,
    opinion: str = "",
    severity: str = "general",
) -> AcceptanceItem:
    """The supervisor accepts the item, or fails it and opens a rectification order."""
    require(actor, "contracts.accept")
    item = _locked_item(item)
    contract = item.contract
    require_party(actor, contract, "supervisor", message="只有本合同的监理单位可以验收")
    require_in_force(contract)
    children = list(item.children.values_list("status", flat=True))
    wf(workflow.check_accept, item.status, children)
    opinion = _text(opinion, "验收意见", 500, required=not passed)
    item.accepted_by = actor.username
    item.accepted_at = now()
    item.opinion = opinion
    order = None
    if passed:
        item.status = workflow.A_ACCEPTED
    else:
        project = contract.project
        inspection = compliance.inspection_create(
            actor=actor,
            project=project,
            kind="routine",
            inspected_on=today_local(),
            notes=f"{contract.number} 质量验收：{item.get_level_display()} {item.code} {item.name}",
        )
        order = compliance.finding_raise(
            actor=actor,
            inspection=inspection,
            type="quality",
            severity=severity,
            description=(
                f"{item.get_level_display()} {item.code} {item.name} 验收不合格：{opinion}"
            )[:500],
            location=item.name,
            responsible_organisation=contract.contractor,
        )
        item.status = workflow.A_FAILED
        item.order_id = order.pk
    item.save()
    record(
        actor=actor,
        type="contracts.acceptance_decided",
        obj=item,
        payload={
            "contract": contract.number,
            "code": item.code,
            "level": item.level,
            "passed": bool(passed),
            "opinion": opinion,
            "order": order.number if order else None,
        },
    )
    return item


def units_state(contract: Contract) -> tuple[int, int]:
    """(unit projects, accepted unit projects) of the contract."""
    units = list(
        AcceptanceItem.objects.filter(contract=contract, level="unit").values_list(
            "status", flat=True
        )
    )
    return len(units), sum(1 for s in units if s == workflow.A_ACCEPTED)


def signing_parties(actor: Actor, contract: Contract) -> list[str]:
    """The five-party roles the actor's organisation currently leads on the contract's project."""
    if actor.organisation_id is None:
        return []
    parties = set(
        ProjectLead.objects.filter(
            project_id=contract.project_id,
            organisation_id=actor.organisation_id,
            ended_on__isnull=True,
        ).values_list("party", flat=True)
    )
    return [p for p in FIVE_PARTIES if p in parties]


def completion_acceptance_sign(*, actor: Actor, contract: Contract, signed_on: dt.date) -> dict:
    """One of the five parties signs the completion acceptance record of the contract's
    project, once every unit project of this main contract is accepted. The projects service
    writes the signature and its ledger entry; the last of the five fixes the completion date.
    """
    if contract.kind != "main":
        raise ValidationFailed("竣工验收只在施工总承包合同下办理", code="not_main_contract")
    total, accepted = units_state(contract)
    if total == 0:
        raise Conflict("尚未划分单位工程，不能组织竣工验收", code="no_units")
    if accepted < total:
        raise Conflict(
            f"单位工程尚未全部验收合格（{accepted}/{total}），不能签署竣工验收记录",
            code="units_not_accepted",
        )
    if not isinstance(signed_on, dt.date):
        raise ValidationFailed("请填写签字日期", code="bad_date")
    parties = signing_parties(actor, contract)
    if not parties and not actor.is_system:
        raise PermissionDenied("只有本项目五方责任主体单位可以签署竣工验收记录", code="not_party")
    signed = set(contract.project.completion_signatures.values_list("party", flat=True))
    party = next((p for p in parties if p not in signed), parties[0] if parties else "")
    return projects.completion_sign(
        actor=actor, project=contract.project, party=party, signed_on=signed_on
    )
