"""The HJ 212 listener as its own process, for the two figures a thread cannot give:
``ingest.kill`` (kill -9 mid-stream, restart, devices resend: nothing answered is lost,
nothing is stored twice) and ``ingest.soak`` (the listener's memory under steady load).

Run from the child of ``bench/ingest.py`` (Django set up, devices registered). The listener
is ``manage.py hj212_server`` with its production defaults on a free port of 127.0.0.1; the
devices are asyncio TCP clients in a separate process (no Django), every loop bounded by a
deadline. Frame ``n`` of a device carries DataTime ``BASE + first_second + n`` seconds, so a
stored reading's time says which frame it was.
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import multiprocessing
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from bench._http import emit, free_port

ROOT = Path(__file__).resolve().parents[1]
BASE = dt.datetime(2026, 11, 23, tzinfo=ZoneInfo("Asia/Shanghai"))  # HJ 212 sends China time
KILL_FIRST_SECOND = 800_000  # past the hj212 (200,000), MQTT (400,000) and HTTP (600,000) runs
SOAK_FIRST_SECOND = 1_000_000
SAMPLE_EVERY = 10.0  # seconds between RSS samples
FLAT_GROWTH = 0.05  # "flat": under 5 % growth after the warm-up
_QN = re.compile(rb"QN=(\d+)")


# --- the listener process ----------------------------------------------------------------


class Listener:
    """``manage.py hj212_server`` on one port; started again on the same port after a kill."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.log_dir = log_dir
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 60.0) -> float:
        """Start it and return the monotonic time its port accepted a connection."""
        cmd = [sys.executable, "manage.py", "hj212_server", "--host", "127.0.0.1"]
        cmd += ["--port", str(self.port), "--idle-timeout", "120"]
        with open(self.log_dir / f"hj212-{self.starts}.log", "wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        self.starts += 1
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return time.monotonic()
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"hj212_server did not open port {self.port} (rc={self.proc.poll()})")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(30)

    def rss_mb(self) -> float:
        assert self.proc is not None
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0


# --- devices (a separate process: no Django) -------------------------------------------


def _frame(mn: str, first_second: int, n: int) -> bytes:
    from jianguan.smartsite import hj212

    second = first_second + n
    return hj212.build_frame(
        qn=f"{n:017d}",
        st="39",
        cn="2011",
        pw="123456",
        mn=mn,
        flag=5,  # 2017 edition, answer wanted
        cp={
            "DataTime": (BASE + dt.timedelta(seconds=second)).strftime("%Y%m%d%H%M%S"),
            "a34002-Rtd": Decimal("48.2"),
            "LA-Rtd": Decimal("50.0"),
        },
    ).encode()


class _Device:
    """Sends frames 0, 1, 2… with at most ``window`` unanswered, one per ``period`` seconds
    (None: as fast as answers come); after a lost connection it reconnects and resends, in
    order, every frame not answered, as HJ 212 devices do."""

    def __init__(self, port: int, mn: str, first_second: int, window: int, period) -> None:
        self.port, self.mn, self.first = port, mn, first_second
        self.window, self.period = window, period
        self.next_n = 0
        self.answered: dict[int, float] = {}  # frame -> when its answer arrived
        self.sends = self.reconnects = 0

    async def run(self, stop: float, give_up: float) -> None:
        due = time.monotonic() + (self.period or 0) * random.random()
        while time.monotonic() < give_up:
            if time.monotonic() >= stop and len(self.answered) >= self.next_n:
                return
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                self.reconnects += 1
                await asyncio.sleep(0.2 + 0.3 * random.random())
                continue
            try:
                due = await self._session(reader, writer, stop, give_up, due)
            except (ConnectionError, OSError):
                self.reconnects += 1
            finally:
                writer.close()

    async def _session(self, reader, writer, stop: float, give_up: float, due: float) -> float:
        resend = [n for n in range(self.next_n) if n not in self.answered]
        in_flight: set[int] = set()
        buffer = b""
        while time.monotonic() < give_up:
            now = time.monotonic()
            while len(in_flight) < self.window and (resend or (now < stop and now >= due)):
                if resend:
                    n = resend.pop(0)
                else:
                    n, self.next_n = self.next_n, self.next_n + 1
                    due += self.period or 0
                writer.write(_frame(self.mn, self.first, n))
                in_flight.add(n)
                self.sends += 1
            if now >= stop and not in_flight:
                return due
            # A paced device wakes for its next frame; otherwise only an answer moves it on.
            paced = self.period is not None and now < stop and len(in_flight) < self.window
            wait = min(5.0, max(0.001, due - now)) if paced else 5.0
            try:
                data = await asyncio.wait_for(reader.read(65536), wait)
            except TimeoutError:
                continue
            if not data:
                raise ConnectionResetError("listener gone")
            buffer += data
            *lines, buffer = buffer.split(b"\r\n")
            for line in lines:
                match = _QN.search(line)
                if match:
                    n = int(match.group(1))
                    in_flight.discard(n)
                    self.answered.setdefault(n, time.monotonic())
        return due


