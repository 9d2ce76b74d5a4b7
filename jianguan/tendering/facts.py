"""What tendering tells the project register: overdue award clocks become warnings."""

from __future__ import annotations

from typing import Any

from jianguan.projects import facts as project_facts
from jianguan.projects import warnings as warning_rules


def batch_facts(projects: list) -> dict[int, dict[str, Any]]:
    from jianguan.tendering.models import Award

    out: dict[int, dict[str, Any]] = {p.pk: {"awards": []} for p in projects}
    for award in Award.objects.filter(tender__project_id__in=list(out)).select_related(
        "tender", "supplier"
    ):
        out[award.tender.project_id]["awards"].append(
            {
                "tender": award.tender.code,
                "supplier": award.supplier.name,
                "contracted": award.tender.status == "contracted",
                "contract_due": award.contract_due,
                "report_due": award.report_due,
                "report_filed": award.report_filed_at is not None,
            }
        )
    return out


def single_facts(project) -> dict[str, Any]:
    return batch_facts([project])[project.pk]


def check_contract_overdue(facts, today, thresholds):
    late = [
        a for a in facts.get("awards") or () if not a["contracted"] and today > a["contract_due"]
    ]
    if not late:
        return None
    a = late[0]
    return warning_rules.ORANGE, (
        f"招标项目 {a['tender']} 已于 {a['contract_due']:%Y-%m-%d} 届满合同签订期限，"
        f"仍未与中标人{a['supplier']}订立书面合同"
    )


def check_report_overdue(facts, today, thresholds):
    late = [
        a for a in facts.get("awards") or () if not a["report_filed"] and today > a["report_due"]
    ]
    if not late:
        return None
    a = late[0]
    return warning_rules.YELLOW, (
        f"招标项目 {a['tender']} 应于 {a['report_due']:%Y-%m-%d} 前提交招标投标情况书面报告，尚未提交"
    )


def register_all() -> None:
    project_facts.register_provider(single_facts, batch=batch_facts)
    warning_rules.register_rule(
        warning_rules.WarningRule(
            "award_contract_overdue",
            "中标后逾期未签订合同",
            check_contract_overdue,
            (),
            "《中华人民共和国招标投标法》第四十六条",
        )
    )
    warning_rules.register_rule(
        warning_rules.WarningRule(
            "award_report_overdue",
            "逾期未提交招标投标书面报告",
            check_report_overdue,
            (),
            "《中华人民共和国招标投标法》第四十七条",
        )
    )
