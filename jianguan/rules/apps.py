from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "jianguan.rules"
    label = "rules"
    verbose_name = "规则库"
