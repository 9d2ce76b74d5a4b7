"""HTTP load for the benchmarks: a real granian server as a child process, keep-alive clients
and latency percentiles. Standard library only; talks to 127.0.0.1 and nothing else.

    with serve(env, log=path) as base:          # granian, WSGI, 2 workers (like manage.py serve)
        client = Client(base, headers={...})
        stats = measure(client, ["/projects/?stage=construction"], repeat=200)
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def serve(
    env: dict[str, str],
    *,
    log: Path,
    workers: int = int(os.environ.get("BENCH_WORKERS", "2")),
    blocking_threads: int = int(os.environ.get("BENCH_BLOCKING_THREADS", "4")),
    ready_timeout: float = 60.0,
    app: str = "config.wsgi:application",
) -> Iterator[str]:
    """Start `granian --interface wsgi <app>` on a free local port.

    The server runs in its own process group and is always stopped (SIGTERM, then SIGKILL)
    when the block ends, whatever happens inside it."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(blocking_threads),
        app,
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://{HOST}:{port}"
    try:
        _wait_ready(base, proc, ready_timeout, log)
        yield base
    finally:
        _stop(proc)


def _wait_ready(base: str, proc: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}):\n{_tail(log)}")
        try:
            status, _ = Client(base).get("/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not ready after {timeout:.0f} s:\n{_tail(log)}")


def _tail(log: Path, n: int = 4000) -> str:
    try:
        return log.read_bytes()[-n:].decode(errors="replace")
    except OSError:
        return ""


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # our own child's group: granian and its workers
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


class Client:
    """One keep-alive connection to the local server (reconnects after an error)."""

    def __init__(self, base: str, headers: dict[str, str] | None = None, timeout: float = 30.0):
        parts = urlsplit(base)
        if parts.hostname != HOST:
            raise ValueError(f"benchmarks only talk to {HOST}, not {parts.hostname}")
        self.port = parts.port or 80
        self.headers = {"Accept-Encoding": "identity", **(headers or {})}
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                self.conn.request("GET", path, headers=self.headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def timed_get(client: Client, path: str) -> tuple[float, int, bytes]:
    t0 = time.perf_counter()
    status, body = client.get(path)
    return (time.perf_counter() - t0) * 1000, status, body


def summary(samples_ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def pct(p: float) -> float:
        k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return round(ordered[k], 1)

    return {
        "n": len(ordered),
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "mean_ms": round(statistics.fmean(ordered), 1),
        "max_ms": round(ordered[-1], 1),
    }


def measure(
    make_client,
    paths: Sequence[str],
    *,
    repeat: int,
    concurrency: int = 1,
    warmup: int = 3,
    expect: int = 200,
    deadline: float | None = None,
    samples_out: list[float] | None = None,
) -> dict[str, object]:
    """GET the paths round-robin `repeat` times in all, from `concurrency` clients at once.

    Every answer must have status `expect` (else RuntimeError with the first bad body); the
    latencies (ms) are also appended to `samples_out` when given."""
    errors: list[str] = []
    samples: list[float] = []
    lock = threading.Lock()
    counter = iter(range(repeat))

    def worker() -> None:
        client = make_client()
        try:
            for path in paths[:warmup]:
                client.get(path)
            while True:
                with lock:
                    i = next(counter, None)
                if i is None or (deadline is not None and time.monotonic() > deadline):
                    return
                path = paths[i % len(paths)]
                ms, status, body = timed_get(client, path)
                with lock:
                    samples.append(ms)
                    if status != expect and len(errors) < 3:
                        errors.append(f"{status} {path}: {body[:300]!r}")
        finally:
            client.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    if errors:
        raise RuntimeError("unexpected answers: " + " | ".join(errors))
    if not samples:
        raise RuntimeError("no request finished before the deadline")
    if samples_out is not None:
        samples_out.extend(samples)
    return {
        **summary(samples),
        "concurrency": concurrency,
        "rps": round(len(samples) / seconds, 1),
    }


def emit(bench: str, **fields: object) -> None:
    print(json.dumps({"bench": bench, **fields}, ensure_ascii=False), flush=True)
