"""Benchmark the last minute before a bid deadline: N bidders upload sealed bids at once.

Issue: 500 bidders upload 5 MB sealed bids concurrently over loopback HTTP in the last
minute before the deadline; report accepted, refused-as-late, lost (must be 0), p50/p99
latency and the server's memory. One JSON line per figure::

    python bench/deadline_surge.py                                   # 500 × 5 MB in 60 s, SQLite
    python bench/deadline_surge.py --bidders 50 --size-mb 1 --window 20      # scaled down
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432 python bench/deadline_surge.py

Figures
-------
* ``surge.setup``: seconds to build the data (accounts, tender, keys, sealed packages).
* ``surge.result``: for the timed window (deadline = start + ``--window`` s):

  - ``accepted``: the complete call answered 201 with a receipt whose ``package_sm3`` is the
    SM3 of the package the bidder sent;
  - ``late_refused``: a clear 400 ``after_deadline`` at any step; split into
    ``late_refused_planned`` (bidders scheduled on purpose after the deadline:
    ``--late-share``, default 3 %) and ``late_refused_in_flight`` (scheduled before it but not
    finished in time, or started late because every client connection was busy:
    ``started_after_deadline_unplanned``);
  - ``other_errors``: any other answer, by ``status:code`` (or exception name);
  - ``lost`` (must be 0): receipts with no ``Bid`` row behind them, plus bidders whose first
    request went out before the deadline and who got neither a receipt nor a clear 4xx
    refusal (a 5xx, a dropped connection, a timeout), plus submitted bids in the database
    for which no bidder holds a receipt;
  - ``complete_p50_ms``/``complete_p99_ms``: the ``POST …/complete`` call (the server reads
    the package twice: SM3 and the ZIP structure check) of accepted bids;
    ``submit_p50_ms``/``submit_p99_ms``: the whole submission (start, chunks, complete);
    ``chunk_p50_ms``/``chunk_p99_ms``: one ``PUT`` of a chunk; ``start_lag_p99_ms``: how
    late a bidder's first request went out against its schedule (client pool saturation);
  - ``throughput_mb_s``: accepted package bytes / (last receipt − first request);
  - ``peak_server_rss_mb``: the sum of ``VmRSS`` over the granian process tree (the main
    process and its workers), sampled every 0.5 s during the window (``idle_server_rss_mb``:
    the same just before); shared pages are counted once per process, so this is an upper
    bound;
  - ``db_ok``: after the run, the number of submitted ``Bid`` rows equals ``accepted``,
    every receipt's package file exists and its SM3 equals the receipt's, and no bid was
    received at or after the deadline (``db_problems`` lists the first few otherwise);
  - ``ok`` = ``lost == 0`` and ``db_ok`` and no planned-late bidder was accepted;
  - ``loadavg_1m`` / ``cpus``: the clients, the server and the database share this machine;
    a load far above what the run makes means something else ran too.
* ``surge.bench.total``: the whole run.

How it is measured
------------------
The server is the production one (``python -m granian --interface wsgi --workers 2
--blocking-threads 4 config.wsgi:application``, ``bench/_http.py``) on a free port of
127.0.0.1. Each bidder runs the upload protocol of ``tendering/api.py`` with its own Bearer
token over plain HTTP/1.1 (``http.client``): ``POST /tenders/{id}/lots/1/uploads``, one
``PUT /uploads/{id}/chunks/{n}`` per 8 MiB (a 5 MiB package is one chunk), ``POST
/uploads/{id}/complete``. ``--concurrency`` client threads (default 64), each with one
keep-alive connection, take the bidders in the order of their scheduled start: on-time
bidders are spread uniformly over the first ``--spread`` (default 90 %) of the window, the
late ones over the 10 % after the deadline. Chunks are read from disk when sent (at most one
chunk per client thread in memory). A request that fails on a reused keep-alive connection
before any answer is sent again once on a new connection (``retries``); a retried complete
that finds the upload already completed takes its receipt from ``GET …/bids/mine``.

How the data is built
---------------------
Demo accounts, towns, rules and the ledger key as in the other benchmarks; one project of the
demo owner (``projects.services.project_create``) and one open tender with one lot
(``tendering.services.tender_create`` and ``tender_publish``: documents from now + 1 min,
sale 5 days, deadline 21 days later, as the law requires). The bidders are N general
contractors. **Shortcuts**, both outside the timed part:

1. the bidders' organisations, users (one precomputed password hash), memberships (roles
   ``bidder``, ``staff``) and API tokens (SHA-256 of the secret, as ``api_token_create``
   stores it) are written with ``bulk_create``, not through the services (so they have no
   ledger entries; the upload never reads them);
2. after publishing and registering every bidder's key (``services.bidder_key_register``,
   through the service), the deadline is moved to "start of the window + ``--window`` s"
   with ``Tender.objects.filter(pk=…).update(bid_deadline=…, next_check_at=…)`` — a
   published tender's deadline cannot be less than 20 days away otherwise.

Each bidder's package (``--size-mb`` MiB, default 5) is sealed with ``tendering.sealer.seal``
for that bidder's key before the window (sealing is the bidder's own work), from one shared
random plaintext file, in a temporary directory, with 2 processes. Databases are throwaway:
SQLite in a temporary ``DATA_DIR`` (default); PostgreSQL when ``BENCH_DATABASE_URL`` is set
(or ``--backends postgres``): a fresh database, dropped at the end. The run stops by itself
(``--timeout``) and the server is stopped whatever happens.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import json
import os
import random
import secrets
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._backends import run_backends  # noqa: E402
from bench._http import HOST, emit, serve, summary  # noqa: E402

API = "/api/v1/tendering"
SEED = 6_2026
MIB = 1024 * 1024
BOND = "500000.00"
ACCOUNT = "0200004509200123456"
PASSWORD = "Surge-bench-pass-2026"
RETRYABLE = (
    http.client.RemoteDisconnected,
    ConnectionResetError,
    BrokenPipeError,
    ConnectionAbortedError,
)


# --------------------------------------------------------------------------- parent


def parent(args: argparse.Namespace) -> int:
    flags = []
    for flag in ("bidders", "size_mb", "window", "concurrency", "late_share", "spread", "timeout"):
        flags += [f"--{flag.replace('_', '-')}", str(getattr(args, flag))]
    return run_backends("surge", __file__, flags, backends=args.backends, timeout=args.timeout)


# --------------------------------------------------------------------------- child: data


def child(args: argparse.Namespace) -> int:
    def stop(*_):
        raise SystemExit(1)  # run the `finally` blocks: the server is stopped

    signal.signal(signal.SIGTERM, stop)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from jianguan.accounts import demo as accounts_demo
    from jianguan.ledger.keys import ensure_key
    from jianguan.rules.services import rules_sync_from_data

    backend = args.child
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    ensure_key()
    rules_sync_from_data()
    accounts_demo.seed()
    base_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    tender = _tender()
    bidders = _bidders(args.bidders)
    accounts_s = time.perf_counter() - t1
    t1 = time.perf_counter()
    publics = _register_keys(tender, bidders)
    keys_s = time.perf_counter() - t1
    with tempfile.TemporaryDirectory(prefix="jg-surge-packages-") as pkg_dir:
        t1 = time.perf_counter()
        connection.close()  # the sealing processes are forked: no shared connection
        packages = _seal_all(Path(pkg_dir), publics, args.size_mb)
        seal_s = time.perf_counter() - t1
        for b, (path, size, sm3) in zip(bidders, packages, strict=True):
            b.update(path=path, size=size, sm3=sm3)
        emit(
            "surge.setup",
            backend=backend,
            bidders=len(bidders),
            package_mb=round(sum(b["size"] for b in bidders) / len(bidders) / MIB, 2),
            seconds=round(time.perf_counter() - t0, 1),
            demo_s=round(base_s, 1),
            accounts_s=round(accounts_s, 1),
            keys_s=round(keys_s, 1),
            seal_s=round(seal_s, 1),
            note="bidders bulk-created; deadline moved by a queryset update (see docstring)",
        )
        connection.close()
        env = dict(os.environ)
        with tempfile.TemporaryDirectory(prefix="jg-granian-") as tmp:
            log = Path(tmp) / "granian.log"
            with serve(env, log=log) as base:
                rc = _surge(backend, args, base, tender, bidders)
            if rc & 4:  # a server error: show the end of its log
                sys.stderr.write(log.read_bytes()[-4000:].decode(errors="replace"))
            return rc & 1


def _tender():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jianguan.accounts.actors import actor_for
    from jianguan.accounts.models import Town, User
    from jianguan.core.timeutil import now
    from jianguan.projects.services import project_create
    from jianguan.tendering import services

    owner = actor_for(User.objects.get(username="owner"))
    project = project_create(
        actor=owner,
        name="大兴区第一小学扩建工程（投标截止压力测试）",
        type="building",
        funding="government",
        budget="35600000.00",
        town=Town.objects.order_by("pk").first(),
        longitude="116.3312",
        latitude="39.7268",
        owner=owner.organisation,
    )
    tender = services.tender_create(
        actor=owner,
        project=project,
        title="大兴区第一小学扩建工程施工",
        procedure="open_post",
        estimate="30000000",
        lots=[{"title": "施工总承包", "price_ceiling": "29800000", "bond_amount": "500000"}],
    )
    start = now() + dt.timedelta(minutes=1)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return services.tender_publish(
        actor=owner,
        tender=tender,
        documents_from=start,
        sale_end=start + dt.timedelta(days=5),
        bid_deadline=start + dt.timedelta(days=21),
        documents=SimpleUploadedFile("招标文件.pdf", pdf, content_type="application/pdf"),
    )


def _credit_code(i: int) -> str:
    from jianguan.accounts.credit_code import check_character

    first17 = f"91110115M{i:08d}"
    return first17 + check_character(first17)


def _bidders(n: int) -> list[dict]:
    """N general contractors, a bidder user each, an API token each (bulk, see docstring)."""
    from django.contrib.auth.hashers import make_password

    from jianguan.accounts.models import ApiToken, Membership, Organisation, Town, User
    from jianguan.accounts.services import TOKEN_PREFIX

    town = Town.objects.order_by("pk").first()
    taken = set(Organisation.objects.values_list("credit_code", flat=True))
    codes = [c for c in (_credit_code(i) for i in range(n + len(taken))) if c not in taken][:n]
    Organisation.objects.bulk_create(
        Organisation(
            name=f"北京压测建工第{i + 1:03d}有限公司",
            kind="general_contractor",
            credit_code=code,
            legal_representative=f"法人{i + 1:03d}",
            town=town,
        )
        for i, code in enumerate(codes)
    )
    orgs = dict(Organisation.objects.filter(credit_code__in=codes).values_list("credit_code", "pk"))
    password = make_password(PASSWORD)
    names = [f"surge{i + 1:03d}" for i in range(n)]
    User.objects.bulk_create(
        User(username=u, password=password, display_name=f"投标人{u[5:]}") for u in names
    )
    users = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
    Membership.objects.bulk_create(
        Membership(user_id=users[u], organisation_id=orgs[c], roles=["bidder", "staff"])
        for u, c in zip(names, codes, strict=True)
    )
    secrets_ = [TOKEN_PREFIX + secrets.token_urlsafe(32) for _ in names]
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=users[u],
            name="surge",
            prefix=s[:10],
            key_hash=hashlib.sha256(s.encode()).hexdigest(),
        )
        for u, s in zip(names, secrets_, strict=True)
    )
    return [
        {"i": i, "username": u, "org_id": orgs[c], "token": s}
        for i, (u, c, s) in enumerate(zip(names, codes, secrets_, strict=True))
    ]


def _register_keys(tender, bidders: list[dict]) -> list[bytes]:
    from jianguan.accounts.actors import actor_for
    from jianguan.accounts.models import User
    from jianguan.tendering import sealer, services

    users = {
        u.username: u for u in User.objects.filter(username__in=[b["username"] for b in bidders])
    }
    publics = []
    for b in bidders:
        _, public = sealer.generate_keypair()  # the private key stays with the bidder: unused
        services.bidder_key_register(
            actor=actor_for(users[b["username"]]), tender=tender, public_pem=public.decode()
        )
        publics.append(public)
    return publics


def _seal_one(job: tuple[int, str, bytes, str]) -> tuple[str, int, str]:
    from jianguan.tendering import sealer

    i, plain, public, out_dir = job
    out = Path(out_dir) / f"bid-{i:04d}.zip"
    price = f"{29_000_000 + i * 100}.00"
    sealer.seal(
        files=[Path(plain)],
        summary={"price": price, "duration_days": 540, "quality": "合格"},
        recipient_public_pem=public,
        out=out,
    )
    return str(out), out.stat().st_size, sealer.package_sm3(out)


def _seal_all(out_dir: Path, publics: list[bytes], size_mb: float) -> list[tuple[str, int, str]]:
    import multiprocessing

    size = int(size_mb * MIB)
    overhead = 16 * (-(-size // MIB)) + 4096  # GCM tags, ZIP headers, summary, manifest
    plain = out_dir / "technical-proposal.pdf"
    rng = random.Random(SEED)
    with open(plain, "wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.write(rng.randbytes(max(1, size - overhead - 9)))
    jobs = [(i, str(plain), pub, str(out_dir)) for i, pub in enumerate(publics)]
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)), mp_context=ctx) as ex:
        return list(ex.map(_seal_one, jobs, chunksize=8))


# --------------------------------------------------------------------------- child: the run


class _Conn:
    """One client thread's keep-alive connection; one retry on a connection found closed."""

    def __init__(self, port: int, timeout: float):
        self.port = port
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None
        self.retries = 0

    def request(self, method: str, path: str, body, headers: dict) -> tuple[int, bytes]:
        for attempt in (1, 2):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    HOST, self.port, timeout=self.timeout, blocksize=1 << 20
                )
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except RETRYABLE:
                self.close()
                if attempt == 2 or not reused:
                    raise
                self.retries += 1
            except (http.client.HTTPException, OSError):
                self.close()
                raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _code(body: bytes) -> str:
    try:
        return str(json.loads(body).get("code") or "")
    except (ValueError, AttributeError):
        return ""


