from django.apps import AppConfig


class CostSettlementConfig(AppConfig):
    name = "jianguan.cost.settlement"
    label = "cost_settlement"
    verbose_name = "竣工结算"

    def ready(self) -> None:
        # Grants, ledger words, to-do items, navigation, warnings and the demo seeder.
        from jianguan.cost.settlement import setup

        setup.register_all()
