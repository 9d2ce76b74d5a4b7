"""The HJ 212 listener: asyncio TCP server, sessions keyed by MN, batched durable writes.

Monitors are TCP clients (HJ212.md §8). Per connection a :class:`Deframer` cuts the byte
stream into frames; each frame is parsed (an unreadable one is logged and quarantined, never
raised), split uploads are reassembled, and every frame goes to one bounded queue. A single
writer takes up to ``batch_size`` items (or what arrived within ``flush_interval``), writes
them with :func:`readings_ingest` in a worker thread (the ORM is synchronous), and only then
sends the 9014 answers the frames asked for (Flag bit A): an acknowledged reading is durable.
A full queue stops the readers (back-pressure) instead of growing memory. A batch that fails
(database down) is retried with back-off and never acknowledged before it is stored.

Sessions are keyed by MN, not address: a new connection with the same MN replaces the old one
(HJ212.md §8), and connections idle longer than ``idle_timeout`` are closed (2017 has no
heartbeat; devices reconnect and resend what was not acknowledged).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jianguan.smartsite import hj212
from jianguan.smartsite.hj212_stream import Deframer, Reassembler
from jianguan.smartsite.monitors import hooks
from jianguan.smartsite.monitors.services import Incoming, readings_ingest_from_listener

log = logging.getLogger("jianguan.smartsite.hj212")

#: A batch is written when it is full, when ``flush_interval`` has passed since its first item,
#: or when nothing more arrived for this long: devices that wait for their answers before
#: sending more (HJ 212 Flag A, MQTT QoS 1 in-flight limits) are not kept waiting for a timer.
IDLE_GAP = 0.01


@dataclass
class _Pending:
    item: Incoming
    acks: list[tuple[asyncio.StreamWriter, str]] = field(default_factory=list)


@dataclass
class _Conn:
    """One TCP connection: its peer, writer, buffer, MNs seen and split uploads in progress."""

    peer: str
    writer: asyncio.StreamWriter
    deframer: Deframer
    reassembler: Reassembler = field(default_factory=Reassembler)
    mns: set[str] = field(default_factory=set)
    #: split group -> raw texts, answers owed, whether every part's CRC verified
    parts: dict[tuple, dict] = field(default_factory=dict)
    #: time.monotonic() of the last bytes received (the idle sweep closes it after idle_timeout)
    last_read: float = field(default_factory=time.monotonic)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)  # the receive time, kept with the raw frame


def _close_connections() -> None:
    from django.db import connections

    connections.close_all()


class HJ212Server:
    def __init__(
        self,
        *,
        host: str = "0.0.0.0",
        port: int = 9212,
        batch_size: int = 500,
        flush_interval: float = 0.2,
        queue_size: int = 20000,
        idle_timeout: float = 600.0,
        max_segment: int = 4096,
        ingest: Callable[[list[Incoming]], list[bool]] = readings_ingest_from_listener,
    ) -> None:
        self.host, self.port = host, port
        self.batch_size, self.flush_interval = batch_size, flush_interval
        self.idle_timeout, self.max_segment = idle_timeout, max_segment
        self.ingest = ingest
        self.queue: asyncio.Queue[_Pending] = asyncio.Queue(maxsize=queue_size)
        self.sessions: dict[str, asyncio.StreamWriter] = {}
        self.stats = {"connections": 0, "frames": 0, "malformed": 0, "acked": 0, "batches": 0}
        self._server: asyncio.base_events.Server | None = None
        self._writer_task: asyncio.Task | None = None
        self._sweep_task: asyncio.Task | None = None
        self._open: dict[asyncio.StreamWriter, _Conn] = {}
        # One thread: batches are written in order, and SQLite has one writer anyway.
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="hj212-db")

    async def start(self) -> int:
        # A deep accept queue: after a restart every device reconnects at once (1,000 or more).
        self._server = await asyncio.start_server(self._handle, self.host, self.port, backlog=4096)
        self.port = self._server.sockets[0].getsockname()[1]
        self._writer_task = asyncio.create_task(self._writer())
        self._sweep_task = asyncio.create_task(self._sweep_idle())
        hooks.warm_up_in_background()
        log.info("HJ 212 listening on %s:%s", self.host, self.port)
        return self.port

    async def serve_forever(self) -> None:
        assert self._server is not None
        await self._server.serve_forever()

    async def stop(self) -> None:
        """Stop accepting, write what is queued, close the connections."""
        if self._server is not None:
            self._server.close()
        await self.queue.join()
        for task in (self._writer_task, self._sweep_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        for writer in list(self._open):
            writer.close()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, _close_connections)
        self._executor.shutdown(wait=True)

    # --- connections ------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peername = writer.get_extra_info("peername")
        peer = f"{peername[0]}:{peername[1]}" if peername else ""
        self.stats["connections"] += 1
        conn = _Conn(peer, writer, Deframer(max_segment=self.max_segment))
        mns = conn.mns
        self._open[writer] = conn
        try:
            while True:
                data = await reader.read(65536)  # b"" also when the idle sweep closed it
                if not data:
                    break
                conn.last_read = time.monotonic()
                for text in conn.deframer.feed(data):
                    await self._frame(text, conn)
                for chunk, reason in conn.deframer.take_discarded():
                    log.warning("discarded %d bytes from %s: %s", len(chunk), peer, reason)
                    self.stats["malformed"] += 1
                    text = chunk.decode("utf-8", "surrogateescape")
                    await self.queue.put(
                        _Pending(Incoming("hj212", text, error="malformed", peer=peer))
                    )
                for group in conn.reassembler.expire():
                    log.warning("split upload %s from %s never completed", group, peer)
                    conn.parts.pop(group, None)
        except (ConnectionError, OSError) as exc:
            log.info("connection %s ended: %s", peer, exc)
        except Exception:  # never let one connection's surprise stop the server
            log.exception("connection %s failed", peer)
        finally:
            self._open.pop(writer, None)
            for mn in mns:
                if self.sessions.get(mn) is writer:
                    del self.sessions[mn]
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _frame(self, text: str, conn: _Conn) -> None:
        self.stats["frames"] += 1
        peer, writer = conn.peer, conn.writer
        try:
            parsed = hj212.parse(text)
        except hj212.FrameError as exc:
            log.warning("unreadable frame from %s (%s): %.80r", peer, exc.code, text)
            self.stats["malformed"] += 1
            await self.queue.put(_Pending(Incoming("hj212", text, error="malformed", peer=peer)))
            return
        if not parsed["crc_ok"]:
            log.warning("CRC mismatch from %s MN=%s QN=%s", peer, parsed["mn"], parsed["qn"])
        if not hj212.length_ok(text):
            log.warning("length field disagrees from %s MN=%s", peer, parsed["mn"])
        mn = parsed["mn"] or ""
        if mn:
            self._bind(mn, writer, conn.mns)
        ack = hj212.ack_frame(parsed) if hj212.needs_ack(parsed["flag"]) and mn else None
        if parsed["pnum"] and parsed["pnum"] > 1 and parsed["pno"]:
            await self._part(parsed, text, ack, conn)
            return
        pending = _Pending(
            Incoming("hj212", text, mn=mn, parsed=parsed, peer=peer, received_at=_now())
        )
        if ack:
            pending.acks.append((writer, ack))
        await self.queue.put(pending)

    async def _part(self, parsed: dict, text: str, ack: str | None, conn: _Conn) -> None:
        """One packet of a split upload: held until all are in, then written as one reading;
        each packet is acknowledged (HJ212.md §5) once the whole is durable."""
        merged = conn.reassembler.add(parsed)
        group = (parsed["mn"], parsed["cn"], parsed["cp"].get("DataTime"), parsed["pnum"])
        entry = conn.parts.setdefault(group, {"texts": [], "acks": [], "crc": True})
        entry["texts"].append(text)
        entry["crc"] = entry["crc"] and parsed["crc_ok"]
        if ack:
            entry["acks"].append((conn.writer, ack))
        if merged is None:
            return
        del conn.parts[group]
        peer = conn.peer
        whole = dict(parsed, cp=merged, crc_ok=entry["crc"], pnum=None, pno=None)
        raw = "\r\n".join(entry["texts"])
        pending = _Pending(Incoming("hj212", raw, mn=parsed["mn"], parsed=whole, peer=peer))
        pending.acks.extend(entry["acks"])
        await self.queue.put(pending)

    def _bind(self, mn: str, writer: asyncio.StreamWriter, mns: set[str]) -> None:
        old = self.sessions.get(mn)
        if old is not None and old is not writer:
            log.info("MN %s reconnected: closing its previous connection", mn)
            old.close()
        self.sessions[mn] = writer
        mns.add(mn)

    async def _sweep_idle(self) -> None:
        """Close the connections that sent nothing for ``idle_timeout``: one timer for all of
        them, not one per read (``asyncio.wait_for`` made a task for every read, a tenth of
        the listener when devices send one frame and wait for its answer)."""
        every = min(max(self.idle_timeout / 4, 0.05), 30.0)
        while True:
            await asyncio.sleep(every)
            cutoff = time.monotonic() - self.idle_timeout
            for conn in [c for c in self._open.values() if c.last_read < cutoff]:
                log.info("closing idle connection %s %s", conn.peer, sorted(conn.mns))
                conn.writer.close()

    # --- the writer -------------------------------------------------------------------

    async def _writer(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self.queue.get()]
            deadline = time.monotonic() + self.flush_interval
            while len(batch) < self.batch_size:
                try:
                    batch.append(self.queue.get_nowait())
                    continue
                except asyncio.QueueEmpty:
                    pass
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    batch.append(await asyncio.wait_for(self.queue.get(), min(left, IDLE_GAP)))
                except TimeoutError:
                    break
            try:
                await self._write(loop, batch)
            finally:
                for _ in batch:
                    self.queue.task_done()

    async def _write(self, loop: asyncio.AbstractEventLoop, batch: list[_Pending]) -> None:
        items = [p.item for p in batch]
        delay = 0.5
        while True:
            try:
                durable = await loop.run_in_executor(self._executor, self.ingest, items)
                break
            except Exception:
                # Nothing is acknowledged: the devices resend if we give up. Keep trying a
                # while (the queue applies back-pressure meanwhile), then let them resend.
                log.exception("writing a batch of %d failed; retrying in %.1fs", len(items), delay)
                if delay > 30:
                    return
                await asyncio.sleep(delay)
                delay *= 2
        self.stats["batches"] += 1
        # One write per connection for all its answers in the batch, in order (a device with
        # five frames in flight gets one segment, not five system calls).
        answers: dict[asyncio.StreamWriter, list[str]] = {}
        for pending, ok in zip(batch, durable, strict=True):
            if ok:
                for writer, ack in pending.acks:
                    answers.setdefault(writer, []).append(ack)
        for writer, acks in answers.items():
            if writer.is_closing():
                continue
            try:
                writer.write("".join(acks).encode("ascii", "replace"))
                self.stats["acked"] += len(acks)
            except (ConnectionError, OSError, RuntimeError):
                continue


def run(*, host: str, port: int, **options: Any) -> None:
    """Serve until interrupted (``manage.py hj212_server``)."""

    async def main() -> None:
        server = HJ212Server(host=host, port=port, **options)
        await server.start()
        try:
            await server.serve_forever()
        finally:
            await server.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
