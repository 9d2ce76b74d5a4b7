"""评标专家专业分类 (a code list, not law): technical (J) and economic (E) specialties."""

from __future__ import annotations

SPECIALTIES: dict[str, str] = {
    "J01": "房屋建筑工程",
    "J02": "市政公用工程",
    "J03": "道路与桥梁工程",
    "J04": "给水排水工程",
    "J05": "园林绿化工程",
    "J06": "水利水电工程",
    "J07": "建筑电气与智能化",
    "J08": "暖通空调",
    "J09": "岩土与地基基础",
    "J10": "轨道交通工程",
    "E01": "工程造价",
    "E02": "财务会计",
    "E03": "合同与法律",
}


def is_economic(code: str) -> bool:
    """经济类专家 (造价、财务、法律) as opposed to 技术类; both count as experts (条例 46)."""
    return code.startswith("E")


def label(code: str) -> str:
    return SPECIALTIES.get(code, code)
