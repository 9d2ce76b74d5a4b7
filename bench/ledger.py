"""Benchmark the Django side of the ledger: appends, proofs and the audit at 10^6 entries.

Why: every regulated service appends inside its own transaction, the public API serves
proofs on demand, and `ledger_audit` must stay practical as the log grows. One JSON line
per figure (or per skipped section, with the reason)::

    python bench/ledger.py                # n = 10^6, SQLite, plus PostgreSQL if reachable
    python bench/ledger.py --n 100000     # scale down
    BENCH_DATABASE_URL=postgres://postgres@db:5432 python bench/ledger.py

Figures
-------
* ``ledger.append.txn1`` / ``ledger.append.txn1000``: ``services.record()`` appends per
  second with one entry per transaction and with 1,000 per transaction, on SQLite and on
  PostgreSQL; first into a young log, then (a shorter run) into the log of n entries
  (``log_size`` says which). Appends are O(log n) in hashing; what grows is the databases'
  index depth and cache misses.
* ``ledger.proof.inclusion`` / ``ledger.proof.consistency``: the selector behind
  ``/api/v1/ledger/proof/*`` (database reads + hashing), at tree size n; every proof is
  checked with ``merkle.verify_*`` against the signed head outside the timed part.
* ``ledger.audit`` next to ``hashlib.leaves``: ``manage.py ledger_audit`` over the whole log,
  and plain ``hashlib`` hashing ``0x00 || leaf_input`` of the very same leaves (read from the
  database first, outside the timing). ``ratio`` = audit / hashlib is the figure that
  matters: the audit's cost over the bare hashing it cannot avoid.

How the 10^6-entry log is built
-------------------------------
Through ``record()`` 10^6 appends take many minutes on a small machine (one transaction
and three ORM writes each), so the bulk of the log is built directly: leaves of the same
shape ``record()`` writes (canonical JSON, checked against ``canonical_json`` on a sample),
the leaf hash and new perfect nodes from ``merkle.append_nodes`` (the code ``record()``
uses), inserted with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) in chunks, the
``LedgerState`` frontier updated after each chunk and a tree head signed at every quarter.
``ledger_audit`` then recomputes and compares everything, so a wrong bulk build would fail
the benchmark rather than flatter it.

Databases are throwaway: SQLite in a temporary ``DATA_DIR``; PostgreSQL in a fresh database
created on the server of ``BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432``),
migrated, and dropped at the end. Each backend runs in a child process of this script
(Django settings are per process).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432"
CHUNK = 20_000


def emit(bench: str, **fields: object) -> None:
    print(json.dumps({"bench": bench, **fields}, ensure_ascii=False), flush=True)


# --------------------------------------------------------------------------- parent


def _server_url(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, ""))


def _run_child(backend: str, args: argparse.Namespace, env: dict[str, str]) -> int:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        backend,
        "--n",
        str(args.n if backend == "sqlite" else args.pg_n),
        "--appends",
        str(args.appends),
        "--batches",
        str(args.batches),
        "--proofs",
        str(args.proofs),
    ]
    return subprocess.run(cmd, env=env, cwd=ROOT, check=False).returncode


def parent(args: argparse.Namespace) -> int:
    rc = 0
    started = time.perf_counter()
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATA_DIR")}
    base.setdefault("TESTING", "1")  # fast password hashing for the one bench user
    if "sqlite" in args.backends:
        with tempfile.TemporaryDirectory(prefix="jg-bench-") as tmp:
            env = {**base, "DATA_DIR": tmp, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}
            env["LEDGER_SIGNING_KEY"] = f"{tmp}/keys/ledger.pem"
            rc |= _run_child("sqlite", args, env)
    if "postgres" in args.backends:
        rc |= _postgres(args, base)
    emit("ledger.bench.total", seconds=round(time.perf_counter() - started, 1))
    return rc


def _postgres(args: argparse.Namespace, base: dict[str, str]) -> int:
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_PG
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is a dependency
        emit("ledger.postgres", skipped=f"psycopg not installed: {exc}")
        return 0
    dbname = f"jg_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = _server_url(url, "postgres")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
    except psycopg.Error as exc:
        emit("ledger.postgres", skipped=f"PostgreSQL unreachable at {url}: {exc}".strip())
        return 0
    try:
        with tempfile.TemporaryDirectory(prefix="jg-bench-pg-") as tmp:
            env = {**base, "DATA_DIR": tmp, "DATABASE_URL": _server_url(url, dbname)}
            env["LEDGER_SIGNING_KEY"] = f"{tmp}/keys/ledger.pem"
            return _run_child("postgres", args, env)
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


# --------------------------------------------------------------------------- child


def child(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from jianguan.ledger import keys

    backend = args.child
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    keys.ensure_key()
    emit("ledger.setup", backend=backend, migrate_seconds=round(time.perf_counter() - t0, 1))
    assert connection.vendor == ("sqlite" if backend == "sqlite" else "postgresql")

    org = _bench_organisation()
    # Appends into a young log (the common case), then again at n entries below.
    _appends(backend, org, args.appends, args.batches)
    if args.n:
        t0 = time.perf_counter()
        _bulk_build(args.n, backend)
        size = _size()
        emit(
            "ledger.bulk_build",
            backend=backend,
            n=size,
            seconds=round(time.perf_counter() - t0, 1),
            note="entries + nodes inserted directly (see module docstring)",
        )
        _settle(backend)
        _proofs(backend, args.proofs)
        _appends(backend, org, max(1, args.appends // 4), max(1, args.batches // 5))
        _audit(backend)
    return 0


def _settle(backend: str) -> None:
    """After a bulk load, do what a running database has long done by itself.

    Without this the figures that follow measure the load's aftermath (PostgreSQL's
    autovacuum and first-read hint-bit writes, SQLite's WAL checkpoint), not the ledger.
    """
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        if backend == "postgres":
            for table in ("ledger_ledgerentry", "ledger_ledgernode"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("ANALYZE")
    emit("ledger.settle", backend=backend, seconds=round(time.perf_counter() - t0, 1))


def _size() -> int:
    from jianguan.ledger.models import LedgerState

    return LedgerState.objects.get(pk=1).tree_size


def _bench_organisation():
    from jianguan.accounts import credit_code as cc
    from jianguan.accounts import services as accounts
    from jianguan.core.actor import SYSTEM

    return accounts.organisation_create(
        actor=SYSTEM,
        name="基准测试建设工程有限公司",
        kind="general_contractor",
        credit_code=cc.build("9", "1", "110115", "00000042"),
        legal_representative="张三",
    )


def _leaf_document(i: int) -> dict:
    """A document of the shape record() writes (see services.record)."""
    payload: dict = {"amount": f"{(i * 7919) % 10_000_000 / 100:.2f}", "seq": i}
    if i % 3 == 0:
        payload["note"] = "监理单位已复核工程量清单第三章"
    return {
        "type": ("contract.payment_reviewed", "compliance.inspection_recorded")[i % 2],
        "object": {"app": "contracts", "model": "paymentclaim", "id": str(i % 50_000)},
        "actor": {"user": f"user{i % 997}", "organisation": "91110115000000042X"},
        "time": f"2026-05-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{(i // 60) % 60:02d}.000Z",
        "payload": payload,
        "files": [{"name": f"scan{i}.pdf", "sm3": f"{i:064x}"}] if i % 10 == 0 else [],
    }


def _encode(doc: dict) -> bytes:
    # Equal to RFC 8785 for these documents (ASCII keys, strings and small ints only);
    # checked against canonical_json on a sample before use. 10x faster than rfc8785.
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _bulk_build(n: int, backend: str) -> None:
    import datetime as dt

    from django.db import connection, transaction

    from jianguan.ledger import merkle, services
    from jianguan.ledger.canonical import canonical_json
    from jianguan.ledger.models import LedgerState

    for i in (0, 1, 3, 10, 12345):
        assert _encode(_leaf_document(i)) == canonical_json(_leaf_document(i))
    state = LedgerState.objects.get(pk=1)
    alg = state.hash_alg
    start = state.tree_size
    nodes = services._frontier_map(state)
    quarter = max(1, n // 4)
    next_head = start + quarter
    ops = connection.ops
    leaf_hash, append_nodes = merkle.leaf_hash, merkle.append_nodes
    index = start
    while index < start + n:
        end = min(index + CHUNK, start + n)
        entry_rows, node_rows = [], []
        for i in range(index, end):
            doc = _leaf_document(i)
            data = _encode(doc)
            when = dt.datetime.fromisoformat(doc["time"].replace("Z", "+00:00"))
            entry_rows.append(
                (
                    i,
                    data,
                    doc["type"],
                    "contracts",
                    "paymentclaim",
                    doc["object"]["id"],
                    doc["actor"]["user"],
                    doc["actor"]["organisation"],
                    ops.adapt_datetimefield_value(when),
                )
            )
            for lv, ix, h in append_nodes(i, leaf_hash(data, alg), nodes, alg):
                nodes[(lv, ix)] = h
                node_rows.append(((lv << 56) | ix, lv, ix, h))
        keep = merkle.perfect_subtrees(0, end)
        frontier = {f"{lv}:{ix}": nodes[(lv, ix)].hex() for lv, ix in keep}
        nodes = {k: nodes[k] for k in keep}
        with transaction.atomic():
            _insert(connection, backend, entry_rows, node_rows)
            LedgerState.objects.filter(pk=1).update(tree_size=end, frontier=frontier)
        if end >= next_head or end == start + n:  # a signed head at every quarter
            services.tree_head_sign(force=True)
            next_head = end + quarter
        index = end


ENTRY_COLS = (
    "index",
    "leaf_input",
    "type",
    "object_app",
    "object_model",
    "object_id",
    "actor_user",
    "actor_organisation",
    "time",
)
NODE_COLS = ("key", "level", "index", "hash")


def _insert(connection, backend: str, entry_rows: list, node_rows: list) -> None:
    def q(cols):
        return ", ".join(f'"{c}"' for c in cols)

    with connection.cursor() as cur:
        if backend == "postgres":
            raw = cur.cursor  # psycopg 3 cursor: COPY is ~10x faster than INSERT
            with raw.copy(f"COPY ledger_ledgerentry ({q(ENTRY_COLS)}) FROM STDIN") as copy:
                for row in entry_rows:
                    copy.write_row(row)
            with raw.copy(f"COPY ledger_ledgernode ({q(NODE_COLS)}) FROM STDIN") as copy:
                for row in node_rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(ENTRY_COLS))
        cur.executemany(
            f"INSERT INTO ledger_ledgerentry ({q(ENTRY_COLS)}) VALUES ({marks})", entry_rows
        )
        cur.executemany(
            f"INSERT INTO ledger_ledgernode ({q(NODE_COLS)}) VALUES (%s, %s, %s, %s)", node_rows
        )


def _proofs(backend: str, count: int) -> None:
    from jianguan.ledger import merkle, merkle_consistency, selectors, services

    head = services.tree_head_sign()
    size, root, alg = head.tree_size, bytes.fromhex(head.root_hash), head.hash_alg
    rng = random.Random(9162)
    indices = [rng.randrange(size) for _ in range(count)]
    t0 = time.perf_counter()
    paths = [selectors.inclusion_proof(index=i, tree_size=size) for i in indices]
    seconds = time.perf_counter() - t0
    leaves = {i: merkle.leaf_hash(bytes(_leaf_input(i)), alg) for i in indices}
    assert all(
        merkle.verify_inclusion(alg, leaves[i], i, size, p, root)
        for i, p in zip(indices, paths, strict=True)
    )
    emit(
        "ledger.proof.inclusion",
        backend=backend,
        tree_size=size,
        count=count,
        ms_per_proof=round(seconds / count * 1000, 3),
        avg_path_len=round(sum(map(len, paths)) / count, 1),
    )
    firsts = [rng.randint(1, size) for _ in range(count)]
    t0 = time.perf_counter()
    cpaths = [selectors.consistency_proof(first=m, second=size) for m in firsts]
    seconds = time.perf_counter() - t0
    from jianguan.ledger.models import LedgerNode

    def root_at(m: int) -> bytes:
        ids = merkle.root_hash_nodes(m)
        keys = [LedgerNode.make_key(lv, ix) for lv, ix in ids]
        got = {
            (lv, ix): bytes(h)
            for lv, ix, h in LedgerNode.objects.filter(key__in=keys).values_list(
                "level", "index", "hash"
            )
        }
        return merkle.root_hash(m, got, alg)

    assert all(
        merkle_consistency.verify_consistency(alg, m, size, root_at(m), root, p)
        for m, p in zip(firsts[:200], cpaths[:200], strict=True)
    )
    emit(
        "ledger.proof.consistency",
        backend=backend,
        tree_size=size,
        count=count,
        ms_per_proof=round(seconds / count * 1000, 3),
        avg_path_len=round(sum(map(len, cpaths)) / count, 1),
    )


def _leaf_input(index: int) -> bytes:
    from jianguan.ledger.models import LedgerEntry

    return bytes(LedgerEntry.objects.values_list("leaf_input", flat=True).get(index=index))


def _appends(backend: str, org, count: int, batches: int) -> None:
    from decimal import Decimal

    from django.db import transaction

    from jianguan.core.actor import SYSTEM
    from jianguan.ledger.services import record

    def one(i: int) -> None:
        record(
            actor=SYSTEM,
            type="bench.append",
            obj=org,
            payload={"seq": i, "amount": Decimal("1234.50"), "note": "基准测试"},
        )

    t0 = time.perf_counter()
    for i in range(count):
        with transaction.atomic():
            one(i)
    seconds = time.perf_counter() - t0
    emit(
        "ledger.append.txn1",
        backend=backend,
        appends=count,
        seconds=round(seconds, 2),
        per_sec=round(count / seconds, 1),
        log_size=_size(),
    )
    t0 = time.perf_counter()
    for b in range(batches):
        with transaction.atomic():
            for i in range(1000):
                one(b * 1000 + i)
    seconds = time.perf_counter() - t0
    emit(
        "ledger.append.txn1000",
        backend=backend,
        appends=batches * 1000,
        seconds=round(seconds, 2),
        per_sec=round(batches * 1000 / seconds, 1),
        log_size=_size(),
    )


def _audit(backend: str) -> None:
    import hashlib

    from django.core.management import call_command
    from django.db import connection

    from jianguan.ledger import services

    services.tree_head_sign()
    size = _size()
    out = io.StringIO()
    t0 = time.perf_counter()
    call_command("ledger_audit", stdout=out)
    audit = time.perf_counter() - t0
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["status"] == "ok" and result["entries"] == size, result

    # The floor: hashlib over the same leaves, read from the database beforehand (not
    # timed). Two plain-hashlib spellings; the faster one is the floor.
    name = services.current_tree().hash_alg
    by_name = by_copy = reading = 0.0
    done, last = 0, -1
    new, template = hashlib.new, hashlib.new(name)
    while True:
        t0 = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(
                'SELECT "index", leaf_input FROM ledger_ledgerentry WHERE "index" > %s '
                'ORDER BY "index" LIMIT %s',
                [last, 50_000],
            )
            rows = cur.fetchall()
        leaves = [bytes(r[1]) for r in rows]
        reading += time.perf_counter() - t0
        if not rows:
            break
        t0 = time.perf_counter()
        for leaf in leaves:
            new(name, b"\x00" + leaf).digest()
        by_name += time.perf_counter() - t0
        t0 = time.perf_counter()
        for leaf in leaves:
            h = template.copy()
            h.update(b"\x00" + leaf)
            h.digest()
        by_copy += time.perf_counter() - t0
        done += len(rows)
        last = rows[-1][0]
    assert done == size
    hashing = min(by_name, by_copy)
    emit(
        "hashlib.leaves",
        backend=backend,
        leaves=size,
        seconds=round(hashing, 2),
        hashlib_new_seconds=round(by_name, 2),
        template_copy_seconds=round(by_copy, 2),
        hash_alg=name,
    )
    emit(
        "ledger.audit",
        backend=backend,
        entries=size,
        heads=result["heads"],
        seconds=round(audit, 2),
        hashlib_seconds=round(hashing, 2),
        ratio=round(audit / hashing, 1),
        raw_read_seconds=round(reading, 2),
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1_000_000, help="entries for proofs and audit")
    p.add_argument("--pg-n", type=int, default=None, help="the same on PostgreSQL (default: --n)")
    p.add_argument("--appends", type=int, default=2000, help="one-entry transactions")
    p.add_argument("--batches", type=int, default=10, help="1,000-entry transactions")
    p.add_argument("--proofs", type=int, default=500, help="proofs of each kind")
    p.add_argument("--backends", default="sqlite,postgres", help="comma-separated: sqlite,postgres")
    p.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.pg_n is None:
        args.pg_n = args.n
    args.backends = set(args.backends.split(","))
    if args.child:
        return child(args)
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
