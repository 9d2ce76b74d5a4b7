"""Start the production server (granian, WSGI) and, kept running beside it, one task worker,
the chronograph, the HJ 212 listener and the MQTT subscriber (``jianguan.web.supervise``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from jianguan.web.supervise import Supervisor


class Command(BaseCommand):
    help = "启动平台：granian 生产级服务器 + 任务进程 + 周期任务 + HJ 212 监听 + MQTT 订阅"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))

    def handle(self, *args, host, port, workers, **opts):
        from jianguan.accounts.demo import DEMO_LOGINS

        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        self.stdout.write(self.style.SUCCESS(f"建管云已启动：http://{shown}:{port}/"))
        self.stdout.write(f"数据目录：{settings.DATA_DIR}")
        self.stdout.write("演示账号：" + "、".join(DEMO_LOGINS))
        self.stdout.write(f"演示密码：{settings.DEMO_PASSWORD}")
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        helpers = Supervisor(
            [
                ("任务进程", [*manage, "db_worker"]),
                ("周期任务", [*manage, "chronograph"]),
                ("HJ 212 监听", [*manage, "hj212_server"]),
                ("MQTT 订阅", [*manage, "mqtt_subscriber"]),
            ],
            say=self.stdout.write,
        )
        helpers.start()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "granian",
                "--interface",
                "wsgi",
                "--host",
                host,
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--blocking-threads",
                "4",
                "config.wsgi:application",
            ]
        )

        def stop(*_):
            helpers.stopping = True
            if server.poll() is None:
                server.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while server.poll() is None:
                helpers.tick()
                time.sleep(1)
        finally:
            stop()
            helpers.stop()
        sys.exit(server.wait())
