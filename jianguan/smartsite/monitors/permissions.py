"""Grants for the environmental monitors (deny by default)."""

from jianguan.core.permissions import register

REGULATOR = [("regulator", "admin"), ("regulator", "staff"), ("regulator", "inspector")]

# Devices are registered by the regulator or by the owner (噪声污染防治法第四十二条: the
# client installs the automatic noise monitoring and networks it with the regulator).
register(
    "smartsite.monitors_manage",
    "登记和管理环境监测设备",
    [*REGULATOR, ("owner", "admin"), ("owner", "staff")],
)
