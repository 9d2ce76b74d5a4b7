"""Benchmark the site monitors' ingest: sustained readings per second through each path.

Issue 17 target: 5,000 readings/s sustained on SQLite and PostgreSQL with 1,000 devices
connected; the time from a reading to the alert under 1 s at p99. One JSON line per figure::

    python bench/ingest.py                                   # 1,000 devices, 30 s per path, SQLite
    python bench/ingest.py --seconds 10 --paths hj212,mqtt   # shorter, some paths
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432 python bench/ingest.py --backends postgres

Paths (``--paths``, default all four)
-------------------------------------
* ``service``: ``readings_ingest`` called directly with batches of 500 JSON items, one
  process: the floor under the three protocol paths (no network, no parsing of frames).
* ``hj212``: ``HJ212Server`` (the code behind ``manage.py hj212_server``) on a free port of
  127.0.0.1, and a separate client process holding ``--devices`` TCP connections, one per
  device, each sending real-time uploads (CN=2011, Flag=5: answer wanted) with up to
  ``--window`` frames unanswered; a reading counts when its 9014 answer arrives (the server
  answers only after the batch holding it committed). With ``--rate R`` the devices run on
  their own clocks instead: R readings/s in all, one frame every devices/R seconds each
  (``skipped`` counts the ticks a device found ``--window`` frames still unanswered), so the
  alert latency is measured at a given load rather than at saturation.
* ``mqtt``: the ``Subscriber`` (``manage.py mqtt_subscriber``) on a private Mosquitto started
  for the run on a free local port with the settings production needs (``BROKER_CONF``: 1,000
  messages in flight, a deep session queue; ``--broker system`` uses 127.0.0.1:1883 with its
  defaults, where the 20 in-flight QoS 1 messages cap the rate and the 1,000-message session
  queue drops the surplus), a publisher process sending one JSON reading per QoS 1
  message on ``bench-<id>/site/<project>/device/<MN>/reading``; the rate is the readings stored
  from the first message to the last row, after the subscriber drained its queue.
* ``http``: ``POST /api/v1/smartsite/readings`` on granian (2 workers, as ``make run``), 16
  keep-alive clients, ``--http-batch`` readings per request (default 10), each request with
  its device's key.

Two more, not in the default set (``bench/_ingest_listener.py``; the listener runs as its own
``manage.py hj212_server`` process, as in production, so it can be killed and measured):

* ``kill``: ``--devices`` resending devices at full speed (``--window`` unanswered each) for
  ``--seconds``; after ``--kill-after`` seconds (default a third of the run) the listener gets
  SIGKILL and is started again on the same port; the devices reconnect and resend every frame
  not answered, and drain before the count. Figure ``ingest.kill``: ``sent``,
  ``acked_before_kill``, ``stored``, ``lost`` (answered but not stored: must be 0),
  ``duplicates`` (a (device, time) stored twice: must be 0), ``missing`` (sent, never stored),
  ``resent``, ``restart_seconds`` (kill to port open) and ``first_answer_after_kill_s``.
* ``soak``: ``--soak-rate`` readings/s (default 1,000, below capacity) spread over the devices
  for ``--soak-seconds`` (default 600); the listener's RSS (from /proc) every 10 s. Figure
  ``ingest.soak``: ``rss_mb_start`` (after ``--soak-warmup``, default 60 s), ``rss_mb_end``,
  ``rss_mb_peak``, ``slope_mb_per_min`` (least squares after the warm-up), ``growth_pct``,
  ``flat`` (growth under 5 %), the samples with the readings/s answered between them, and
  ``kept_up`` (95 % of the rate answered in time; if not, the listener's bounded queue was
  filling and the growth measured is that queue: run it on a quiet machine or lower the rate).

::

    python bench/ingest.py --paths kill --devices 1000 --seconds 30 --kill-after 10
    python bench/ingest.py --paths soak --soak-seconds 600       # the 10-minute soak

Figures: ``ingest.<path>`` with ``readings``, ``seconds``, ``readings_per_s`` (and requests
for HTTP); ``hook_p50_ms``/``hook_p99_ms``: from a reading's receipt (``received_at``) to the
batch hook — where alerting plugs in (``monitors/hooks.py``) — for the in-process paths;
``ingest.rss``: the child's peak RSS. Alerts themselves are not built yet (issue 17 part 5),
so the alert latency is this hook latency plus whatever the alert rule costs.

Shortcuts outside the timed part: the devices are written with ``bulk_create`` (no ledger
entries); readings times are synthetic (one per device per second, counting up from
2026-11-23 00:00 China time) so that no reading is a duplicate.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import signal
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._backends import run_backends  # noqa: E402
from bench._http import emit  # noqa: E402

PATHS = ("service", "hj212", "mqtt", "http")
EXTRA_PATHS = ("kill", "soak")  # only when named: the soak alone takes ten minutes


def parent(args: argparse.Namespace) -> int:
    flags = ["--devices", str(args.devices), "--seconds", str(args.seconds)]
    flags += [
        "--broker",
        args.broker,
        "--paths",
        args.paths,
        "--window",
        str(args.window),
        "--rate",
        str(args.rate),
        "--http-batch",
        str(args.http_batch),
        "--kill-after",
        str(args.kill_after),
        "--soak-seconds",
        str(args.soak_seconds),
        "--soak-rate",
        str(args.soak_rate),
        "--soak-warmup",
        str(args.soak_warmup),
    ]
    env = {"SMARTSITE_HTTP_REQUESTS_PER_MINUTE": str(10**9)}
    timeout = args.timeout
    if "soak" in args.paths.split(","):
        timeout = max(timeout, int(args.soak_seconds) + 900)
    return run_backends("ingest", __file__, flags, backends=args.backends, timeout=timeout, env=env)


def _mn(i: int) -> str:
    return f"BENCH{i:019d}"


#: One device in OVER_EVERY sends noise over both the day and the night limit (70/55 dB(A));
#: the rest stay under both, so alerts open and grow all through the run, as on a real
#: district's network where few sites exceed at once. (Every reading over a limit costs the
#: alert hook a live alert to read and update per device: the figures note the mix.)
OVER_EVERY = 100


def _noise(i: int) -> float:
    return 75.0 if i % OVER_EVERY == 0 else 50.0


def _datatime(second: int) -> str:
    import datetime as dt

    base = dt.datetime(2026, 11, 23)  # China local time, as HJ 212 sends it
    return (base + dt.timedelta(seconds=second)).strftime("%Y%m%d%H%M%S")


# --- load generators (separate processes: no Django) ---------------------------------------


def _tcp_clients(
    port: int, devices: int, seconds: float, window: int, out, rate: float = 0.0
) -> None:
    import asyncio
    from decimal import Decimal

    from jianguan.smartsite import hj212

    def frame(i: int, n: int) -> bytes:
        return hj212.build_frame(
            qn=f"{n:017d}",
            st="39",
            cn="2011",
            pw="123456",
            mn=_mn(i),
            flag=5,
            cp={
                "DataTime": _datatime(200000 + n),
                "a34002-Rtd": Decimal("68.4"),
                "LA-Rtd": Decimal(str(_noise(i))),
                "a01001-Rtd": Decimal("12.6"),
            },
        ).encode()

    async def paced(i: int, stop: float, counts: list[int]) -> None:
        """Open loop: one frame every devices / rate seconds whatever the answers (a device
        on its own clock), skipped only with ``window`` frames already unanswered."""
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        period = devices / rate
        sent = acked = skipped = 0

        async def answers() -> None:
            nonlocal acked
            buffer = b""
            while data := await reader.read(65536):
                buffer += data
                done = buffer.count(b"\r\n")
                buffer = buffer[buffer.rfind(b"\r\n") + 2 :] if done else buffer
                acked += done

        reading = asyncio.create_task(answers())
        due = time.monotonic() + period * i / devices
        while due < stop:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            if sent - acked < window:
                writer.write(frame(i, sent))
                sent += 1
            else:
                skipped += 1
            due += period
        give_up = time.monotonic() + 30
        while acked < sent and time.monotonic() < give_up:
            await asyncio.sleep(0.05)
        reading.cancel()
        counts[0] += sent
        counts[1] += acked
        counts[2] += skipped
        writer.close()

    async def device(i: int, stop: float, counts: list[int]) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        sent = acked = 0
        buffer = b""
        while sent < window:
            writer.write(frame(i, sent))
            sent += 1
        while True:
            data = await reader.read(65536)
            if not data:
                break
            buffer += data
            done = buffer.count(b"\r\n")
            buffer = buffer[buffer.rfind(b"\r\n") + 2 :] if done else buffer
            acked += done
            if time.monotonic() < stop:
                writer.write(b"".join(frame(i, sent + k) for k in range(done)))
                sent += done
            elif acked >= sent:
                break
        counts[0] += sent
        counts[1] += acked
        writer.close()

    async def main() -> None:
        counts = [0, 0, 0]
        start = time.monotonic()
        stop = start + seconds
        client = paced if rate else device
        results = await asyncio.gather(
            *(client(i, stop, counts) for i in range(devices)), return_exceptions=True
        )
        errors = [repr(r) for r in results if isinstance(r, BaseException)]
        out.put(
            {
                "sent": counts[0],
                "acked": counts[1],
                "skipped": counts[2],
                "seconds": time.monotonic() - start,
                "client_errors": len(errors),
                "first_error": errors[0] if errors else "",
            }
        )

    asyncio.run(main())


def _mqtt_publisher(
    port: int, prefix: str, project: str, devices: int, seconds: float, out
) -> None:
    import json

    import paho.mqtt.client as paho

    client = paho.Client(paho.CallbackAPIVersion.VERSION2)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port)
    client.loop_start()
    n = 0
    start = time.monotonic()
    last = None
    while time.monotonic() - start < seconds:
        for i in range(devices):
            payload = json.dumps(
                {"time": _datatime(400000 + n), "pm10": 60.5, "noise_la": _noise(i)}
            )
            last = client.publish(
                f"{prefix}/site/{project}/device/{_mn(i)}/reading", payload, qos=1
            )
        n += 1
        # keep the broker's queue bounded: wait for the last of this round
        last.wait_for_publish(30)
    out.put({"published": n * devices, "seconds": time.monotonic() - start})
    client.disconnect()
    client.loop_stop()


def _http_clients(base: str, devices: int, seconds: float, batch: int, threads: int = 16):
    import json

    from bench._http import Client

    results = {"requests": 0, "readings": 0, "errors": 0}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def work(t: int) -> None:
        client = Client(base)
        n = 0
        while time.monotonic() < stop:
            i = (t + threads * n) % devices
            second = 600000 + (t + threads * n) // devices * batch
            body = json.dumps(
                {
                    "readings": [
                        {"time": _datatime(second + k), "pm10": 55.0, "noise_la": _noise(i)}
                        for k in range(batch)
                    ]
                }
            )
            conn_headers = {
                "Content-Type": "application/json",
                "X-Device-Key": f"bench-key-{i:06d}-abcdefgh",
            }
            try:
                if client.conn is None:
                    import http.client

                    client.conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=30)
                client.conn.request(
                    "POST", "/api/v1/smartsite/readings", body=body, headers=conn_headers
                )
                response = client.conn.getresponse()
                data = response.read()
                ok = response.status == 201
                accepted = json.loads(data)["accepted"] if ok else 0
            except Exception:
                client.close()
                ok, accepted = False, 0
            with lock:
                results["requests"] += 1
                results["readings"] += accepted
                results["errors"] += 0 if ok else 1
            n += 1

    pool = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    return results


# --- the child: one backend ---------------------------------------------------------------


def child(args: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit(1)))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from jianguan.core.actor import SYSTEM
    from jianguan.ledger.keys import ensure_key
    from jianguan.rules.services import rules_sync_from_data
    from jianguan.smartsite.monitors import hooks
    from jianguan.smartsite.monitors.models import Device, Reading
    from jianguan.smartsite.monitors.services import Incoming, hash_key, readings_ingest

    backend = args.child
    call_command("migrate", verbosity=0)
    ensure_key()
    rules_sync_from_data()
    project = _project()
    Device.objects.bulk_create(
        [
            Device(
                project=project,
                mn=_mn(i),
                name=f"监测点{i}",
                password="123456",
                key_hash=hash_key(f"bench-key-{i:06d}-abcdefgh"),
                crc_variants=["hj212"],
            )
            for i in range(args.devices)
        ],
        batch_size=1000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    latencies: list[float] = []

    def hook(batch) -> None:
        import datetime as dt

        now = dt.datetime.now(dt.UTC)
        latencies.extend(
            (now - r.received_at).total_seconds() for r in batch[:: max(1, len(batch) // 20)]
        )

    hooks.register_batch_hook(hook)

    from jianguan.smartsite.alerts.models import EnvAlert

    # CPU seconds of this process (the ingest: service, listener, subscriber; the load
    # generators are other processes): readings per CPU second is the capacity of one core,
    # which a shared machine's load does not distort the way it distorts wall-clock rates.
    # On PostgreSQL the server's share too (``db_cpu_seconds``: its backends for this
    # database, from /proc when the server is on this machine) and the load generator's
    # (``client_cpu_seconds``): on 2 shared cores the three compete for the same CPU.
    cpu: dict = {"mark": 0.0, "children": 0.0, "db": None, "db_end": None}

    def begin() -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu["mark"] = usage.ru_utime + usage.ru_stime
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu["children"] = children.ru_utime + children.ru_stime
        cpu["db"], cpu["db_end"] = _db_cpu(connection), None

    def end() -> None:
        """Before the listener closes its connection (its backend's CPU goes with it)."""
        cpu["db_end"] = _db_cpu(connection)

    def figures(path: str, readings: int, seconds: float, *, in_process=True, **extra) -> None:
        hook = {}
        if in_process:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            used = usage.ru_utime + usage.ru_stime - cpu["mark"]
            hook["cpu_seconds"] = round(used, 1)
            hook["readings_per_cpu_s"] = round(readings / used) if used else 0
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            client = children.ru_utime + children.ru_stime - cpu["children"]
            if client > 0.05:
                hook["client_cpu_seconds"] = round(client, 1)
            start, stop = cpu["db"], cpu["db_end"] or _db_cpu(connection)
            if start is not None and stop is not None:
                db = sum(v - start.get(pid, 0.0) for pid, v in stop.items())
                hook["db_cpu_seconds"] = round(db, 1)
                hook["readings_per_cpu_s_with_db"] = round(readings / (used + db)) if used else 0
        if latencies:
            q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
            hook.update(hook_p50_ms=round(q[49] * 1000, 1), hook_p99_ms=round(q[98] * 1000, 1))
        emit(
            f"ingest.{path}",
            backend=backend,
            devices=args.devices,
            readings=readings,
            seconds=round(seconds, 1),
            readings_per_s=round(readings / seconds) if seconds else 0,
            loadavg_1m=os.getloadavg()[0],
            alerts_total=EnvAlert.objects.count(),
            over_limit_devices=len(range(0, args.devices, OVER_EVERY)),
            **hook,
            **extra,
        )
        latencies.clear()

    paths = [p for p in args.paths.split(",") if p]
    if "service" in paths:
        begin()
        start, n, made = time.monotonic(), 0, 0
        while time.monotonic() - start < args.seconds:
            items = []
            for k in range(made, made + 500):
                payload = {
                    "time": _datatime(k // args.devices),
                    "pm10": 50.0,
                    "noise_la": _noise(k % args.devices),
                }
                items.append(Incoming("http", "{}", mn=_mn(k % args.devices), payload=payload))
            made += 500
            n += len(readings_ingest(actor=SYSTEM, items=items).readings)
        figures("service", n, time.monotonic() - start)

    ctx = multiprocessing.get_context("spawn")
    if "hj212" in paths:
        import asyncio

        from jianguan.smartsite.monitors.tcp import HJ212Server

        loop = asyncio.new_event_loop()
        server = HJ212Server(host="127.0.0.1", port=0, idle_timeout=120)
        thread = threading.Thread(target=loop.run_forever, daemon=True)
        thread.start()
        port = asyncio.run_coroutine_threadsafe(server.start(), loop).result(10)
        before = Reading.objects.count()
        out = ctx.Queue()
        begin()
        proc = ctx.Process(
            target=_tcp_clients,
            args=(port, args.devices, args.seconds, args.window, out, args.rate),
        )
        proc.start()
        result = out.get(timeout=args.seconds + 120)
        proc.join(30)
        stored = Reading.objects.count() - before
        end()
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(60)
        loop.call_soon_threadsafe(loop.stop)
        figures(
            "hj212",
            result["acked"],
            result["seconds"],
            sent=result["sent"],
            stored=stored,
            connections=args.devices,
            window=args.window,
            rate_offered=args.rate or None,
            skipped=result["skipped"],
            client_errors=result["client_errors"],
            first_error=result["first_error"],
        )

    if "mqtt" in paths:
        broker, port = _broker(Path(os.environ["DATA_DIR"]), args.broker)
        if port is None:
            emit("ingest.mqtt", backend=backend, skipped="no Mosquitto (own or 127.0.0.1:1883)")
        else:
            import uuid

            from jianguan.smartsite.monitors.mqtt import Subscriber

            prefix = f"bench-{uuid.uuid4().hex[:8]}"
            sub = Subscriber(port=port, prefix=prefix, client_id=f"{prefix}-sub")
            sub.start()
            sub.subscribed.wait(10)
            before = Reading.objects.count()
            out = ctx.Queue()
            begin()
            start = time.monotonic()
            proc = ctx.Process(
                target=_mqtt_publisher,
                args=(port, prefix, project.code, args.devices, args.seconds, out),
            )
            proc.start()
            published = out.get(timeout=args.seconds + 300)
            proc.join(30)
            last, last_change = -1, time.monotonic()
            while (
                last < published["published"]
                and time.monotonic() - last_change < 15
                and time.monotonic() - start < args.seconds + 120
            ):
                now_count = Reading.objects.count() - before
                if now_count != last:
                    last, last_change = now_count, time.monotonic()
                time.sleep(0.5)
            end()
            sub.stop()
            figures(
                "mqtt",
                last,
                last_change - start,
                published=published["published"],
                publish_seconds=round(published["seconds"], 1),
                broker=args.broker,
            )
            if broker is not None:
                broker.terminate()
                broker.wait(10)

    if "http" in paths:
        from bench._http import serve

        connections.close_all()
        with serve(dict(os.environ), log=Path(os.environ["DATA_DIR"]) / "granian.log") as base:
            before = Reading.objects.count()
            start = time.monotonic()
            result = _http_clients(base, args.devices, args.seconds, args.http_batch)
            seconds = time.monotonic() - start
            stored = Reading.objects.count() - before
        figures(
            "http",
            result["readings"],
            seconds,
            in_process=False,
            requests=result["requests"],
            errors=result["errors"],
            stored=stored,
            per_request=args.http_batch,
        )
    _listener_paths(args, paths, backend)
    emit(
        "ingest.rss",
        backend=backend,
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    )
    return 0


def _db_cpu(connection) -> dict[int, float] | None:
    """CPU seconds so far of each PostgreSQL backend of this database, when the server runs
    on this machine (its /proc); None on SQLite or a remote server."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        pids = [row[0] for row in cur.fetchall()]
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended since, or not on this machine
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out or None


def _listener_paths(args: argparse.Namespace, paths: list[str], backend: str) -> None:
    from bench._ingest_listener import kill_figure, soak_figure

    mns = [_mn(i) for i in range(args.devices)]
    if "kill" in paths:
        kill_after = args.kill_after or args.seconds / 3
        kill_figure(
            backend=backend,
            mns=mns,
            seconds=args.seconds,
            kill_after=kill_after,
            window=args.window,
        )
    if "soak" in paths:
        soak_figure(
            backend=backend,
            mns=mns,
            seconds=args.soak_seconds,
            rate=args.soak_rate,
            warmup=args.soak_warmup,
        )


BROKER_CONF = """listener {port} 127.0.0.1
allow_anonymous true
persistence false
# What a production broker for site devices needs (README): the subscriber acknowledges a
# QoS 1 message only after its batch is stored, so the default of 20 messages in flight caps
# it, and the default queue of 1,000 per persistent session drops the rest.
max_inflight_messages 1000
max_queued_messages 200000
"""


def _broker(data_dir: Path, which: str):
    """(process, port): a private Mosquitto configured as production should be ("own"), or
    the machine's on 1883 with its defaults ("system")."""
    import shutil
    import subprocess

    if which == "own" and shutil.which("mosquitto"):
        from bench._http import free_port

        port = free_port()
        conf = data_dir / "mosquitto.conf"
        conf.write_text(BROKER_CONF.format(port=port))
        proc = subprocess.Popen(
            ["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return proc, port
            except OSError:
                time.sleep(0.1)
        proc.terminate()
        return None, None
    try:
        socket.create_connection(("127.0.0.1", 1883), timeout=1).close()
    except OSError:
        return None, None
    return None, 1883


def _project():
    from decimal import Decimal

    from jianguan.accounts.models import Organisation
    from jianguan.accounts.tests.factories import OrganisationFactory, TownFactory
    from jianguan.core.actor import SYSTEM
    from jianguan.projects.services import project_create

    owner = Organisation.objects.filter(kind="owner").first() or OrganisationFactory(kind="owner")
    return project_create(
        actor=SYSTEM,
        code="DX-BENCH-1",
        name="监测基准项目",
        type="building",
        funding="government",
        budget=Decimal("1000000"),
        town=TownFactory(name="黄村镇"),
        longitude="116.34",
        latitude="39.73",
        owner=owner,
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--devices", type=int, default=1000)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument(
        "--paths",
        default=",".join(PATHS),
        help=f"default {','.join(PATHS)}; also {','.join(EXTRA_PATHS)} when named",
    )
    p.add_argument("--window", type=int, default=5, help="HJ 212 frames unanswered per device")
    p.add_argument(
        "--rate",
        type=float,
        default=0,
        help="hj212: readings/s offered by the devices on their own clocks (0: each device "
        "sends as fast as its window is answered, the capacity)",
    )
    p.add_argument("--http-batch", type=int, default=10)
    p.add_argument("--kill-after", type=float, default=0, help="kill: seconds (0: a third)")
    p.add_argument("--soak-seconds", type=float, default=600)
    p.add_argument("--soak-rate", type=float, default=1000, help="soak: readings per second")
    p.add_argument("--soak-warmup", type=float, default=60)
    p.add_argument(
        "--broker",
        default="own",
        choices=("own", "system"),
        help="own: a private Mosquitto with production settings; system: 127.0.0.1:1883",
    )
    p.add_argument("--backends", default="")
    p.add_argument("--timeout", type=int, default=900)
    p.add_argument("--child", default="")
    args = p.parse_args()
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
