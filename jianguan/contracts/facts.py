"""What contracts tell the project register: a signed main contract meets the construction
gate ("须签订施工合同", 招标投标法 46), unit projects not yet accepted hold the project out of
completion acceptance (京质量条例 47: unit acceptance comes before the final one), and the
main contracts in force, at their signed price and with their approved variations, are what
the cost-overrun warning weighs against the approved budget (政府投资条例 23). Subcontracts are
not counted: they are paid out of their main contract's price."""

from __future__ import annotations

from typing import Any

from jianguan.projects import facts as project_facts
from jianguan.projects import workflow as project_workflow


def batch_facts(projects: list) -> dict[int, dict[str, Any]]:
    from django.db.models import Sum

    from jianguan.contracts.models import AcceptanceItem, Contract
    from jianguan.contracts.workflow import A_ACCEPTED, IN_FORCE

    ids = [p.pk for p in projects]
    values = {
        row["project_id"]: row
        for row in Contract.objects.filter(project_id__in=ids, kind="main", status__in=IN_FORCE)
        .values("project_id")
        .annotate(price=Sum("price"), current=Sum("current_value"))
    }
    pending: dict[int, int] = {}
    for project_id in (
        AcceptanceItem.objects.filter(
            contract__project_id__in=ids, contract__kind="main", level="unit"
        )
        .exclude(status=A_ACCEPTED)
        .values_list("contract__project_id", flat=True)
    ):
        pending[project_id] = pending.get(project_id, 0) + 1
    out: dict[int, dict[str, Any]] = {}
    for p in projects:
        # only ever adds "signed": a contract number typed into the register still counts
        facts: dict[str, Any] = {"units_not_accepted": pending.get(p.pk, 0)}
        if p.pk in values:
            facts["construction_contract_signed"] = True
            row = values[p.pk]
            facts["contract_value"] = row["price"]
            facts["variations_value"] = row["current"] - row["price"]
        out[p.pk] = facts
    return out


def single_facts(project) -> dict[str, Any]:
    return batch_facts([project])[project.pk]


def register_all() -> None:
    project_facts.register_provider(single_facts, batch=batch_facts)
    project_workflow.register_guard(
        project_workflow.Stage.COMPLETION_ACCEPTANCE,
        project_workflow.Guard(
            "unit_projects_accepted",
            "合同验收树中的单位工程须全部验收合格",
            "《北京市建设工程质量条例》第四十七条",
            lambda f: f.get("units_not_accepted", 0) == 0,
        ),
    )
