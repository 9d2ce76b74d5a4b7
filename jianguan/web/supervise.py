"""Keep the platform's helper processes running beside the web server (``manage.py serve``):
the task worker, the chronograph, the HJ 212 listener and the MQTT subscriber. One that exits
is started again after a pause that doubles up to a minute (a listener whose port is taken must
not spin), and a process that ran a good while starts over at the shortest pause. No Django:
plain subprocesses, so a crash of any of them never takes the others down."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 60.0
HEALTHY_AFTER = 60.0  # seconds up after which a crash counts as a new first failure


@dataclass
class Child:
    name: str
    argv: Sequence[str]
    proc: subprocess.Popen | None = None
    started: float = 0.0
    pause: float = FIRST_PAUSE
    restart_at: float | None = None
    restarts: int = 0
    log: list[str] = field(default_factory=list)


class Supervisor:
    def __init__(
        self,
        children: Sequence[tuple[str, Sequence[str]]],
        *,
        spawn: Callable[[Sequence[str]], subprocess.Popen] = subprocess.Popen,
        clock: Callable[[], float] = time.monotonic,
        say: Callable[[str], None] = print,
    ) -> None:
        self.children = [Child(name, list(argv)) for name, argv in children]
        self.spawn, self.clock, self.say = spawn, clock, say
        self.stopping = False

    def start(self) -> None:
        for child in self.children:
            self._start(child)

    def _start(self, child: Child) -> None:
        child.proc = self.spawn(child.argv)
        child.started = self.clock()
        child.restart_at = None

    def tick(self) -> None:
        """Look at every child once: schedule a restart for the dead, start the due ones."""
        if self.stopping:
            return
        now = self.clock()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    self._start(child)
                continue
            code = child.proc.poll() if child.proc is not None else 0
            if code is None:
                continue
            if now - child.started >= HEALTHY_AFTER:
                child.pause = FIRST_PAUSE
            child.restart_at = now + child.pause
            self.say(f"{child.name} 已退出（代码 {code}），{child.pause:.0f} 秒后重启")
            child.pause = min(child.pause * 2, LONGEST_PAUSE)

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping = True
        running = [c.proc for c in self.children if c.proc is not None and c.proc.poll() is None]
        for proc in running:
            proc.terminate()
        for proc in running:
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