def _devices_process(port, mns, first_second, window, period, seconds, drain, out) -> None:
    async def main() -> list[_Device]:
        start = time.monotonic()
        devices = [_Device(port, mn, first_second, window, period) for mn in mns]
        runs = [d.run(start + seconds, start + seconds + drain) for d in devices]
        results = await asyncio.gather(*runs, return_exceptions=True)
        errors = [repr(r) for r in results if isinstance(r, BaseException)]
        out.put({"errors": len(errors), "first_error": errors[0] if errors else ""})
        return devices

    devices = asyncio.run(main())
    out.put(
        [
            {
                "mn": d.mn,
                "sent": d.next_n,
                "answered": d.answered,
                "sends": d.sends,
                "reconnects": d.reconnects,
            }
            for d in devices
        ]
    )


def _start_devices(port, mns, first_second, window, period, seconds, drain):
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    args = (port, list(mns), first_second, window, period, seconds, drain, out)
    proc = ctx.Process(target=_devices_process, args=args)
    proc.start()
    return proc, out


def _stored(mns, first_second: int, last_second: int) -> tuple[dict[str, set[int]], int]:
    """Frame numbers stored per device, and how many rows repeat a (device, time)."""
    from jianguan.smartsite.monitors.models import Reading

    rows = Reading.objects.filter(
        device__mn__in=mns,
        period="rtd",
        time__gte=BASE + dt.timedelta(seconds=first_second),
        time__lte=BASE + dt.timedelta(seconds=last_second),
    ).values_list("device__mn", "time")
    stored: dict[str, set[int]] = {}
    count = 0
    for mn, when in rows:
        n = int((when - BASE).total_seconds()) - first_second
        stored.setdefault(mn, set()).add(n)
        count += 1
    return stored, count - sum(len(s) for s in stored.values())


# --- the figures ---------------------------------------------------------------------------


def kill_figure(*, backend: str, mns, seconds: float, kill_after: float, window: int) -> None:
    """``ingest.kill``: devices at full speed, the listener killed with SIGKILL after
    ``kill_after`` seconds and started again on the same port; the devices resend what was
    not answered. ``lost`` (answered before the kill, not stored) and ``duplicates`` must be
    0; ``missing`` counts frames sent but never stored (0 once every device drained)."""
    listener = Listener(Path(os.environ["DATA_DIR"]))
    listener.start()
    proc, out = _start_devices(listener.port, mns, KILL_FIRST_SECOND, window, None, seconds, 120)
    try:
        time.sleep(kill_after)
        listener.kill()
        killed_at = time.monotonic()
        reopened_at = listener.start()
        status = out.get(timeout=seconds + 300)
        devices = out.get(timeout=60)
        proc.join(30)
    finally:
        listener.kill()
        if proc.is_alive():
            proc.kill()
    last = max(d["sent"] for d in devices) + KILL_FIRST_SECOND
    stored, duplicates = _stored(mns, KILL_FIRST_SECOND, last)
    lost = sent = acked_before = 0
    resumed = []
    for d in devices:
        # Every answer counts, not only those before the kill: an answer read late by a busy
        # client is still a promise the listener made before it died.
        lost += len(set(d["answered"]) - stored.get(d["mn"], set()))
        acked_before += sum(1 for t in d["answered"].values() if t <= killed_at)
        sent += d["sent"]
        resumed += [t for t in d["answered"].values() if t >= reopened_at]
    emit(
        "ingest.kill",
        backend=backend,
        devices=len(mns),
        sent=sent,
        acked_before_kill=acked_before,
        answered=sum(len(d["answered"]) for d in devices),
        stored=sum(len(s) for s in stored.values()),
        lost=lost,
        duplicates=duplicates,
        missing=sum(len(set(range(d["sent"])) - stored.get(d["mn"], set())) for d in devices),
        resent=sum(d["sends"] for d in devices) - sent,
        restart_seconds=round(reopened_at - killed_at, 2),
        first_answer_after_kill_s=round(min(resumed) - killed_at, 2) if resumed else None,
        kill_after_s=kill_after,
        seconds=seconds,
        window=window,
        client_errors=status["errors"],
        first_error=status["first_error"],
    )


