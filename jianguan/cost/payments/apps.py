from django.apps import AppConfig


class CostPaymentsConfig(AppConfig):
    name = "jianguan.cost.payments"
    label = "cost_payments"
    verbose_name = "预付款与质量保证金"

    def ready(self) -> None:
        # Grants, ledger words, to-do items, navigation, warnings and the demo seeder.
        from jianguan.cost.payments import setup

        setup.register_all()
