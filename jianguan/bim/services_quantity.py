"""The take-off: BoQ items (GB 50500 codes) mapped to IFC selectors, the model quantity of each
item per ready revision (from the quantities the child process measured per element), and the
payment claim's automatic check that a line's cumulative claimed quantity does not exceed the
model's by more than the tolerance in rule data."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction

from jianguan.bim import selectors, workflow
from jianguan.bim.models import BoqMapping, ModelQuantity, ModelRevision
from jianguan.core.actor import Actor
from jianguan.core.errors import PermissionDenied, ValidationFailed
from jianguan.ledger.services import record
from jianguan.projects.models import Project

MAPPERS = ("owner", "designer", "general_contractor")
CHECK_CODE = "bim_model_quantity"
CHECK_LABEL = "申报工程量与 BIM 模型工程量核对"


def may_map(actor: Actor, project_id: int) -> bool:
    """The one rule for the BoQ mapping (the pages ask it to show the form and before reading
    one, the services before writing)."""
    return actor.can("bim.map_quantities") and bool(
        selectors.roles_in(actor, project_id) & set(MAPPERS)
    )


def require_map(actor: Actor, project_id: int) -> None:
    _require(actor, project_id)


def _require(actor: Actor, project_id: int) -> None:
    if not may_map(actor, project_id):
        raise PermissionDenied(
            "仅本项目的建设、设计或施工总承包单位可维护清单对应关系", code="permission_denied"
        )


def _checked(code: str, name: str, unit: str, selector: Any) -> tuple[str, str, str, dict]:
    """The engine's own parse of a BoQ item (a 9- or 12-digit GB 50500 code, a unit it measures,
    known IFC classes, a density for tonnes): what is stored is what the take-off will read."""
    from jianguan.bim.engine import takeoff

    name = str(name or "").strip()
    if not name or len(name) > 200:
        raise ValidationFailed("请填写项目名称（不超过 200 个字）", code="missing_field")
    raw = dict(selector) if isinstance(selector, dict) else {}
    try:
        parsed = takeoff.parse_selector(
            str(code or "").strip(), {**raw, "name": name, "unit": str(unit or "").strip()}
        )
    except takeoff.TakeoffError as exc:
        raise ValidationFailed(exc.message, code=exc.code) from None
    sel: dict[str, Any] = {"classes": list(parsed.classes)}
    for key in ("material", "type_name", "storey"):
        if getattr(parsed, key):
            sel[key] = str(getattr(parsed, key))[:100]
    if parsed.density is not None:
        sel["density"] = str(parsed.density)
    return parsed.code, name, parsed.unit, sel


def mapping_create(
    *,
    actor: Actor,
    project: Project,
    code: str,
    name: str,
    unit: str,
    selector: dict,
    contract=None,
) -> BoqMapping:
    _require(actor, project.pk)
    code, name, unit, sel = _checked(code, name, unit, selector)
    if contract is not None and contract.project_id != project.pk:
        raise ValidationFailed("合同不属于本项目", code="invalid_contract")
    if BoqMapping.objects.filter(project=project, code=code).exists():
        raise ValidationFailed(f"清单项 {code} 已有对应关系", code="duplicate_code")
    with transaction.atomic():
        m = BoqMapping.objects.create(
            project=project,
            contract=contract,
            code=code,
            name=name,
            unit=unit,
            selector=sel,
            created_by=actor.user,
        )
        record(
            actor=actor,
            type="bim.mapping_set",
            obj=m,
            payload={"code": code, "name": name, "unit": unit, "selector": sel},
        )
    return m


def mapping_update(
    *, actor: Actor, mapping: BoqMapping, name: str, unit: str, selector: dict
) -> BoqMapping:
    _require(actor, mapping.project_id)
    _, name, unit, sel = _checked(mapping.code, name, unit, selector)
    with transaction.atomic():
        mapping.name, mapping.unit, mapping.selector = name, unit, sel
        mapping.save(update_fields=["name", "unit", "selector", "updated_at"])
        record(
            actor=actor,
            type="bim.mapping_set",
            obj=mapping,
            payload={"code": mapping.code, "name": name, "unit": unit, "selector": sel},
        )
    return mapping


def mapping_delete(*, actor: Actor, mapping: BoqMapping) -> None:
    _require(actor, mapping.project_id)
    with transaction.atomic():
        record(actor=actor, type="bim.mapping_deleted", obj=mapping, payload={"code": mapping.code})
        mapping.delete()


def _quantities(revision: ModelRevision) -> dict:
    from jianguan.bim.engine import takeoff
    from jianguan.bim.services import element_quantities

    out = {}
    for guid, q in element_quantities(revision).items():
        values = dict(q)
        for key in ("volume", "area", "length"):
            values[key] = Decimal(values[key]) if values.get(key) is not None else None
        out[guid] = takeoff.Quantities(**values)
    return out


def _boq_selector(m: BoqMapping):
    from jianguan.bim.engine import takeoff

    sel = m.selector or {}
    return takeoff.BoqSelector(
        code=m.code,
        name=m.name,
        unit=m.unit,
        classes=tuple(sel.get("classes") or ()),
        material=sel.get("material"),
        type_name=sel.get("type_name"),
        storey=sel.get("storey"),
        density=Decimal(sel["density"]) if sel.get("density") else None,
    )


def quantities_store(*, revision: ModelRevision) -> list[ModelQuantity]:
    """The model quantity of every mapped BoqItem for one ready revision (replacing any)."""
    from jianguan.bim.engine import takeoff

    mappings = list(BoqMapping.objects.filter(project_id=revision.project_id))
    ModelQuantity.objects.filter(revision=revision).delete()
    if not mappings or revision.status != workflow.READY:
        return []
    try:
        lines = takeoff.boq_lines(_quantities(revision), [_boq_selector(m) for m in mappings])
    except takeoff.TakeoffError as exc:
        raise ValidationFailed(exc.message, code=exc.code) from None
    return ModelQuantity.objects.bulk_create(
        [
            ModelQuantity(
                revision=revision,
                code=line.code,
                unit=line.unit,
                quantity=line.quantity,
                guids=list(line.guids),
            )
            for line in lines
            if line.guids
        ]
    )


def model_quantities_compute(*, actor: Actor, project: Project) -> list[ModelQuantity]:
    """Recompute every latest ready revision's quantities after the mapping changed."""
    _require(actor, project.pk)
    out = []
    with transaction.atomic():
        for discipline in workflow.DISCIPLINES:
            revision = selectors.latest_ready(project.pk, discipline)
            if revision is not None:
                out.extend(quantities_store(revision=revision))
    return out


