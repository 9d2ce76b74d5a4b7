from django.apps import AppConfig


class CollabTasksConfig(AppConfig):
    name = "jianguan.collab.tasks"
    label = "collab_tasks"
    verbose_name = "任务与会议"

    def ready(self) -> None:
        # Grants, ledger words, to-do items, navigation, warnings and the demo seeder.
        from jianguan.collab.tasks import setup

        setup.register_all()
