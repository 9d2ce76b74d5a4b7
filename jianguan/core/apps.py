from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jianguan.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from jianguan.core import periodic
        from jianguan.core.ratelimit import counters_sweep

        periodic.register("core.rate_counters_sweep", 300, counters_sweep)