def soak_figure(*, backend: str, mns, seconds: float, rate: float, warmup: float) -> None:
    """``ingest.soak``: ``rate`` readings/s spread over the devices (each one frame every
    ``len(mns) / rate`` seconds) for ``seconds``; the listener's RSS sampled every 10 s.
    ``flat`` when the RSS at the end is under 5 % above the RSS after ``warmup`` seconds.
    Each sample also says how many readings/s were answered since the one before: a listener
    that falls behind fills its bounded queue, which shows as growth that is not a leak, and
    ``kept_up`` is false (under 95 % of the rate answered in time): a figure about a full
    queue, not a steady state."""
    listener = Listener(Path(os.environ["DATA_DIR"]))
    listener.start()
    period = len(mns) / rate
    window = 50
    proc, out = _start_devices(listener.port, mns, SOAK_FIRST_SECOND, window, period, seconds, 60)
    start = time.monotonic()
    samples = []
    try:
        while time.monotonic() - start < seconds:
            time.sleep(min(SAMPLE_EVERY, max(0.0, seconds - (time.monotonic() - start))))
            samples.append((round(time.monotonic() - start, 1), round(listener.rss_mb(), 1)))
        status = out.get(timeout=180)
        devices = out.get(timeout=60)
        proc.join(30)
    finally:
        listener.kill()
        if proc.is_alive():
            proc.kill()
    times = sorted(t - start for d in devices for t in d["answered"].values())
    in_time = bisect.bisect_right(times, seconds)
    previous = 0.0
    for k, (t, mb) in enumerate(samples):
        done = bisect.bisect_right(times, t) - bisect.bisect_right(times, previous)
        samples[k] = (t, mb, round(done / (t - previous)) if t > previous else 0)
        previous = t
    emit(
        "ingest.soak",
        backend=backend,
        devices=len(mns),
        rate_target=rate,
        seconds=seconds,
        readings_answered=in_time,
        readings_per_s=round(in_time / seconds),
        answered_after_stop=len(times) - in_time,
        kept_up=in_time >= 0.95 * rate * seconds,
        sent=sum(d["sent"] for d in devices),
        client_errors=status["errors"],
        first_error=status["first_error"],
        **rss_summary(samples, warmup),
    )


def rss_summary(samples: list[tuple], warmup: float) -> dict:
    """Start (first sample at or after the warm-up), end, peak, least-squares slope in MB per
    minute over the samples after the warm-up, growth and whether it is flat. A sample is
    (seconds, MB, anything else to show)."""
    if not samples:
        return {"rss_samples": []}
    after = [(t, mb) for t, mb, *_ in samples if t >= warmup] or [samples[-1][:2]]
    first, end = after[0][1], after[-1][1]
    slope = 0.0
    if len(after) > 1:
        mean_t = sum(t for t, _ in after) / len(after)
        mean_m = sum(m for _, m in after) / len(after)
        var = sum((t - mean_t) ** 2 for t, _ in after)
        slope = sum((t - mean_t) * (m - mean_m) for t, m in after) / var * 60 if var else 0.0
    growth = (end - first) / first if first else 0.0
    return {
        "rss_mb_start": first,
        "rss_mb_end": end,
        "rss_mb_peak": max(sample[1] for sample in samples),
        "slope_mb_per_min": round(slope, 3),
        "growth_pct": round(growth * 100, 2),
        "flat": growth < FLAT_GROWTH,
        "warmup_s": warmup,
        "rss_samples": samples,  # [seconds, MB, readings/s answered since the last]
    }
