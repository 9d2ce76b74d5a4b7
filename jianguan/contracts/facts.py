"""What contracts tell the project register: a signed main contract meets the construction
gate ("须签订施工合同", 招标投标法 46)."""

from __future__ import annotations

from typing import Any

from jianguan.projects import facts as project_facts


def batch_facts(projects: list) -> dict[int, dict[str, Any]]:
    from jianguan.contracts.models import Contract
    from jianguan.contracts.workflow import IN_FORCE

    signed = set(
        Contract.objects.filter(
            project_id__in=[p.pk for p in projects], kind="main", status__in=IN_FORCE
        ).values_list("project_id", flat=True)
    )
    # only ever adds "signed": a contract number typed into the register still counts
    return {
        p.pk: ({"construction_contract_signed": True} if p.pk in signed else {}) for p in projects
    }


def single_facts(project) -> dict[str, Any]:
    return batch_facts([project])[project.pk]


def register_all() -> None:
    project_facts.register_provider(single_facts, batch=batch_facts)
