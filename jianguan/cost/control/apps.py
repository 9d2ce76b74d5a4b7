from django.apps import AppConfig


class CostControlConfig(AppConfig):
    name = "jianguan.cost.control"
    label = "cost_control"
    verbose_name = "投资控制与跟踪审计"

    def ready(self) -> None:
        # Grants, ledger words, to-do items, navigation, warnings and the demo seeder.
        from jianguan.cost.control import setup

        setup.register_all()
