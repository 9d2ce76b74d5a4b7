"""Load the Daxing demo district (idempotent). Later issues add their own demo data here."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from jianguan.accounts import demo as accounts_demo
from jianguan.accounts.models import Organisation
from jianguan.ledger.keys import ensure_key
from jianguan.ledger.services import tree_head_sign
from jianguan.projects import demo as projects_demo
from jianguan.registry import demo as registry_demo
from jianguan.rules.services import rules_sync_from_data

SEEDERS = [
    ("accounts", accounts_demo.seed),
    ("registry", registry_demo.seed),
    ("projects", projects_demo.seed),
    ("compliance", __import__("jianguan.compliance.demo", fromlist=["seed"]).seed),
    ("experts", __import__("jianguan.experts.demo", fromlist=["seed"]).seed),
    ("tendering", __import__("jianguan.tendering.demo", fromlist=["seed"]).seed),
    ("committees", __import__("jianguan.experts.demo", fromlist=["seed"]).seed_committees),
    ("contracts", __import__("jianguan.contracts.demo", fromlist=["seed"]).seed),
]


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
            for name, seeder in SEEDERS:
                with transaction.atomic():
                    result = seeder()
                self.stdout.write(f"演示数据 [{name}]：{result}")
        tree_head_sign()
        self.stdout.write(
            "演示账号："
            + "、".join(accounts_demo.DEMO_LOGINS)
            + f"；密码：{settings.DEMO_PASSWORD}"
        )
