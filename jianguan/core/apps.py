from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jianguan.core"
    label = "core"
    verbose_name = "核心"