def model_quantities(
    project_id: int, codes: Iterable[str]
) -> dict[str, tuple[Decimal, list[str], list[int]]]:
    """The model's figure for each BoQ code: the sum over each discipline's newest ready
    revision, the elements behind it and the revisions; codes no model measures are absent.
    Two queries whatever the number of codes (a claim may carry a thousand lines)."""
    latest: dict[str, int] = {}
    for discipline, pk in (
        ModelRevision.objects.filter(project_id=project_id, status=workflow.READY)
        .order_by("discipline", "-created_at", "-pk")
        .values_list("discipline", "pk")
    ):
        latest.setdefault(discipline, pk)
    out: dict[str, tuple[Decimal, list[str], list[int]]] = {}
    if not latest:
        return out
    rows = ModelQuantity.objects.filter(
        revision_id__in=latest.values(), code__in=set(codes)
    ).order_by("revision_id", "pk")
    for q in rows:
        total, guids, revisions = out.setdefault(q.code, (Decimal(0), [], []))
        guids.extend(q.guids)
        revisions.append(q.revision_id)
        out[q.code] = (total + q.quantity, guids, revisions)
    return out


def model_quantity(project_id: int, code: str) -> tuple[Decimal, list[str], list[int]] | None:
    """:func:`model_quantities` for one code (None when no model measures it)."""
    return model_quantities(project_id, [code]).get(code)


def claim_quantity_check(claim):
    """The contracts app's automatic check (registered in setup): each claim line whose BoQ
    code the model measures, against the model's figure plus the rule-data tolerance."""
    from jianguan.bim.engine import takeoff
    from jianguan.contracts import payments
    from jianguan.contracts.models import ClaimLine
    from jianguan.rules.lookup import rule

    project_id = claim.contract.project_id
    # one query for the lines a mapping covers (none: the check does not apply), two for the
    # model's figures of all of them
    mapped = BoqMapping.objects.filter(project_id=project_id).values("code")
    lines = list(
        ClaimLine.objects.filter(claim=claim, boq_item__code__in=mapped).select_related("boq_item")
    )
    if not lines:
        return None
    figures = model_quantities(project_id, {line.boq_item.code for line in lines})
    tolerance = rule("payment_claim.bim_quantity_tolerance", on=claim.period_end)
    ratio = Decimal(str(tolerance.value))
    messages, passed, checked = [], True, 0
    for line in lines:
        model = figures.get(line.boq_item.code)
        if model is None:
            continue
        checked += 1
        figure, guids, _ = model
        excess = takeoff.claim_excess(line.cumulative_quantity, figure, ratio)
        if excess is None:
            continue
        passed = False
        shown = "、".join(guids[:10]) + (f" 等 {len(guids)} 个构件" if len(guids) > 10 else "")
        messages.append(
            f"{line.boq_item.code} {line.boq_item.name}：累计申报 {line.cumulative_quantity:,} "
            f"{line.boq_item.unit}，BIM 模型工程量 {figure:,}，超出容差（{ratio:.0%}）"
            f" {excess:,}；模型工程量来自构件 {shown}"
        )
    if not checked:
        return None
    if passed:
        messages.append(f"{checked} 个清单项的累计申报工程量未超过 BIM 模型工程量")
    return payments.Check(CHECK_CODE, CHECK_LABEL, passed, tuple(messages), tolerance.reference)
