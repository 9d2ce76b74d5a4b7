"""HTTP JSON ingest: device-key authentication, per-device rate limit, impossible values
refused with reasons (rest kept), duplicates, stable 4xx codes with Chinese messages."""

import json

import pytest
from django.test import override_settings

from jianguan.core.actor import SYSTEM
from jianguan.smartsite.monitors.models import QuarantinedFrame, Reading
from jianguan.smartsite.monitors.services import device_set_status
from jianguan.smartsite.tests.monitors_helpers import build_monitors

URL = "/api/v1/smartsite/readings"


@pytest.fixture
def site(db, monkeypatch):
    # one fixed minute: a window turning over mid-test would reset the rate counts
    monkeypatch.setattr("jianguan.core.ratelimit._now_minute", lambda: 29_000_000)
    return build_monitors()


def post(client, body, key=None, raw=None):
    headers = {"X-Device-Key": key} if key else {}
    data = raw if raw is not None else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", headers=headers)


def test_readings_stored_with_refused_values(client, site):
    body = {
        "readings": [
            {"time": "2026-11-23T09:30:00+08:00", "pm10": 68.4, "noise_la": 63.8},
            {"time": "20261123093100", "pm10": -3, "noise_la": 300, "humidity": 40},
            {"time": "2026-11-23T09:30:00+08:00", "pm10": 1},
        ]
    }
    r = post(client, body, site["key1"])
    assert r.status_code == 201, r.content
    assert r.json() == {
        "accepted": 2,
        "duplicates": 1,
        "rejected": [{"index": 1, "fields": {"pm10": "below_range", "noise_la": "above_range"}}],
    }
    second = Reading.objects.get(pm10__isnull=True)
    assert second.humidity == 40 and second.source == "http"


@pytest.mark.parametrize(
    ("key", "body", "status", "code"),
    [
        (None, {"readings": [{"time": "20261123093000"}]}, 401, "device_unauthorized"),
        ("x" * 32, {"readings": [{"time": "20261123093000"}]}, 401, "device_unauthorized"),
        ("ok", {"readings": []}, 400, "validation_error"),
        ("ok", {"readings": [{"pm10": 5}]}, 400, "validation_error"),
        ("ok", {"readings": [{"time": "yesterday!"}]}, 400, "bad_time"),
        ("ok", {"readings": [{"time": "20261123093000", "pm10": "many"}]}, 400, "validation_error"),
        (
            "ok",
            {"readings": [{"time": "20261123093000", "period": "week"}]},
            400,
            "validation_error",
        ),
        ("ok", {"readings": [{"time": "20261123093000"}] * 501}, 400, "validation_error"),
        ("ok", [1, 2], 400, "body_not_object"),
    ],
)
def test_bad_input_answers(client, site, key, body, status, code):
    r = post(client, body, site["key1"] if key == "ok" else key)
    assert r.status_code == status, r.content
    assert r.json()["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["message"])
    assert Reading.objects.count() == 0


def test_unparseable_body(client, site):
    r = post(client, None, site["key1"], raw="{not json")
    assert r.status_code == 400 and r.json()["code"] == "bad_request_body"


def test_quarantined_device_refused_data_kept(client, site):
    device_set_status(actor=SYSTEM, device=site["d1"], status="quarantined", reason="比对核查")
    r = post(client, {"readings": [{"time": "20261123093000", "pm10": 50}]}, site["key1"])
    assert r.status_code == 403 and r.json()["code"] == "device_not_active"
    assert QuarantinedFrame.objects.get().reason == "quarantined_device"
    assert Reading.objects.count() == 0


@override_settings(SMARTSITE_HTTP_REQUESTS_PER_MINUTE=3)
def test_rate_limited_per_device(client, site):
    body = {"readings": [{"time": "20261123093000", "pm10": 50}]}
    assert [post(client, body, site["key1"]).status_code for _ in range(4)] == [201, 201, 201, 429]
    assert post(client, body, site["key1"]).json()["code"] == "rate_limited"
    # another device has its own allowance
    assert post(client, body, site["key2"]).status_code == 201


@override_settings(SMARTSITE_HTTP_AUTH_FAILURES_PER_MINUTE=2)
def test_wrong_keys_rate_limited_per_address(client, site):
    body = {"readings": [{"time": "20261123093000", "pm10": 50}]}
    codes = [post(client, body, "y" * 32).status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def test_the_key_lookup_gives_the_row_the_orm_gives(site):
    from jianguan.smartsite.monitors.models import Device
    from jianguan.smartsite.monitors.services import _DEVICE_FIELDS, device_by_key

    device = device_by_key(site["key1"])
    expected = Device.objects.filter(pk=device.pk).values(*_DEVICE_FIELDS).get()
    assert vars(device) == expected
    assert device_by_key("z" * 32) is None and device_by_key("short") is None
    # a device heard but never registered has no key to match
    Device.objects.filter(pk=device.pk).update(status="unknown")
    assert device_by_key(site["key1"]) is None
