"""What the monitors register with the layers below, called from SmartsiteConfig.ready():
grants, ledger words and visibility (a device's entries to whoever sees its project), and the
hourly purge of raw frames past their retention (rule data) and the hourly making of the
readings' monthly partitions ahead (PostgreSQL)."""

from __future__ import annotations


def purge_raw_records() -> object:
    from jianguan.core.actor import SYSTEM
    from jianguan.core.errors import NotFound
    from jianguan.smartsite.monitors.services import raw_records_purge

    try:
        return raw_records_purge(actor=SYSTEM)
    except NotFound:  # rule data not loaded yet on a new install
        return "no rule data"


def ensure_reading_partitions() -> object:
    from jianguan.core.actor import SYSTEM
    from jianguan.smartsite.monitors.services_partitions import reading_partitions_ensure

    return reading_partitions_ensure(actor=SYSTEM)


def register_all() -> None:
    from jianguan.core import periodic
    from jianguan.ledger import labels, visibility
    from jianguan.smartsite.monitors import permissions  # noqa: F401  (registers grants)

    labels.register(
        {
            "smartsite.device_registered": "登记环境监测设备",
            "smartsite.device_status_changed": "变更环境监测设备状态",
        }
    )
    from jianguan.projects.visibility import sees_project_of
    from jianguan.smartsite.monitors.models import Device

    visibility.register("smartsite", "device", sees_project_of(Device))
    # 噪声污染防治法第四十二条: raw records are kept; past the retention they go, hourly.
    periodic.register("smartsite.raw_records_purge", 3600, purge_raw_records)
    # Next months' partitions exist before their readings arrive (else they wait in DEFAULT).
    periodic.register("smartsite.reading_partitions_ensure", 3600, ensure_reading_partitions)
