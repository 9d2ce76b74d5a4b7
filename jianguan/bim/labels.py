"""Chinese labels of the BIM pages: IFC classes, disciplines, statuses, clash modes and types.

The core's models carry their own choices; the pages read labels from here so that an IFC
class the model's choices do not list (IFC has hundreds) still shows a Chinese word, and an
unknown one shows its own name rather than nothing."""

from __future__ import annotations

from jianguan.bim import workflow

IFC_CLASSES: dict[str, str] = {
    "IfcWall": "墙",
    "IfcWallStandardCase": "墙",
    "IfcCurtainWall": "幕墙",
    "IfcBeam": "梁",
    "IfcBeamStandardCase": "梁",
    "IfcColumn": "柱",
    "IfcColumnStandardCase": "柱",
    "IfcSlab": "楼板",
    "IfcSlabStandardCase": "楼板",
    "IfcRoof": "屋面",
    "IfcFooting": "基础",
    "IfcPile": "桩",
    "IfcStair": "楼梯",
    "IfcStairFlight": "梯段",
    "IfcRamp": "坡道",
    "IfcRampFlight": "坡道段",
    "IfcRailing": "栏杆",
    "IfcDoor": "门",
    "IfcWindow": "窗",
    "IfcCovering": "装饰面层",
    "IfcPlate": "板",
    "IfcMember": "杆件",
    "IfcBuildingElementProxy": "其他构件",
    "IfcBuildingElementPart": "构件部件",
    "IfcReinforcingBar": "钢筋",
    "IfcTendon": "预应力筋",
    "IfcOpeningElement": "洞口",
    "IfcSpace": "空间",
    "IfcFurnishingElement": "家具",
    "IfcFurniture": "家具",
    "IfcPipeSegment": "管道",
    "IfcPipeFitting": "管件",
    "IfcDuctSegment": "风管",
    "IfcDuctFitting": "风管管件",
    "IfcCableCarrierSegment": "桥架",
    "IfcCableCarrierFitting": "桥架配件",
    "IfcCableSegment": "电缆",
    "IfcFlowSegment": "管段",
    "IfcFlowFitting": "管件",
    "IfcFlowTerminal": "末端设备",
    "IfcFlowController": "阀门/控制器",
    "IfcFlowMovingDevice": "泵/风机",
    "IfcValve": "阀门",
    "IfcPump": "水泵",
    "IfcFan": "风机",
    "IfcAirTerminal": "风口",
    "IfcSanitaryTerminal": "卫生器具",
    "IfcLightFixture": "灯具",
    "IfcLamp": "灯具",
    "IfcOutlet": "插座",
    "IfcSwitchingDevice": "开关",
    "IfcElectricDistributionBoard": "配电箱",
    "IfcDistributionElement": "机电构件",
    "IfcEnergyConversionDevice": "换热设备",
    "IfcTransportElement": "电梯/输送设备",
    "IfcSite": "场地",
    "IfcBuilding": "建筑物",
    "IfcBuildingStorey": "楼层",
}

# The codes and their words are the core's (workflow.py); the pages add colours and a few
# words of their own.
DISCIPLINES = workflow.DISCIPLINES
REVISION_STATUS = {"uploading": "上传中", **workflow.REVISION_STATUS}
CLASH_STATUS = workflow.CLASH_STATUS
CLASH_TYPES = workflow.CLASH_TYPES
MODES = workflow.MODES
RUN_STATUS = workflow.RUN_STATUS

REVISION_STATUS_CSS: dict[str, str] = {
    "uploading": "bg-secondary-lt",
    "pending": "bg-secondary-lt",
    "processing": "bg-blue-lt",
    "ready": "bg-green-lt",
    "failed": "bg-red-lt",
}


CLASH_STATUS_CSS: dict[str, str] = {
    "new": "bg-red-lt",
    "assigned": "bg-orange-lt",
    "resolved": "bg-blue-lt",
    "verified": "bg-green-lt",
    "accepted": "bg-secondary-lt",
}


# BoQ units the take-off measures (engine/takeoff.py UNITS: m3, m2, m, 个, t)
UNITS: dict[str, str] = {"m3": "立方米", "m2": "平方米", "m": "米", "个": "个", "t": "吨"}

# A clash transition's button, by the status it moves to.
ACTIONS: dict[str, str] = {
    "assigned": "指派",
    "resolved": "标记已解决",
    "verified": "核验通过",
    "accepted": "按设计接受",
}


def label(table: dict[str, str], code: str | None) -> str:
    """The Chinese word for ``code``, or the code itself when the table lacks it."""
    if not code:
        return "—"
    return table.get(code, code)


def ifc_class(name: str | None) -> str:
    """IfcWall → 墙; an unknown class keeps its IFC name; "墙（IfcWall）" is for tooltips."""
    return label(IFC_CLASSES, name)


def ifc_class_choices(names: list[str]) -> list[tuple[str, str]]:
    return [(n, f"{IFC_CLASSES.get(n, n)}（{n}）") for n in names]
