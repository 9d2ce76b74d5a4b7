from django.apps import AppConfig


class HazardConfig(AppConfig):
    name = "jianguan.hazard"
    label = "hazard"
    verbose_name = "隐患识别"

    def ready(self) -> None:
        # Grants, ledger words and visibility, to-do items, the dashboard panel, navigation,
        # the upload hook and the demo seeder: registered, never imported from below.
        from jianguan.hazard import setup

        setup.register_all()
