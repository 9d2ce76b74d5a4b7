"""The MQTT subscriber of site monitors (``manage.py mqtt_subscriber``).

Topic scheme (README "智慧工地 / Smart site ingest")::

    jianguan/site/<project code>/device/<MN>/reading

The MN in the topic names the device (the project code is there for the broker's ACLs and
for people reading traffic; a mismatch with the register is logged). The payload is either
one HJ 212 frame (or several, CR LF separated: text starting with ``##``) or JSON: one
reading object ``{"time": "2026-11-23T09:30:00+08:00", "period": "rtd", "pm10": 68.4, …}``,
a list of them, or ``{"readings": [...]}``.

Delivery: QoS 1 on a persistent session (``clean_session=False``) with manual
acknowledgement: a message is acknowledged (PUBACK) only after the batch holding it has
committed, so the broker redelivers anything the platform had not stored when it stopped.
With no broker reachable the client keeps retrying in its own thread (back-off up to 30 s)
and blocks nothing else.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import paho.mqtt.client as mqtt

from jianguan.smartsite import hj212
from jianguan.smartsite.hj212_stream import Deframer
from jianguan.smartsite.monitors import hooks
from jianguan.smartsite.monitors.services import Incoming, readings_ingest_from_listener

log = logging.getLogger("jianguan.smartsite.mqtt")

#: A batch is written when it is full, when ``flush_interval`` has passed since its first item,
#: or when nothing more arrived for this long: devices that wait for their answers before
#: sending more (HJ 212 Flag A, MQTT QoS 1 in-flight limits) are not kept waiting for a timer.
IDLE_GAP = 0.01

TOPIC_PREFIX = "jianguan"


def topic_filter(prefix: str = TOPIC_PREFIX) -> str:
    return f"{prefix}/site/+/device/+/reading"


def topic_for(project_code: str, mn: str, prefix: str = TOPIC_PREFIX) -> str:
    return f"{prefix}/site/{project_code}/device/{mn}/reading"


def parse_topic(topic: str, prefix: str = TOPIC_PREFIX) -> tuple[str, str] | None:
    """(project code, MN) of a reading topic, or None."""
    parts = topic.split("/")
    head = prefix.split("/")
    if len(parts) != len(head) + 5 or parts[: len(head)] != head:
        return None
    site, project, device, mn, leaf = parts[len(head) :]
    if (site, device, leaf) != ("site", "device", "reading") or not mn:
        return None
    return project, mn


def items_from_message(topic: str, payload: bytes, prefix: str = TOPIC_PREFIX) -> list[Incoming]:
    """What one message carries, as ingest items (unreadable ones marked ``malformed``)."""
    where = parse_topic(topic, prefix)
    mn = where[1] if where else ""
    text = payload.decode("utf-8", "surrogateescape")
    peer = f"mqtt:{topic}"[:64]
    if where is None:
        return [Incoming("mqtt", text, error="malformed", peer=peer)]
    if text.lstrip().startswith("##"):
        deframer = Deframer()
        frames = deframer.feed(payload if payload.endswith(b"\r\n") else payload + b"\r\n")
        items = []
        for frame in frames:
            try:
                parsed = hj212.parse(frame)
            except hj212.FrameError:
                items.append(Incoming("mqtt", frame, mn=mn, error="malformed", peer=peer))
                continue
            if parsed["mn"] and parsed["mn"] != mn:
                log.warning("frame MN %s published under topic MN %s", parsed["mn"], mn)
            items.append(Incoming("mqtt", frame, mn=parsed["mn"] or mn, parsed=parsed, peer=peer))
        for chunk, _reason in deframer.take_discarded():
            items.append(
                Incoming(
                    "mqtt", chunk.decode("utf-8", "replace"), mn=mn, error="malformed", peer=peer
                )
            )
        return items
    try:
        data = json.loads(text)
    except ValueError:
        return [Incoming("mqtt", text, mn=mn, error="malformed", peer=peer)]
    if isinstance(data, dict) and isinstance(data.get("readings"), list):
        data = data["readings"]
    records = data if isinstance(data, list) else [data]
    items = []
    for record in records[:1000]:
        if isinstance(record, dict):
            raw = json.dumps(record, ensure_ascii=False)
            items.append(Incoming("mqtt", raw, mn=mn, payload=record, peer=peer))
        else:
            items.append(Incoming("mqtt", json.dumps(record), mn=mn, error="malformed", peer=peer))
    return items or [Incoming("mqtt", text, mn=mn, error="malformed", peer=peer)]


@dataclass
class _Message:
    mid: int
    qos: int
    items: list[Incoming] = field(default_factory=list)


class Subscriber:
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 1883,
        username: str = "",
        password: str = "",
        client_id: str = "jianguan-ingest",
        prefix: str = TOPIC_PREFIX,
        batch_size: int = 500,
        flush_interval: float = 0.2,
        queue_size: int = 20000,
        ingest: Callable[[list[Incoming]], list[bool]] = readings_ingest_from_listener,
    ) -> None:
        self.host, self.port, self.prefix = host, port, prefix
        self.batch_size, self.flush_interval = batch_size, flush_interval
        self.ingest = ingest
        self.queue: queue.Queue[_Message] = queue.Queue(maxsize=queue_size)
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        self.stats = {"messages": 0, "items": 0, "batches": 0, "connects": 0}
        self._stop = threading.Event()
        self._writer = threading.Thread(target=self._write_loop, name="mqtt-db", daemon=True)
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=False,  # the broker keeps QoS 1 messages while we are away
            manual_ack=True,
        )
        if username:
            self.client.username_pw_set(username, password or None)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message

    # paho callbacks (its network thread) -------------------------------------------------

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.warning("MQTT broker refused the connection: %s", reason_code)
            return
        self.stats["connects"] += 1
        self.connected.set()
        client.subscribe(topic_filter(self.prefix), qos=1)
        log.info("MQTT connected to %s:%s", self.host, self.port)

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.connected.clear()
        self.subscribed.clear()
        if not self._stop.is_set():
            log.warning("MQTT disconnected (%s); reconnecting", reason_code)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        self.subscribed.set()

    def _on_message(self, client, userdata, message) -> None:
        self.stats["messages"] += 1
        try:
            items = items_from_message(message.topic, message.payload, self.prefix)
        except Exception:  # a message we cannot even cut up is kept whole
            log.exception("MQTT message on %s could not be read", message.topic)
            items = [Incoming("mqtt", repr(message.payload[:4000]), error="malformed")]
        # Blocks paho's thread when the queue is full: back-pressure to the broker.
        now = dt.datetime.now(dt.UTC)
        for item in items:
            item.received_at = now
        self.queue.put(_Message(message.mid, message.qos, items))

    # life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Returns at once; the connection is made (and remade) in paho's thread."""
        self._writer.start()
        hooks.warm_up_in_background()
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._writer.join(timeout)
        self.client.disconnect()
        self.client.loop_stop()
        from django.db import connections

        connections.close_all()

    # the writer ------------------------------------------------------------------------

    def _write_loop(self) -> None:
        while not (self._stop.is_set() and self.queue.empty()):
            try:
                batch = [self.queue.get(timeout=0.2)]
            except queue.Empty:
                continue
            deadline = time.monotonic() + self.flush_interval
            count = len(batch[0].items)
            while count < self.batch_size:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    message = self.queue.get(timeout=min(left, IDLE_GAP))
                except queue.Empty:
                    break
                batch.append(message)
                count += len(message.items)
            self._write(batch)
        from django.db import connections

        connections.close_all()

    def _write(self, batch: list[_Message]) -> None:
        items = [item for message in batch for item in message.items]
        delay = 0.5
        while True:
            try:
                self.ingest(items)
                break
            except Exception:
                log.exception("writing %d MQTT items failed; retrying in %.1fs", len(items), delay)
                if self._stop.is_set() or delay > 30:
                    return  # not acknowledged: the broker redelivers on the next session
                time.sleep(delay)
                delay *= 2
        self.stats["batches"] += 1
        self.stats["items"] += len(items)
        # Everything is stored (readings, raw frames or quarantine): acknowledge it all.
        for message in batch:
            if message.qos > 0:
                self.client.ack(message.mid, message.qos)
