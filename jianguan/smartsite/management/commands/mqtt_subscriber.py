"""`manage.py mqtt_subscriber`: readings of site monitors from the MQTT broker."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from jianguan.smartsite.monitors import mqtt


class Command(BaseCommand):
    help = "订阅 MQTT 监测数据（主题 jianguan/site/<项目编号>/device/<MN>/reading）"
    # Devices wait to resend while it starts (after a crash or a deploy): the system checks
    # cost ~3 s of that and `manage.py serve` has run them once already.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default=getattr(settings, "MQTT_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=getattr(settings, "MQTT_PORT", 1883))
        parser.add_argument("--client-id", default="jianguan-ingest")
        parser.add_argument("--prefix", default=mqtt.TOPIC_PREFIX)

    def handle(self, *args, **options):
        subscriber = mqtt.Subscriber(
            host=options["host"],
            port=options["port"],
            username=getattr(settings, "MQTT_USERNAME", ""),
            password=getattr(settings, "MQTT_PASSWORD", ""),
            client_id=options["client_id"],
            prefix=options["prefix"],
        )
        done = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: done.set())
        subscriber.start()
        self.stdout.write(
            f"订阅 {mqtt.topic_filter(options['prefix'])} @ {options['host']}:{options['port']}"
            "（代理不可达时自动重试）"
        )
        done.wait()
        subscriber.stop()
