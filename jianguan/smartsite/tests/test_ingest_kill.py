"""Kill -9 the HJ 212 listener mid-stream and restart it: no acknowledged reading is lost and
no reading is stored twice (issue 17, "readings acknowledged by the protocol are durable").

The listener runs as its own process (``manage.py hj212_server``) against the test database;
two monitors upload real-time data (CN=2011, Flag asks for an answer), keep a window of
frames unanswered, and after the restart reconnect and resend every frame not answered, as
HJ 212 devices do. An answer only after commit means every answered reading survives the
kill; the (device, period, time) constraint means every resent one is stored once.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from jianguan.smartsite import hj212
from jianguan.smartsite.monitors.models import Reading
from jianguan.smartsite.monitors.readings import parse_time
from jianguan.smartsite.tests.monitors_helpers import MN1, MN2, build_monitors

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
FRAMES = 200  # per device
WINDOW = 20  # frames a device sends before it waits for answers
KILL_AFTER = 120  # answers received (both devices) before the kill
DEADLINE = 60.0  # seconds for the whole stream, restart included (a cap: a busy machine)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Database:
    """The test database as the listener process reaches it.

    PostgreSQL: the test database by name (committed rows are visible both ways). SQLite:
    the test database lives in this process's memory, so it is copied to a file for the
    listener before it starts and copied back once the listener is gone."""

    def __init__(self, tmp: Path) -> None:
        self.file = None
        s = connection.settings_dict
        if connection.vendor == "sqlite":
            name = str(s["NAME"])
            self.file = tmp / "ingest.sqlite3" if connection.is_in_memory_db() else Path(name)
            self.url = f"sqlite:///{self.file}"
        else:
            auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
            self.url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
            self.url += f"/{s['NAME']}"

    def hand_over(self) -> None:
        if self.file is not None and connection.is_in_memory_db():
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            try:
                connection.connection.backup(target)
            finally:
                target.close()

    def take_back(self) -> None:
        if self.file is not None and connection.is_in_memory_db():
            source = sqlite3.connect(self.file)
            try:
                source.backup(connection.connection)
            finally:
                source.close()


@pytest.fixture
def listener(tmp_path):
    """start() runs the listener process on one port; kill() sends it SIGKILL. Every
    process started is killed in teardown, whatever the test did."""
    port = _free_port()
    procs: list[subprocess.Popen] = []
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path),
        "LEDGER_SIGNING_KEY": str(settings.LEDGER_SIGNING_KEY),
        "TESTING": "1",
        "LOG_LEVEL": "ERROR",
    }
    db = Database(tmp_path)
    env["DATABASE_URL"] = db.url

    def start() -> None:
        cmd = [sys.executable, "manage.py", "hj212_server", "--host", "127.0.0.1"]
        cmd += ["--port", str(port), "--batch-size", "50", "--flush-interval", "0.05"]
        log = tmp_path / f"listener-{len(procs)}.log"
        with open(log, "wb") as out:
            procs.append(
                subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
            )
        end = time.monotonic() + 20
        while time.monotonic() < end:
            assert procs[-1].poll() is None, log.read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        pytest.fail("the listener did not open its port within 20 s")

    def kill() -> None:
        procs[-1].send_signal(signal.SIGKILL)
        procs[-1].wait(10)

    yield {"port": port, "db": db, "start": start, "kill": kill}
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


class Device:
    """A monitor: sends its frames with up to WINDOW unanswered; on a broken connection it
    reconnects and resends, in order, every frame not answered yet."""

    def __init__(self, mn: str, port: int, pw: str, values: dict, first_second: int) -> None:
        self.mn, self.port = mn, port
        self.frames = {}
        for n in range(FRAMES):
            qn = f"20261123{first_second + n:09d}"
            cp = {"DataTime": _datatime(first_second + n), **values}
            frame = hj212.build_frame(qn=qn, st="39", cn="2011", pw=pw, mn=mn, flag=5, cp=cp)
            self.frames[qn] = frame.encode()
        self.acked: set[str] = set()
        self.sends = 0
        self.reconnects = 0
        self.error = ""

    def run(self, deadline: float) -> None:
        try:
            while len(self.acked) < FRAMES and time.monotonic() < deadline:
                try:
                    self._session(deadline)
                except OSError:
                    self.reconnects += 1
                    time.sleep(0.05)
        except Exception as exc:  # reported by the test, not lost in a thread
            self.error = repr(exc)

    def _session(self, deadline: float) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        try:
            todo = [qn for qn in self.frames if qn not in self.acked]
            in_flight: set[str] = set()
            buffer = b""
            while (todo or in_flight) and time.monotonic() < deadline:
                while todo and len(in_flight) < WINDOW:
                    qn = todo.pop(0)
                    sock.sendall(self.frames[qn])
                    in_flight.add(qn)
                    self.sends += 1
                data = sock.recv(65536)
                if not data:
                    raise ConnectionResetError("listener closed the connection")
                buffer += data
                *lines, buffer = buffer.split(b"\r\n")
                for line in lines:
                    answer = hj212.parse(line.decode("ascii"))
                    assert answer["cn"] == "9014" and answer["mn"] == self.mn, line
                    in_flight.discard(answer["qn"])
                    self.acked.add(answer["qn"])
        finally:
            sock.close()


def _datatime(second: int) -> str:
    hours, rest = divmod(second, 3600)
    return f"202611{23 + hours // 24:02d}{hours % 24:02d}{rest // 60:02d}{rest % 60:02d}"


def _time_of(frame: bytes):
    return parse_time(str(hj212.parse(frame.decode())["cp"]["DataTime"]))


def test_kill_and_restart_loses_nothing_acknowledged_and_stores_each_reading_once(listener):
    site = build_monitors()
    listener["db"].hand_over()
    listener["start"]()
    devices = [
        Device(MN1, listener["port"], "123456", {"LA-Rtd": Decimal("50.1")}, 3600),
        Device(MN2, listener["port"], "", {"a34002-Rtd": Decimal("0.04")}, 7200),
    ]
    deadline = time.monotonic() + DEADLINE
    threads = [threading.Thread(target=d.run, args=(deadline,), daemon=True) for d in devices]
    for thread in threads:
        thread.start()
    while sum(len(d.acked) for d in devices) < KILL_AFTER and time.monotonic() < deadline:
        time.sleep(0.005)
    listener["kill"]()
    acked_before_kill = {(d.mn, qn) for d in devices for qn in set(d.acked)}
    sent_before_kill = sum(d.sends for d in devices)
    time.sleep(0.3)  # devices find the connection gone and retry against a closed port
    listener["start"]()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + 5)
    listener["kill"]()  # once answered a reading is durable: no graceful stop needed
    listener["db"].take_back()

    assert [d.error for d in devices] == ["", ""]
    assert KILL_AFTER <= len(acked_before_kill) < 2 * FRAMES, "the kill came mid-stream"
    assert sent_before_kill > len(acked_before_kill), "frames were in flight at the kill"
    assert all(d.reconnects >= 1 for d in devices)
    assert all(len(d.acked) == FRAMES for d in devices), "every frame answered after restart"
    assert sum(d.sends for d in devices) > 2 * FRAMES, "unanswered frames were resent"
    for device, model in zip(devices, (site["d1"], site["d2"]), strict=True):
        stored = list(Reading.objects.filter(device=model).values_list("time", flat=True))
        acked = {qn for mn, qn in acked_before_kill if mn == device.mn}
        lost = {_time_of(device.frames[qn]) for qn in acked} - set(stored)
        assert not lost, "answered before the kill, gone after it"
        assert len(stored) == len(set(stored)), "no reading stored twice"
        assert set(stored) == {_time_of(f) for f in device.frames.values()}, "all sent stored"
