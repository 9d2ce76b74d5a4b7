from django.core.management.base import BaseCommand

from jianguan.ledger.services import tree_head_sign


class Command(BaseCommand):
    help = "签发当前存证日志的树头（Ed25519 或 SM2）"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="即使日志未增长也重新签发")

    def handle(self, *args, force=False, **opts):
        head = tree_head_sign(force=force)
        self.stdout.write(
            f"tree_size={head.tree_size} root={head.root_hash} key={head.key_id} "
            f"time={head.timestamp}"
        )
