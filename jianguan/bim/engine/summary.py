"""What a model is: schema, authoring tool, units, georeferencing and element counts.

``open_model`` is the one door every part of the engine uses to read an IFC file: it turns
"not IFC", "unreadable", "a schema we do not support" and "no elements" into a
``ModelError`` with a Chinese message and a stable code (the platform answers it with a 400).
No Django import.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import ifcopenshell
import ifcopenshell.util.element
import ifcopenshell.util.unit

# Schemas the platform takes (issue 19: IFC 2x3, 4 and 4.3); ``file.schema`` reports 4.3 ADD2 as IFC4X3.
SUPPORTED_SCHEMAS = ("IFC2X3", "IFC4", "IFC4X3")
NO_STOREY = "（无楼层）"
UNNAMED_STOREY = "（未命名楼层）"

_PREFIX_ZH = {None: "", "MILLI": "毫", "CENTI": "厘", "DECI": "分", "KILO": "千"}
_SI_ZH = {"METRE": "米", "SQUARE_METRE": "平方米", "CUBIC_METRE": "立方米"}
_CONVERSION_ZH = {
    "foot": "英尺",
    "inch": "英寸",
    "yard": "码",
    "mile": "英里",
    "square foot": "平方英尺",
    "square inch": "平方英寸",
    "cubic foot": "立方英尺",
    "cubic inch": "立方英寸",
}


class ModelError(Exception):
    """A model the engine cannot work with; ``message`` is for the user, ``code`` is stable."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def declared_schema(path: str | Path) -> str:
    """The schema the file's header declares, read from its first 64 KB without parsing the
    model (instant on a 500 MB upload); ``ModelError`` if it is not an IFC file or declares
    a schema the platform does not take. What the header cannot tell (a broken body, no
    elements, no geometry) only a full parse finds: ``open_model`` in the worker."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(65536).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise ModelError("模型文件无法读取。", "model_unreadable") from exc
    if not head.startswith(b"ISO-10303-21"):
        raise ModelError(
            "文件不是 IFC 模型（应为 ISO-10303-21 格式的 .ifc 文件）。", "model_not_ifc"
        )
    declared = re.search(rb"FILE_SCHEMA\s*\(\s*\(\s*'([^']*)'", head)
    if declared is None:
        raise ModelError("IFC 文件头缺少 FILE_SCHEMA，无法判断版本。", "model_unreadable")
    name = declared.group(1).decode("ascii", "replace").upper()
    # IFC4X3_ADD2 and the like: the platform takes 4.3 whatever its addendum
    family = next((f for f in ("IFC4X3", "IFC2X3") if name.startswith(f)), name)
    if family not in SUPPORTED_SCHEMAS:
        raise ModelError(
            f"不支持的 IFC 版本 {name}（支持 IFC2X3、IFC4、IFC4X3）。", "model_unknown_schema"
        )
    return name


def open_model(path: str | Path) -> ifcopenshell.file:
    """Open an IFC-SPF file, or raise ``ModelError`` saying why it cannot be used."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise ModelError("模型文件无法读取。", "model_unreadable") from exc
    if not head.startswith(b"ISO-10303-21"):
        raise ModelError(
            "文件不是 IFC 模型（应为 ISO-10303-21 格式的 .ifc 文件）。", "model_not_ifc"
        )
    try:
        model = ifcopenshell.open(str(path))
    except Exception as exc:  # the parser raises several types; all mean the same to the user
        if "schema" in str(exc).lower():
            raise ModelError(f"不支持的 IFC 版本：{exc}", "model_unknown_schema") from exc
        raise ModelError("IFC 文件已损坏或格式有误，无法解析。", "model_unreadable") from exc
    check_model(model)
    return model


def check_model(model: ifcopenshell.file) -> None:
    if model.schema not in SUPPORTED_SCHEMAS:
        raise ModelError(
            f"不支持的 IFC 版本 {model.schema}（支持 IFC2X3、IFC4、IFC4X3）。",
            "model_unknown_schema",
        )
    if not physical_elements(model):
        raise ModelError("模型中没有任何构件。", "model_no_elements")


def as_model(model: ifcopenshell.file | str | Path) -> ifcopenshell.file:
    return model if isinstance(model, ifcopenshell.file) else open_model(model)


def physical_elements(model: ifcopenshell.file) -> list[ifcopenshell.entity_instance]:
    """Building elements a person would count: openings and virtual elements are not things."""
    skip = ("IfcFeatureElement", "IfcVirtualElement")
    return [e for e in model.by_type("IfcElement") if not any(e.is_a(s) for s in skip)]


