from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "jianguan.web"
    label = "web"
    verbose_name = "门户"

    def ready(self) -> None:
        from jianguan.web import nav  # noqa: F401  (registers the core menu)
