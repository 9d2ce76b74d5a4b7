from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "jianguan.compliance"
    label = "compliance"
    verbose_name = "检查整改与风险管控"

    def ready(self) -> None:
        from jianguan.compliance import facts, permissions  # noqa: F401  (registers grants)

        facts.register_all()

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
        from jianguan.ledger import labels

        labels.register(
            {
                "compliance.risk_assessed": "填报风险评估",
                "compliance.emergency_plan_filed": "备案应急预案及责任人",
                "compliance.inspection_created": "开展监督检查",
                "compliance.finding_raised": "下达整改通知单",
                "compliance.order_answered": "回复整改通知单",
                "compliance.order_reinspected": "整改复查",
            }
        )
