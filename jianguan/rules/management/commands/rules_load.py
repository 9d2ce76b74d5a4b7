from django.core.management.base import BaseCommand

from jianguan.rules.services import rules_sync_from_data


class Command(BaseCommand):
    help = "从 jianguan/rules/data/*.json 载入规则数据（幂等）"

    def handle(self, *args, **opts):
        result = rules_sync_from_data()
        self.stdout.write(
            f"规则：新增 {result['created']}，更新 {result['updated']}，共 {result['total']}"
        )
