"""`manage.py hj212_server`: the HJ 212 TCP listener for site dust/noise monitors."""

from django.conf import settings
from django.core.management.base import BaseCommand

from jianguan.smartsite.monitors import tcp


class Command(BaseCommand):
    help = "HJ 212 监测设备 TCP 接入服务（端口默认取 HJ212_PORT，9212）"
    # Devices wait to resend while it starts (after a crash or a deploy): the system checks
    # cost ~3 s of that and `manage.py serve` has run them once already.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default=getattr(settings, "HJ212_HOST", "0.0.0.0"))
        parser.add_argument("--port", type=int, default=getattr(settings, "HJ212_PORT", 9212))
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--flush-interval", type=float, default=0.2)
        parser.add_argument("--idle-timeout", type=float, default=600.0)

    def handle(self, *args, **options):
        self.stdout.write(f"HJ 212 接入服务监听 {options['host']}:{options['port']}")
        tcp.run(
            host=options["host"],
            port=options["port"],
            batch_size=options["batch_size"],
            flush_interval=options["flush_interval"],
            idle_timeout=options["idle_timeout"],
        )
