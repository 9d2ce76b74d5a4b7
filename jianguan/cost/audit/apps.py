from django.apps import AppConfig


class CostAuditConfig(AppConfig):
    name = "jianguan.cost.audit"
    label = "cost_audit"
    verbose_name = "结算审计"

    def ready(self) -> None:
        # Grants, ledger words, to-do items, navigation, warnings and the demo seeder.
        from jianguan.cost.audit import setup

        setup.register_all()
