"""Key-node templates per project type: which joint inspections each project must pass."""

from __future__ import annotations

# (code, name, gates_payment)
BUILDING = [
    ("piling_complete", "桩基完成", True),
    ("foundation_acceptance", "基础验收", True),
    ("topping_out", "主体结构验收/主体封顶", True),
    ("fire_acceptance", "消防验收", False),
    ("energy_acceptance", "节能验收", False),
    ("completion_acceptance", "竣工验收", True),
]
CIVIL = [
    ("foundation_acceptance", "基础验收", True),
    ("main_structure", "主体结构验收", True),
    ("completion_acceptance", "竣工验收", True),
]
LANDSCAPE = [
    ("foundation_acceptance", "基础验收", True),
    ("planting_acceptance", "种植及景观验收", False),
    ("completion_acceptance", "竣工验收", True),
]
TEMPLATES = {
    "building": BUILDING,
    "road": CIVIL,
    "bridge": [("piling_complete", "桩基完成", True), *CIVIL],
    "water_supply": CIVIL,
    "landscape": LANDSCAPE,
    "water_conservancy": CIVIL,
    "rail": [("piling_complete", "桩基完成", True), *CIVIL],
    "other": CIVIL,
}
