from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "jianguan.rules"
    label = "rules"
    verbose_name = "规则库"

    def ready(self) -> None:
        from jianguan.ledger import labels

        labels.register(
            {
                "rule.loaded": "载入规则",
                "rule.reloaded": "更新规则数据",
                "rule.overridden": "设定区级规则",
                "rule.closed": "规则版本失效",
                "calendar.override_set": "调整工作日历",
            }
        )