def _submit(conn: _Conn, tid: int, b: dict, deadline: float) -> dict:
    """One bidder's whole submission; returns what happened, with wall-clock times."""
    h = {"Authorization": f"Bearer {b['token']}", "Accept-Encoding": "identity"}
    hj = {**h, "Content-Type": "application/json"}
    out: dict = {"i": b["i"], "late_planned": b["late"], "first_at": time.time()}
    out["before_deadline"] = out["first_at"] < deadline
    t0 = time.perf_counter()

    def fail(step: str, status: int, body: bytes) -> dict:
        code = _code(body)
        out.update(outcome="refused" if 400 <= status < 500 and code else "error")
        out.update(step=step, status=status, code=code)
        return out

    try:
        start = json.dumps(
            {"size": b["size"], "sm3": b["sm3"], "bond_amount": BOND, "bond_account": ACCOUNT}
        )
        status, body = conn.request("POST", f"{API}/tenders/{tid}/lots/1/uploads", start, hj)
        if status != 201:
            return fail("start", status, body)
        up = json.loads(body)
        uid, size = up["upload_id"], up["chunk_size"]
        chunks = []
        with open(b["path"], "rb") as fh:
            for n in range(up["chunks"]):
                data = os.pread(fh.fileno(), size, n * size)
                c0 = time.perf_counter()
                status, body = conn.request(
                    "PUT",
                    f"{API}/uploads/{uid}/chunks/{n}",
                    data,
                    {**h, "Content-Type": "application/octet-stream"},
                )
                chunks.append((time.perf_counter() - c0) * 1000)
                del data
                if status == 409 and _code(body) == "chunk_duplicate" and conn.retries:
                    continue  # the first try went through before the connection dropped
                if status != 200:
                    out["chunk_ms"] = chunks
                    return fail("chunk", status, body)
        out["chunk_ms"] = chunks
        c0 = time.perf_counter()
        status, body = conn.request("POST", f"{API}/uploads/{uid}/complete", None, h)
        out["complete_ms"] = (time.perf_counter() - c0) * 1000
        if status == 409 and _code(body) == "upload_completed":  # retried after a drop
            s2, b2 = conn.request("GET", f"{API}/tenders/{tid}/bids/mine", None, h)
            mine = [r for r in json.loads(b2) if r["status"] == "submitted"] if s2 == 200 else []
            if mine:
                status, body = 201, json.dumps(mine[0]).encode()
        if status != 201:
            return fail("complete", status, body)
        receipt = json.loads(body)
        out["submit_ms"] = (time.perf_counter() - t0) * 1000
        out["done_at"] = time.time()
        if receipt.get("package_sm3") != b["sm3"]:
            out.update(outcome="error", step="complete", status=201, code="receipt_sm3_mismatch")
            return out
        out.update(outcome="accepted", receipt=receipt["receipt_number"])
        return out
    except (http.client.HTTPException, OSError, ValueError, KeyError) as exc:
        out.update(outcome="error", step="exception", status=0, code=type(exc).__name__)
        return out


