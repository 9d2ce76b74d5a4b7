from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "jianguan.compliance"
    label = "compliance"
    verbose_name = "检查整改与风险管控"

    def ready(self) -> None:
        from jianguan.compliance import search

        search.register_all()

        from jianguan.core.demo import register_seeder

        register_seeder("compliance", "jianguan.compliance.demo:seed", order=40)

        from jianguan.compliance import actions, facts, permissions  # noqa: F401  (grants)

        facts.register_all()
        actions.register_all()  # 发起检查 on the project page

        from jianguan.compliance import todo

        todo.register_all()

        from jianguan.compliance import panels

        panels.register_all()

        from jianguan.web.nav import NavItem, register

        register(
            NavItem(
                "compliance",
                "检查整改",
                "compliance:index",
                "ti-clipboard-check",
                "compliance.view",
                25,
            )
        )
        register(
            NavItem("credit", "信用评价", "compliance:credit", "ti-star", "compliance.view", 27)
        )
        from jianguan.ledger import labels

        labels.register(
            {
                "compliance.risk_assessed": "填报风险评估",
                "compliance.emergency_plan_filed": "备案应急预案及责任人",
                "compliance.inspection_created": "开展监督检查",
                "compliance.finding_raised": "下达整改通知单",
                "compliance.order_answered": "回复整改通知单",
                "compliance.order_reinspected": "整改复查",
                "compliance.sanction_issued": "作出红黄牌、黑名单或政府采购禁入决定",
                "compliance.appeal_submitted": "提出申诉",
                "compliance.appeal_reviewed": "复核申诉",
                "compliance.sanction_repaired": "信用修复",
                "compliance.credit_recorded": "记入信用记录",
                "compliance.credit_record_ended": "信用记录终止计分",
                "compliance.credit_published": "发布当日信用分",
            }
        )
        from jianguan.compliance.selectors import sanction_reasons
        from jianguan.registry import hooks

        hooks.register_sanction_provider(sanction_reasons)
        from jianguan.compliance.selectors_credit import credit_score_provider

        hooks.register_credit_score_provider(credit_score_provider)
        from jianguan.compliance.services.credit_publish import credit_daily
        from jianguan.core import periodic

        periodic.register("compliance.credit_daily", 600, credit_daily)
