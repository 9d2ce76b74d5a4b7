"""What the monitors register with the layers below, called from SmartsiteConfig.ready()."""


def register_all() -> None:
    from jianguan.ledger import labels
    from jianguan.smartsite.monitors import permissions  # noqa: F401  (registers grants)

    labels.register(
        {
            "smartsite.device_registered": "登记环境监测设备",
            "smartsite.device_status_changed": "变更环境监测设备状态",
        }
    )
