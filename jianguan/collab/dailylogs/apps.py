from django.apps import AppConfig


class CollabDailylogsConfig(AppConfig):
    name = "jianguan.collab.dailylogs"
    label = "collab_dailylogs"
    verbose_name = "施工日志与监理日志"

    def ready(self) -> None:
        # Grants, ledger words, to-do items, navigation, warnings and the demo seeder.
        from jianguan.collab.dailylogs import setup

        setup.register_all()
