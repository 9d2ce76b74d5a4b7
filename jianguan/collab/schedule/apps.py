from django.apps import AppConfig


class CollabScheduleConfig(AppConfig):
    name = "jianguan.collab.schedule"
    label = "collab_schedule"
    verbose_name = "进度计划"

    def ready(self) -> None:
        # Grants, ledger words, to-do items, navigation, warnings and the demo seeder.
        from jianguan.collab.schedule import setup

        setup.register_all()
