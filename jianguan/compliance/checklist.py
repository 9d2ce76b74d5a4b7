"""Risk checklist items by project type (data, not code paths).

Each item: (code, name, hint). A project type's checklist is COMMON plus its own items.
"""

from __future__ import annotations

COMMON: tuple[tuple[str, str, str], ...] = (
    ("geology", "地质条件", "不良地质、地下水、软土及地下障碍物"),
    ("schedule_pressure", "工期压力", "合同工期明显短于定额工期或抢工"),
    ("neighbouring_structures", "周边建筑物", "邻近建筑、地下管线及道路的保护"),
    ("lifting", "起重吊装", "塔吊、汽车吊及大型构件吊装"),
)
BY_TYPE: dict[str, tuple[tuple[str, str, str], ...]] = {
    "building": (
        ("deep_excavation", "深基坑", "开挖深度超过 5 m 或地质复杂的基坑"),
        ("high_formwork", "高大模板", "搭设高度 8 m 及以上或跨度 18 m 及以上的模板支撑"),
        ("curtain_wall", "建筑幕墙", "幕墙安装及高处作业"),
    ),
    "road": (
        ("traffic", "交通导改", "不中断交通施工及夜间施工"),
        ("pipelines", "地下管线", "燃气、电力、通信管线迁改与保护"),
    ),
    "bridge": (
        ("high_formwork", "高大模板", "支架现浇及高墩施工"),
        ("deep_excavation", "深基坑", "承台及桩基础开挖"),
        ("water_work", "涉水作业", "河道、围堰及汛期施工"),
    ),
    "water_supply": (
        ("deep_excavation", "深基坑", "管道沟槽及泵站基坑"),
        ("confined_space", "有限空间", "检查井、管道内作业"),
    ),
    "water_conservancy": (
        ("water_work", "涉水作业", "围堰、导流及汛期施工"),
        ("deep_excavation", "深基坑", "闸站基坑开挖"),
    ),
    "rail": (
        ("deep_excavation", "深基坑", "车站基坑"),
        ("tunnelling", "暗挖隧道", "盾构及暗挖施工"),
        ("high_formwork", "高大模板", "高架段支架现浇"),
    ),
    "landscape": (("tree_transplant", "大树移植", "大型苗木吊装与运输"),),
}


def checklist(project_type: str) -> list[tuple[str, str, str]]:
    items = list(COMMON) + list(BY_TYPE.get(project_type, ()))
    seen: set[str] = set()
    out = []
    for item in items:
        if item[0] not in seen:
            seen.add(item[0])
            out.append(item)
    return out


def item_names(project_type: str) -> dict[str, str]:
    return {code: name for code, name, _ in checklist(project_type)}
