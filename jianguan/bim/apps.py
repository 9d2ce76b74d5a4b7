from django.apps import AppConfig


class BimConfig(AppConfig):
    name = "jianguan.bim"
    label = "bim"
    verbose_name = "BIM 模型"

    def ready(self) -> None:
        # Grants, ledger words and visibility, to-do items, warnings, the claim check and the
        # demo seeder: registered, never imported from below.
        from jianguan.bim import setup

        setup.register_all()
