from django.apps import AppConfig


class SmartsiteConfig(AppConfig):
    name = "jianguan.smartsite"
    label = "smartsite"
    verbose_name = "智慧工地"

    def ready(self) -> None:
        # Each sub-domain registers its navigation, to-do providers, grants and seeders here.
        from jianguan.smartsite.workers import setup as workers_setup

        workers_setup.register_all()
        from jianguan.smartsite.monitors import setup as monitors_setup

        monitors_setup.register_all()
        from jianguan.smartsite.images import setup as images_setup

        images_setup.register_all()
        from jianguan.smartsite.alerts import setup as alerts_setup

        alerts_setup.register_all()
        from jianguan.smartsite.wages import setup as wages_setup

        wages_setup.register_all()
