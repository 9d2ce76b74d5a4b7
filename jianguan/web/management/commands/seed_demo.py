"""Load the Daxing demo district (idempotent).

Each app registers its demo seeder, with its place in the timeline (jianguan.core.demo), in its
AppConfig.ready(); this command runs them in that order, each in its own transaction.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from jianguan.accounts import demo as accounts_demo
from jianguan.accounts.models import Organisation
from jianguan.core.demo import seeders
from jianguan.ledger.keys import ensure_key
from jianguan.ledger.services import tree_head_sign
from jianguan.rules.services import rules_sync_from_data


class Command(BaseCommand):
    help = "载入大兴区演示数据（幂等；--if-empty 仅在数据库为空时载入）"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true")

    def handle(self, *args, if_empty=False, **opts):
        ensure_key()
        rules = rules_sync_from_data()
        if rules["created"] or rules["updated"]:
            self.stdout.write(f"规则数据：新增 {rules['created']}，更新 {rules['updated']}")
        if if_empty and Organisation.objects.exists():
            self.stdout.write("数据库已有数据，跳过演示数据载入")
        else:
            for seeder in seeders():
                with transaction.atomic():
                    result = seeder.run()
                self.stdout.write(f"演示数据 [{seeder.name}]：{result}")
        tree_head_sign()
        self.stdout.write(
            "演示账号："
            + "、".join(accounts_demo.DEMO_LOGINS)
            + f"；密码：{settings.DEMO_PASSWORD}"
        )