def storey_of(element: ifcopenshell.entity_instance) -> str:
    """Name of the storey an element stands in, following aggregates (a stair flight's stair)."""
    current = element
    for _ in range(20):  # spatial trees are shallow; the bound stops a cyclic file
        if current is None or current.is_a("IfcBuilding") or current.is_a("IfcSite"):
            return NO_STOREY
        if current.is_a("IfcBuildingStorey"):
            return current.Name or UNNAMED_STOREY
        # Contained in a space (furniture) or aggregated into a stair: go up either way.
        parent = ifcopenshell.util.element.get_container(current)
        if parent is None or parent == current:
            parent = ifcopenshell.util.element.get_aggregate(current)
        current = parent
    return NO_STOREY


def summarise(model: ifcopenshell.file | str | Path) -> dict[str, Any]:
    model = as_model(model)
    check_model(model)
    elements = physical_elements(model)
    return {
        "schema": model.schema,
        "application": _application(model),
        "author_org": _author_org(model),
        "units": {
            "length": _unit_label(model, "LENGTHUNIT"),
            "area": _unit_label(model, "AREAUNIT"),
            "volume": _unit_label(model, "VOLUMEUNIT"),
        },
        "length_unit_scale": float(ifcopenshell.util.unit.calculate_unit_scale(model)),
        "georeferencing": georeferencing(model),
        "counts_by_class": dict(sorted(Counter(e.is_a() for e in elements).items())),
        "counts_by_storey": dict(sorted(Counter(storey_of(e) for e in elements).items())),
        "elements": len(elements),
    }


def _application(model: ifcopenshell.file) -> str | None:
    apps = model.by_type("IfcApplication")
    if apps:
        app = apps[0]
        name = app.ApplicationFullName or app.ApplicationIdentifier or ""
        version = app.Version or ""
        if version and version in name:  # "Revit Architecture 2011" already says 2011
            version = ""
        return " ".join(p for p in (name, version) if p) or None
    # Files without an IfcApplication still name their tool in the header.
    return model.header.file_name.originating_system or None


def _author_org(model: ifcopenshell.file) -> str | None:
    orgs = [o for o in model.header.file_name.organization if o]
    if orgs:
        return orgs[0]
    for owner in model.by_type("IfcOwnerHistory")[:1]:
        org = owner.OwningUser and owner.OwningUser.TheOrganization
        if org is not None and org.Name:
            return org.Name
    return None


def _unit_label(model: ifcopenshell.file, unit_type: str) -> str | None:
    unit = ifcopenshell.util.unit.get_project_unit(model, unit_type)
    if unit is None:
        return None
    if unit.is_a("IfcSIUnit"):
        base = _SI_ZH.get(unit.Name)
        if base is None:
            return unit.Name.lower()
        prefix = _PREFIX_ZH.get(unit.Prefix, unit.Prefix or "")
        # 平方毫米, not 毫平方米: the prefix goes after 平方/立方.
        if base.startswith(("平方", "立方")):
            return base[:2] + prefix + base[2:]
        return prefix + base
    name = (getattr(unit, "Name", None) or "").lower()
    return _CONVERSION_ZH.get(name, name or None)


def georeferencing(model: ifcopenshell.file) -> dict[str, Any]:
    geo: dict[str, Any] = {
        "kind": None,
        "eastings": None,
        "northings": None,
        "height": None,
        "crs": None,
        "latitude": None,
        "longitude": None,
    }
    sites = model.by_type("IfcSite")
    if sites:
        site = sites[0]
        geo["latitude"] = _angle(site.RefLatitude)
        geo["longitude"] = _angle(site.RefLongitude)
        if geo["latitude"] is not None or geo["longitude"] is not None:
            geo["kind"] = "IfcSite"
            geo["height"] = site.RefElevation
    if model.schema != "IFC2X3":
        for conversion in model.by_type("IfcMapConversion")[:1]:
            crs = conversion.TargetCRS
            geo.update(
                kind="IfcMapConversion",
                eastings=conversion.Eastings,
                northings=conversion.Northings,
                height=conversion.OrthogonalHeight,
                crs=getattr(crs, "Name", None),
            )
    return geo


def _angle(compound: tuple[int, ...] | None) -> float | None:
    """IfcCompoundPlaneAngleMeasure (degrees, minutes, seconds, millionths) as decimal degrees;
    every component carries the sign."""
    if not compound:
        return None
    parts = list(compound) + [0] * (4 - len(compound))
    return round(parts[0] + parts[1] / 60 + parts[2] / 3600 + parts[3] / 3.6e9, 9)
