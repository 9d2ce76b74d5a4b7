"""How the database benchmarks run: each backend in a child process of the benchmark script,
on a throwaway database — SQLite in a temporary DATA_DIR, or a fresh PostgreSQL database on the
server of BENCH_DATABASE_URL, dropped at the end (kept, and its URL printed, with
``BENCH_KEEP_DB=1``: e.g. to profile the search at full scale without a 13-minute rebuild;
``BENCH_REUSE_DB=<name>`` measures such a kept database again, where the benchmark supports it).
The child stops by itself at the timeout."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench._http import emit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432"


def server_url(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, ""))


def _child(name: str, script: Path, backend: str, flags, env, timeout: int) -> int:
    proc = subprocess.Popen(
        [sys.executable, str(script), "--child", backend, *flags], env=env, cwd=ROOT
    )
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        emit(f"{name}.timeout", backend=backend, seconds=timeout)
        proc.send_signal(signal.SIGTERM)  # the child stops its server on the way out
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return 1


def _postgres(name: str, run) -> int:
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_PG
    import psycopg

    if os.environ.get("BENCH_REUSE_DB"):
        # a database kept by an earlier run (BENCH_KEEP_DB): measured again, built no more
        return run(server_url(url, os.environ["BENCH_REUSE_DB"]), "-pg")
    dbname = f"jg_bench_{name}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = server_url(url, "postgres")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
    except psycopg.Error as exc:
        emit(f"{name}.postgres", skipped=f"PostgreSQL unreachable at {url}: {exc}".strip())
        return 0
    try:
        return run(server_url(url, dbname), "-pg")
    finally:
        if os.environ.get("BENCH_KEEP_DB"):
            # to profile queries on what took minutes to build; drop it yourself afterwards
            emit(f"{name}.kept", database=server_url(url, dbname))
        else:
            with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def run_backends(
    name: str,
    script: str | Path,
    flags: Sequence[str],
    *,
    backends: str,
    timeout: int,
    env: dict[str, str] | None = None,
    started: float | None = None,
) -> int:
    """Runs ``script --child <backend> *flags`` per backend; emits ``<name>.bench.total``."""
    started = started if started is not None else time.perf_counter()
    backends = backends or ("postgres" if os.environ.get("BENCH_DATABASE_URL") else "sqlite")
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATA_DIR")}
    base["TESTING"] = "1"  # fast password hashing for the demo users; plain static storage
    base.setdefault("LOG_LEVEL", "ERROR")
    base.update(env or {})
    script = Path(script).resolve()

    def run(database_url: str | None, suffix: str, backend: str) -> int:
        with tempfile.TemporaryDirectory(prefix=f"jg-bench-{name}{suffix}-") as tmp:
            child_env = {**base, "DATA_DIR": tmp, "LEDGER_SIGNING_KEY": f"{tmp}/keys/ledger.pem"}
            child_env["DATABASE_URL"] = database_url or f"sqlite:///{tmp}/bench.sqlite3"
            return _child(name, script, backend, flags, child_env, timeout)

    rc = 0
    for backend in backends.split(","):
        if backend == "sqlite":
            rc |= run(None, "", "sqlite")
        elif backend == "postgres":
            rc |= _postgres(name, lambda url, suffix: run(url, suffix, "postgres"))
        else:
            emit(f"{name}.backend", skipped=f"unknown backend {backend!r}")
            rc |= 2
    emit(f"{name}.bench.total", seconds=round(time.perf_counter() - started, 1))
    return rc
