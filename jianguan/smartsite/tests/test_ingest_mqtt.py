"""The MQTT subscriber through the machine's Mosquitto (127.0.0.1:1883; skipped when it is
down): JSON and HJ 212 payloads, the topic scheme, bad payloads quarantined, acknowledged only
after the write; with no broker it keeps retrying without blocking."""

import json
import socket
import time
import uuid

import paho.mqtt.client as paho
import pytest

from jianguan.smartsite.monitors import mqtt
from jianguan.smartsite.monitors.models import QuarantinedFrame, Reading
from jianguan.smartsite.tests.monitors_helpers import MN1, MN2, build_monitors, upload, wait_for


def broker_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 1883), timeout=1).close()
    except OSError:
        return False
    return True


def test_topic_scheme():
    assert mqtt.topic_for("DX-1", "MN9") == "jianguan/site/DX-1/device/MN9/reading"
    assert mqtt.parse_topic("jianguan/site/DX-1/device/MN9/reading") == ("DX-1", "MN9")
    assert mqtt.parse_topic("jianguan/site/DX-1/device//reading") is None
    assert mqtt.parse_topic("other/site/DX-1/device/MN9/reading") is None
    assert mqtt.parse_topic("t/x/site/P/device/M/reading", "t/x") == ("P", "M")


def test_items_from_messages():
    topic = mqtt.topic_for("P", MN1)
    (item,) = mqtt.items_from_message(topic, upload().encode())
    assert item.parsed["crc_ok"] and item.mn == MN1
    two = mqtt.items_from_message(topic, json.dumps({"readings": [{"time": "x"}, 5]}).encode())
    assert [i.error for i in two] == ["", "malformed"]
    assert mqtt.items_from_message(topic, b"{not json")[0].error == "malformed"
    assert mqtt.items_from_message("bad/topic", b"{}")[0].error == "malformed"
    assert mqtt.items_from_message(topic, b"##0010QN=1;CP=&&")[0].error == "malformed"


@pytest.fixture
def subscriber(transactional_db):
    if not broker_up():
        pytest.skip("Mosquitto is not running on 127.0.0.1:1883")
    site = build_monitors()
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    sub = mqtt.Subscriber(
        prefix=prefix, client_id=f"jg-test-{uuid.uuid4().hex[:8]}", flush_interval=0.05
    )
    sub.start()
    assert sub.subscribed.wait(10)
    yield sub, prefix, site
    sub.stop()


def publish(topic: str, payload: bytes) -> None:
    client = paho.Client(paho.CallbackAPIVersion.VERSION2)
    client.connect("127.0.0.1", 1883)
    client.loop_start()
    client.publish(topic, payload, qos=1).wait_for_publish(5)
    client.disconnect()
    client.loop_stop()


def test_json_and_hj212_through_mosquitto(subscriber):
    sub, prefix, site = subscriber
    topic1 = mqtt.topic_for(site["project"].code, MN1, prefix)
    topic2 = mqtt.topic_for(site["project"].code, MN2, prefix)
    publish(topic1, upload().encode())
    reading = {"time": "2026-11-23T09:31:00+08:00", "pm10": 0.09, "noise_la": 300}
    publish(topic2, json.dumps({"readings": [reading]}).encode())
    publish(topic2, b"not json at all")
    publish(mqtt.topic_for("P", "NOBODY", prefix), json.dumps({"time": "20261123093000"}).encode())
    assert wait_for(lambda: Reading.objects.count() == 2 and QuarantinedFrame.objects.count() == 2)
    by_mn = {r.device.mn: r for r in Reading.objects.select_related("device")}
    assert by_mn[MN1].pm10 == pytest.approx(68.4) and by_mn[MN1].source == "mqtt"
    assert by_mn[MN2].pm10 == pytest.approx(90.0)  # this device sends mg/m³
    assert by_mn[MN2].noise_la is None and by_mn[MN2].rejected == {"noise_la": "above_range"}
    assert set(QuarantinedFrame.objects.values_list("reason", flat=True)) == {
        "malformed",
        "unknown_mn",
    }
    assert wait_for(lambda: sub.stats["batches"] >= 1)


def test_no_broker_waits_and_retries_without_blocking(transactional_db):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free_port = s.getsockname()[1]
    sub = mqtt.Subscriber(port=free_port, client_id=f"jg-test-{uuid.uuid4().hex[:8]}")
    started = time.monotonic()
    sub.start()
    assert time.monotonic() - started < 1.0
    assert not sub.connected.wait(1.5)
    sub.stop()
    assert time.monotonic() - started < 10
