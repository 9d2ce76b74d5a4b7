"""Device statuses and their Chinese labels (pure: no Django, no queries)."""

from __future__ import annotations

ACTIVE = "active"
QUARANTINED = "quarantined"
UNKNOWN = "unknown"
RETIRED = "retired"

#: A device's status. ``unknown``: an MN the platform heard but nobody registered (its frames
#: are kept in quarantine until a project claims it); ``quarantined``: registered, but its data
#: is held back (suspected tampering, wrong password, maintenance) and no reading is stored.
DEVICE_STATUS = {
    ACTIVE: "在用",
    QUARANTINED: "隔离",
    UNKNOWN: "未登记",
    RETIRED: "停用",
}

DEVICE_KIND = {
    "dust_noise": "扬尘噪声一体监测",
    "dust": "扬尘监测",
    "noise": "噪声监测",
    "weather": "气象监测",
}

#: Units a device may send particulate matter in (HJ212.md §7: configure per device).
PM_UNIT = {"ug_m3": "µg/m³", "mg_m3": "mg/m³", "ng_m3": "ng/m³"}

SOURCE = {"hj212": "HJ 212 TCP", "mqtt": "MQTT", "http": "HTTP"}

#: The kind of record by HJ 212 command (2017 §6.6): real-time, minute, hourly, daily.
PERIOD = {"rtd": "实时", "min": "分钟", "hour": "小时", "day": "日"}

QUARANTINE_REASON = {
    "unknown_mn": "未登记的设备编号",
    "quarantined_device": "设备已隔离",
    "retired_device": "设备已停用",
    "bad_password": "访问密码错误",
    "bad_crc": "校验码错误",
    "malformed": "报文无法解析",
    "no_time": "缺少数据时间",
}

#: Which statuses may register readings.
ACCEPTS_READINGS = frozenset({ACTIVE})