class _RssSampler(threading.Thread):
    """Sum of VmRSS over this process's descendants (the granian tree), every 0.5 s."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = 0.0
        self.last = 0.0
        self.stop = threading.Event()

    @staticmethod
    def sample() -> float:
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    stat = fh.read()
                parents[int(entry)] = int(stat[stat.rindex(b")") + 2 :].split()[1])
            except (OSError, ValueError, IndexError):
                continue
        tree, frontier = set(), {os.getpid()}
        while frontier:
            frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - tree
            tree |= frontier
        total_kb = 0
        for pid in tree:
            try:
                with open(f"/proc/{pid}/status") as fh:
                    for line in fh:
                        if line.startswith("VmRSS:"):
                            total_kb += int(line.split()[1])
                            break
            except OSError:
                continue
        return total_kb / 1024

    def run(self) -> None:
        while not self.stop.is_set():
            self.last = self.sample()
            self.peak = max(self.peak, self.last)
            self.stop.wait(0.5)


def _pct(values: list[float], p: float) -> float | None:
    return summary(values)[f"p{p}_ms"] if values else None


def _surge(backend: str, args, base: str, tender, bidders: list[dict]) -> int:
    from django.db import connection

    from jianguan.tendering.models import Tender

    rng = random.Random(SEED)
    n_late = round(len(bidders) * args.late_share)
    late = set(rng.sample(range(len(bidders)), n_late))
    port = urlsplit(base).port
    # Preflight: every worker process answers a bidder's read before the window is set up.
    probe = _Conn(port, timeout=60.0)
    h = {"Authorization": f"Bearer {bidders[0]['token']}", "Accept-Encoding": "identity"}
    for _ in range(4):
        status, body = probe.request("GET", f"{API}/tenders/{tender.pk}", None, h)
        if status != 200:
            emit("surge.preflight", backend=backend, status=status, body=body[:300].decode())
            return 5
        probe.close()
    idle_rss = _RssSampler.sample()
    t_start = time.time() + 1.0
    deadline = t_start + args.window
    deadline_dt = dt.datetime.fromtimestamp(deadline, dt.UTC)
    Tender.objects.filter(pk=tender.pk).update(bid_deadline=deadline_dt, next_check_at=deadline_dt)
    connection.close()
    for b in bidders:
        b["late"] = b["i"] in late
        if b["late"]:
            b["at"] = deadline + rng.uniform(0.05, 0.1) * args.window
        else:
            b["at"] = t_start + rng.uniform(0, args.spread) * args.window
    queue = sorted(bidders, key=lambda b: b["at"])
    lock = threading.Lock()
    results: list[dict] = []
    position = iter(queue)
    conns: list[_Conn] = []

    def worker() -> None:
        conn = _Conn(port, timeout=300.0)
        with lock:
            conns.append(conn)
        try:
            while True:
                with lock:
                    b = next(position, None)
                if b is None:
                    return
                wait = b["at"] - time.time()
                if wait > 0:
                    time.sleep(wait)
                r = _submit(conn, tender.pk, b, deadline)
                r["lag_ms"] = (r["first_at"] - b["at"]) * 1000
                with lock:
                    results.append(r)
        finally:
            conn.close()

    sampler = _RssSampler()
    sampler.start()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sampler.stop.set()
    sampler.join()
    finished = time.time()
    rc, result = _tally(results, bidders, deadline, tender, conns)
    first = min(r["first_at"] for r in results)
    last_done = max((r["done_at"] for r in results if "done_at" in r), default=first)
    accepted_bytes = sum(bidders[r["i"]]["size"] for r in results if r["outcome"] == "accepted")
    emit(
        "surge.result",
        backend=backend,
        bidders=len(bidders),
        package_mb=round(sum(b["size"] for b in bidders) / len(bidders) / MIB, 2),
        concurrency=args.concurrency,
        window_s=args.window,
        **result,
        throughput_mb_s=round(accepted_bytes / MIB / max(1e-3, last_done - first), 1),
        last_receipt_vs_deadline_s=round(last_done - deadline, 2),
        run_s=round(finished - t_start, 1),
        idle_server_rss_mb=round(idle_rss, 1),
        peak_server_rss_mb=round(sampler.peak, 1),
        loadavg_1m=round(os.getloadavg()[0], 2),  # well above the run's own load: not alone
        cpus=os.cpu_count(),
    )
    return rc


def _tally(results, bidders, deadline, tender, conns) -> tuple[int, dict]:
    from django.db.models import Q

    from jianguan.tendering import sealer
    from jianguan.tendering.models import Bid, Upload

    accepted = [r for r in results if r["outcome"] == "accepted"]
    late = [r for r in results if r["outcome"] == "refused" and r["code"] == "after_deadline"]
    others: dict[str, int] = {}
    lost_unanswered = 0
    for r in results:
        if r["outcome"] == "accepted" or r in late:
            continue
        key = f"{r['step']}:{r['status']}:{r['code']}"
        others[key] = others.get(key, 0) + 1
        if r["before_deadline"] and r["outcome"] != "refused":
            lost_unanswered += 1  # no receipt and no clear refusal
    rows = {
        b.receipt_number: b for b in Bid.objects.filter(tender=tender).exclude(status=Bid.REPLACED)
    }
    receipts = {r["receipt"] for r in accepted}
    lost_no_row = sum(1 for r in accepted if r["receipt"] not in rows)
    submitted = [b for b in rows.values() if b.status == Bid.SUBMITTED]
    orphan_bids = sum(1 for b in submitted if b.receipt_number not in receipts)
    problems: list[str] = []
    if len(submitted) != len(accepted):
        problems.append(f"{len(submitted)} submitted bids for {len(accepted)} receipts")
    deadline_dt = dt.datetime.fromtimestamp(deadline, dt.UTC)
    for bid in submitted:
        if bid.received_at >= deadline_dt:
            problems.append(f"{bid.receipt_number} received at {bid.received_at} ≥ deadline")
        path = Path(bid.package.path)
        if not path.is_file():
            problems.append(f"{bid.receipt_number}: package file missing")
        elif sealer.package_sm3(path) != bid.package_sm3:
            problems.append(f"{bid.receipt_number}: package SM3 differs from the receipt")
    late_accepted = sum(1 for r in accepted if r["late_planned"])
    if late_accepted:
        problems.append(f"{late_accepted} bidders scheduled after the deadline were accepted")
    open_uploads = Upload.objects.filter(tender=tender).filter(Q(completed_at__isnull=True)).count()
    lost = lost_no_row + lost_unanswered + orphan_bids
    ok = lost == 0 and not problems
    complete = [r["complete_ms"] for r in accepted]
    submit = [r["submit_ms"] for r in accepted]
    chunk = [ms for r in results for ms in r.get("chunk_ms", [])]
    lags = [max(0.0, r["lag_ms"]) for r in results]
    unplanned_late = [r for r in results if not r["late_planned"] and not r["before_deadline"]]
    rc = 0 if ok else 1
    if any(k.split(":")[1].startswith("5") for k in others):
        rc |= 4
    return rc, {
        "accepted": len(accepted),
        "late_refused": len(late),
        "late_refused_planned": sum(1 for r in late if r["late_planned"]),
        "late_refused_in_flight": sum(1 for r in late if not r["late_planned"]),
        "started_after_deadline_unplanned": len(unplanned_late),
        "other_errors": sum(others.values()),
        "other_errors_by_kind": others,
        "lost": lost,
        "lost_detail": {
            "receipt_without_bid": lost_no_row,
            "unanswered_before_deadline": lost_unanswered,
            "bid_without_receipt": orphan_bids,
        },
        "open_uploads": open_uploads,
        "complete_p50_ms": _pct(complete, 50),
        "complete_p99_ms": _pct(complete, 99),
        "submit_p50_ms": _pct(submit, 50),
        "submit_p99_ms": _pct(submit, 99),
        "chunk_p50_ms": _pct(chunk, 50),
        "chunk_p99_ms": _pct(chunk, 99),
        "start_lag_p99_ms": _pct(lags, 99),
        "retries": sum(c.retries for c in conns),
        "db_ok": not problems,
        "db_problems": problems[:5],
        "ok": ok,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bidders", type=int, default=500)
    parser.add_argument("--size-mb", type=float, default=5.0, help="package size (MiB)")
    parser.add_argument("--window", type=float, default=60.0, help="seconds to the deadline")
    parser.add_argument("--concurrency", type=int, default=64, help="client connections")
    parser.add_argument("--late-share", type=float, default=0.03, help="bidders sent late")
    parser.add_argument(
        "--spread", type=float, default=0.9, help="on-time starts spread over this window share"
    )
    parser.add_argument("--backends", default="", help="sqlite,postgres (default: see docstring)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per backend")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    sys.exit(main())
