"""The helper processes beside the web server come back after a crash, with a growing pause."""

from __future__ import annotations

import subprocess
import sys

from jianguan.web.supervise import FIRST_PAUSE, HEALTHY_AFTER, LONGEST_PAUSE, Supervisor


class FakeProc:
    def __init__(self, argv):
        self.argv, self.code, self.terminated = argv, None, False

    def poll(self):
        return self.code

    def terminate(self):
        self.terminated, self.code = True, -15

    def wait(self, timeout=None):
        return self.code

    def kill(self):
        self.code = -9


def test_a_crashed_child_restarts_after_a_doubling_pause():
    now = [0.0]
    spawned, said = [], []

    def spawn(argv):
        spawned.append(FakeProc(argv))
        return spawned[-1]

    sup = Supervisor(
        [("listener", ["hj212"]), ("worker", ["db_worker"])],
        spawn=spawn,
        clock=lambda: now[0],
        say=said.append,
    )
    sup.start()
    assert len(spawned) == 2
    pauses = []
    for _ in range(8):
        listener = next(c for c in sup.children if c.name == "listener")
        listener.proc.code = 1
        sup.tick()
        pauses.append(listener.restart_at - now[0])
        now[0] = listener.restart_at
        sup.tick()
        assert listener.proc.code is None  # started again
    assert pauses[:3] == [FIRST_PAUSE, 2 * FIRST_PAUSE, 4 * FIRST_PAUSE]
    assert max(pauses) == LONGEST_PAUSE
    assert "listener 已退出（代码 1）" in said[0]
    # the worker never died and was never restarted
    assert next(c for c in sup.children if c.name == "worker").restarts == 0


def test_a_long_healthy_run_resets_the_pause_and_stop_ends_everything():
    now = [0.0]
    procs = []
    sup = Supervisor(
        [("mqtt", ["mqtt"])],
        spawn=lambda a: procs.append(FakeProc(a)) or procs[-1],
        clock=lambda: now[0],
        say=lambda m: None,
    )
    sup.start()
    child = sup.children[0]
    child.pause = LONGEST_PAUSE
    now[0] = HEALTHY_AFTER + 1
    child.proc.code = 2
    sup.tick()
    assert child.restart_at == now[0] + FIRST_PAUSE
    now[0] = child.restart_at
    sup.tick()
    sup.stop()
    assert procs[-1].terminated and sup.stopping
    sup.tick()  # stopping: nothing restarts
    assert len(procs) == 2


def test_real_processes():
    sup = Supervisor(
        [("quick", [sys.executable, "-c", "import sys; sys.exit(3)"])], say=lambda m: None
    )
    sup.start()
    assert sup.children[0].proc.wait(timeout=30) == 3
    sup.tick()
    assert sup.children[0].restart_at is not None
    sup.stop()
    assert isinstance(sup.children[0].proc, subprocess.Popen)
