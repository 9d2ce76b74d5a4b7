"""The one periodic command: runs registered jobs (signing tree heads, later deadlines)."""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from jianguan.core import periodic

log = logging.getLogger("jianguan.chronograph")


class Command(BaseCommand):
    help = "运行周期任务（签发存证树头、到期检查等）；--once 运行一次后退出"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--tick", type=float, default=5.0)

    def handle(self, *args, once=False, tick=5.0, **opts):
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for job in periodic.jobs():
                if once or now - last_run.get(job.name, -1e12) >= job.every_seconds:
                    close_old_connections()
                    try:
                        result = job.run()
                        if once:
                            self.stdout.write(f"{job.name}: {result}")
                    except Exception:  # one failing job must not stop the others
                        log.exception("periodic job %s failed", job.name)
                    last_run[job.name] = now
            if once:
                return
            time.sleep(tick)
