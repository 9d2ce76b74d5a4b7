from django.apps import AppConfig


class CollabRfisConfig(AppConfig):
    name = "jianguan.collab.rfis"
    label = "collab_rfis"
    verbose_name = "工作联系单与报审"

    def ready(self) -> None:
        # Grants, ledger words, to-do items, navigation, warnings and the demo seeder.
        from jianguan.collab.rfis import setup

        setup.register_all()
