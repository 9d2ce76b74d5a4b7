from django.core.management.base import BaseCommand, CommandError

from jianguan.accounts.models import User
from jianguan.accounts.services import api_token_create
from jianguan.core.actor import SYSTEM


class Command(BaseCommand):
    help = "为用户创建 API 令牌并打印（令牌只显示这一次，库中仅存摘要）"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="命令行创建")

    def handle(self, *args, username, name, **opts):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户不存在：{username}")
        _, secret = api_token_create(actor=SYSTEM, user=user, name=name)
        self.stdout.write(secret)
