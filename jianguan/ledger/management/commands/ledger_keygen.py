from django.core.management.base import BaseCommand

from jianguan.ledger import keys


class Command(BaseCommand):
    help = "创建（或轮换）存证树头签名密钥；私钥保存在数据库之外的文件中"

    def add_arguments(self, parser):
        parser.add_argument("--rotate", action="store_true", help="轮换：旧公钥保留以便核验旧树头")
        parser.add_argument("--sig-alg", choices=["ed25519", "sm2"], default=None)

    def handle(self, *args, rotate=False, sig_alg=None, **opts):
        if rotate:
            key = keys.rotate(sig_alg)
            self.stdout.write(f"已轮换签名密钥：{key.key_id} ({key.sig_alg})")
            return
        path, created = keys.ensure_key(sig_alg)
        self.stdout.write(("已创建" if created else "已存在") + f"签名私钥：{path}")
