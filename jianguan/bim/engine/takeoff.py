"""Quantity take-off: quantities per element, per bill-of-quantities line, and the claim check.

Measurement rules per class (what each figure means; names and descriptions are never read):

| classes | volume (m³) | area (m²) | length (m) | count |
|---|---|---|---|---|
| every element with a closed mesh | signed-tetrahedra volume of the mesh (openings already cut) | | | 1 |
| IfcWall* | mesh | one side, gross (openings not deducted): length × height, i.e. the convex hull of the wall's elevation scaled to the centre-line length (a gable wall follows its slope) | plan footprint area ÷ thickness: the centre-line length, mitred ends averaged | 1 |
| IfcSlab, IfcRoof | mesh | top face: triangles facing up (n·z > 0.05), true (sloped) area | | 1 |
| IfcPlate, IfcCovering, IfcCurtainWall | mesh | one face: half the mesh surface (thin elements; edges add thickness × perimeter / 2) | | 1 |
| IfcBeam, IfcColumn, IfcMember, IfcPile, IfcPipeSegment, IfcDuctSegment, IfcCableCarrierSegment, IfcFlowSegment | mesh | | mesh extent along the extrusion axis (the body's IfcExtrudedAreaSolid direction in world coordinates, through clippings and mapped items); along the mesh's principal axis when the body is not an extrusion or the element is over 1 % longer that way (a side profile extruded by its thickness) | 1 |
| IfcRoof, IfcStair, IfcRamp… without a body of their own | none: measured in their aggregated parts (counting both would count twice) | | | 1 |
| IfcDoor, IfcWindow | mesh | OverallWidth × OverallHeight (the opening) | | 1 |
| anything else | mesh | | | 1 |

A mesh that is not closed (an edge not shared by exactly two triangles) has no trustworthy
volume: the authoring tool's ``Qto_*BaseQuantities`` (NetVolume, else GrossVolume, else Volume)
is used instead and ``source["volume"]`` says so. When both exist the Qto figure is kept in
``source["volume_qto"]`` for comparison. Figures are Decimal, rounded to 0.001.
No Django import.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import ifcopenshell
import ifcopenshell.util.element
import ifcopenshell.util.placement
import ifcopenshell.util.unit
import numpy as np

from .measure import (
    extent_along,
    is_closed,
    mesh_volume,
    principal_axis,
    surface_area,
    top_area,
    wall_measure,
)
from .selectors import SelectorError, class_matches, parse_classes
from .summary import as_model, physical_elements, storey_of
from .types import Mesh

MILLI = Decimal("0.001")
UNITS = {"m3": "volume", "m2": "area", "m": "length", "个": "count", "t": "volume"}
UNIT_ZH = {"m3": "立方米", "m2": "平方米", "m": "米", "个": "个", "t": "吨"}
_CODE = re.compile(r"^(\d{9}|\d{12})$")

LINEAR = (
    "IfcBeam",
    "IfcColumn",
    "IfcMember",
    "IfcPile",
    "IfcPipeSegment",
    "IfcDuctSegment",
    "IfcCableCarrierSegment",
    "IfcFlowSegment",
)
TOP_FACE = ("IfcSlab", "IfcRoof")
THIN = ("IfcPlate", "IfcCovering", "IfcCurtainWall")
OPENING_FILLERS = ("IfcDoor", "IfcWindow")


class TakeoffError(ValueError):
    """A bad mapping or claim input; ``message`` is for the user, ``code`` is stable."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Quantities:
    guid: str
    ifc_class: str
    name: str
    storey: str
    volume: Decimal | None
    area: Decimal | None
    length: Decimal | None
    count: int
    source: dict[str, str]
    material: str = ""
    type_name: str = ""


@dataclass
class BoqLine:
    code: str
    name: str
    unit: str
    quantity: Decimal
    guids: list[str]
    warning: str | None = None


@dataclass(frozen=True)
class BoqSelector:
    """Which elements a BoQ item is measured from: classes (with subclasses), and optionally
    a material or type name that must contain the given text, and a storey name."""

    code: str
    name: str
    unit: str
    classes: tuple[str, ...]
    material: str | None = None
    type_name: str | None = None
    storey: str | None = None
    density: Decimal | None = (
        None  # t/m³, only for unit "t" (steel: from the mapping, not from code)
    )
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def dec(value: float | None) -> Decimal | None:
    if value is None or not math.isfinite(value):  # a degenerate mesh gives no figure, not NaN
        return None
    return Decimal(repr(float(value))).quantize(MILLI, rounding=ROUND_HALF_UP)


def extrusion_axis(element: ifcopenshell.entity_instance) -> np.ndarray | None:
    """World direction of the body's extrusion, through boolean clippings and mapped items."""
    rep = element.Representation
    if rep is None:
        return None
    for shape in rep.Representations:
        if shape.RepresentationIdentifier not in (None, "Body"):
            continue
        for item in shape.Items:
            local = _extrusion_in(item, np.eye(4))
            if local is not None:
                placement = ifcopenshell.util.placement.get_local_placement(element.ObjectPlacement)
                world = np.asarray(placement)[:3, :3] @ local
                norm = np.linalg.norm(world)
                return world / norm if norm > 0 else None
    return None


def _extrusion_in(
    item: ifcopenshell.entity_instance, frame: np.ndarray, depth: int = 0
) -> np.ndarray | None:
    if depth > 8:
        return None
    if item.is_a("IfcBooleanResult"):
        return _extrusion_in(item.FirstOperand, frame, depth + 1)
    if item.is_a("IfcMappedItem"):
        source = item.MappingSource
        for inner in source.MappedRepresentation.Items:
            found = _extrusion_in(inner, frame, depth + 1)
            if found is not None:
                target = ifcopenshell.util.placement.get_mappeditem_transformation(item)
                return np.asarray(target)[:3, :3] @ found
        return None
    if item.is_a("IfcExtrudedAreaSolid"):
        direction = np.asarray(item.ExtrudedDirection.DirectionRatios, dtype=np.float64)
        rotation = np.eye(3)
        if item.Position is not None:
            rotation = np.asarray(ifcopenshell.util.placement.get_axis2placement(item.Position))[
                :3, :3
            ]
        return frame[:3, :3] @ rotation @ direction
    return None


def qto_volume(
    element: ifcopenshell.entity_instance, volume_scale: float
) -> tuple[float, str] | None:
    """The authoring tool's volume from ``Qto_*BaseQuantities`` (or ArchiCAD's "BaseQuantities")."""
    psets = ifcopenshell.util.element.get_psets(element, qtos_only=True)
    for name, props in psets.items():
        if not (
            name == "BaseQuantities"
            or (name.startswith("Qto_") and name.endswith("BaseQuantities"))
        ):
            continue
        for prop in ("NetVolume", "GrossVolume", "Volume"):
            value = props.get(prop)
            if isinstance(value, int | float) and value > 0:
                return float(value) * volume_scale, f"{name}.{prop}"
    return None


def _material(element: ifcopenshell.entity_instance) -> str:
    try:
        materials = ifcopenshell.util.element.get_materials(element)
    except Exception:  # odd material assignments should not stop a take-off
        return ""
    return "/".join(dict.fromkeys(m.Name for m in materials if getattr(m, "Name", None)))


def _type_name(element: ifcopenshell.entity_instance) -> str:
    element_type = ifcopenshell.util.element.get_type(element)
    return (element_type.Name or "") if element_type is not None else ""


# --- per element -------------------------------------------------------------------------------


def triangulate_model(model: ifcopenshell.file) -> list[Mesh]:
    """World-coordinate meshes: the engine's shared ``geometry.triangulate`` when present,
    otherwise ifcopenshell's iterator directly (one thread: the worker shares its machine)."""
    try:
        from . import geometry  # written alongside; the take-off must work before it lands
    except ImportError:
        geometry = None
    if geometry is not None and hasattr(geometry, "triangulate"):
        return list(geometry.triangulate(model))
    return kernel_meshes(model)


def kernel_meshes(model: ifcopenshell.file) -> list[Mesh]:
    import ifcopenshell.geom

    settings = ifcopenshell.geom.settings()
    settings.set("use-world-coords", True)
    wanted = {e.GlobalId: e for e in physical_elements(model)}
    meshes: list[Mesh] = []
    iterator = ifcopenshell.geom.iterator(settings, model, 1)
    if not iterator.initialize():
        return meshes
    while True:
        shape = iterator.get()
        element = wanted.get(shape.guid)
        if element is not None:
            verts = np.asarray(shape.geometry.verts, dtype=np.float64).reshape(-1, 3)
            faces = np.asarray(shape.geometry.faces, dtype=np.int64).reshape(-1, 3)
            meshes.append(
                Mesh(shape.guid, element.is_a(), element.Name or "", "", "", verts, faces)
            )
        if not iterator.next():
            return meshes


def element_quantities(
    model: ifcopenshell.file | str | Path, meshes: Iterable[Mesh] | None = None
) -> dict[str, Quantities]:
    model = as_model(model)
    if meshes is None:
        meshes = triangulate_model(model)
    by_guid = {m.guid: m for m in meshes}
    volume_scale = ifcopenshell.util.unit.calculate_unit_scale(model, "VOLUMEUNIT")
    length_scale = ifcopenshell.util.unit.calculate_unit_scale(model)
    out: dict[str, Quantities] = {}
    for element in physical_elements(model):
        out[element.GlobalId] = _measure(
            element, by_guid.get(element.GlobalId), volume_scale, length_scale
        )
    return out


def _measure(
    element: ifcopenshell.entity_instance,
    mesh: Mesh | None,
    volume_scale: float,
    length_scale: float,
) -> Quantities:
    cls = element.is_a()
    source: dict[str, str] = {}
    volume = area = length = None
    has_mesh = mesh is not None and len(mesh.faces) > 0
    closed = has_mesh and is_closed(mesh.vertices, mesh.faces)
    qto = qto_volume(element, volume_scale)
    if closed:
        volume = abs(mesh_volume(mesh.vertices, mesh.faces))
        source["volume"] = "mesh"
    elif qto is not None:
        volume = qto[0]
        source["volume"] = f"qto:{qto[1]}"
    elif has_mesh:
        source["volume"] = "none (mesh not closed)"
    elif ifcopenshell.util.element.get_parts(element):
        source["volume"] = "none (measured in its parts)"
    else:
        source["volume"] = "none (no geometry)"
    if qto is not None and closed:
        source["volume_qto"] = f"{qto[1]}={qto[0]:.3f}"
    area, length = _area_length(element, mesh if has_mesh else None, source, length_scale)
    return Quantities(
        guid=element.GlobalId,
        ifc_class=cls,
        name=element.Name or "",
        storey=storey_of(element),
        volume=dec(volume),
        area=dec(area),
        length=dec(length),
        count=1,
        source=source,
        material=_material(element),
        type_name=_type_name(element),
    )


def _area_length(
    element: ifcopenshell.entity_instance,
    mesh: Mesh | None,
    source: dict[str, str],
    length_scale: float,
) -> tuple[float | None, float | None]:
    if any(_is(element, c) for c in OPENING_FILLERS):
        w, h = element.OverallWidth, element.OverallHeight
        if w and h:
            source["area"] = "OverallWidth×OverallHeight"
            return float(w) * float(h) * length_scale**2, None
        return None, None
    if mesh is None:
        return None, None
    v, f = mesh.vertices, mesh.faces
    if _is(element, "IfcWall"):
        length, _height, area = wall_measure(v, f)
        source["length"] = "footprint/thickness"
        source["area"] = "elevation_hull×length/span"
        return area, length
    if any(_is(element, c) for c in TOP_FACE):
        source["area"] = "mesh:top_faces"
        return top_area(v, f), None
    if any(_is(element, c) for c in THIN):
        source["area"] = "mesh:surface/2"
        return surface_area(v, f) / 2.0, None
    if any(_is(element, c) for c in LINEAR):
        return None, _linear_length(element, v, source)
    return None, None


def _linear_length(
    element: ifcopenshell.entity_instance, v: np.ndarray, source: dict[str, str]
) -> float:
    """Along the extrusion axis; along the mesh's principal axis when there is no extrusion, or
    when the element is clearly longer across its extrusion (a stringer drawn as a side
    profile and extruded by its thickness, a beam drawn in plan and extruded up)."""
    across = extent_along(v, principal_axis(v))
    axis = extrusion_axis(element)
    if axis is None:
        source["length"] = "principal_axis"
        return across
    along = extent_along(v, axis)
    if across > along * 1.01:
        source["length"] = "principal_axis (longer than the extrusion)"
        return across
    source["length"] = "extrusion_axis"
    return along


def _is(element: ifcopenshell.entity_instance, cls: str) -> bool:
    try:
        return element.is_a(cls)
    except Exception:  # a class the file's schema lacks (IfcPipeSegment in IFC2X3)
        return False


# --- bill of quantities ------------------------------------------------------------------------


def check_code(code: str) -> str:
    code = (code or "").strip()
    if not _CODE.match(code):
        raise TakeoffError(
            f"清单项目编码 {code or '（空）'} 无效：GB 50500 编码应为 9 位或 12 位数字。",
            "bad_boq_code",
        )
    return code


def check_unit(unit: str) -> str:
    unit = (unit or "").strip()
    if unit not in UNITS:
        raise TakeoffError(
            f"计量单位 {unit or '（空）'} 无效：可用 m3、m2、m、个、t。", "bad_boq_unit"
        )
    return unit


def parse_selector(code: str, entry: BoqSelector | Mapping[str, Any]) -> BoqSelector:
    """A mapping entry as a dataclass or a dict {"name", "unit", "classes", "material"?,
    "type_name"?, "storey"?, "density"?} (the code is the mapping's key)."""
    if isinstance(entry, BoqSelector):
        raw: dict[str, Any] = {
            "name": entry.name,
            "unit": entry.unit,
            "classes": entry.classes,
            "material": entry.material,
            "type_name": entry.type_name,
            "storey": entry.storey,
            "density": entry.density,
        }
        code = entry.code or code
    else:
        raw = dict(entry)
        code = raw.get("code") or code
    code, unit = check_code(code), check_unit(raw.get("unit", ""))
    try:
        classes = parse_classes(raw.get("classes") or "")
    except SelectorError as exc:
        raise TakeoffError(f"清单项 {code}：{exc.message}", exc.code) from exc
    density = raw.get("density")
    if unit == "t":
        try:
            density = Decimal(str(density))
        except Exception:
            density = None
        if density is None or density <= 0:
            raise TakeoffError(
                f"清单项 {code} 以吨计量，须给出材料密度（t/m³）。", "missing_density"
            )
    return BoqSelector(
        code=code,
        name=str(raw.get("name") or ""),
        unit=unit,
        classes=classes,
        material=raw.get("material") or None,
        type_name=raw.get("type_name") or None,
        storey=raw.get("storey") or None,
        density=density if unit == "t" else None,
    )


def selector_matches(selector: BoqSelector, q: Quantities) -> bool:
    if not class_matches(q.ifc_class, selector.classes):
        return False
    if selector.material and selector.material.casefold() not in q.material.casefold():
        return False
    if selector.type_name and selector.type_name.casefold() not in q.type_name.casefold():
        return False
    return not (selector.storey and selector.storey != q.storey)


def boq_lines(
    quantities: Mapping[str, Quantities] | Iterable[Quantities],
    mapping: Mapping[str, BoqSelector | Mapping[str, Any]] | Iterable[BoqSelector],
) -> list[BoqLine]:
    """One line per BoQ item: the sum of the matching elements' quantity in the item's unit.
    A selector that matches nothing (or elements without that quantity) gives 0 and a warning."""
    items = quantities.values() if isinstance(quantities, Mapping) else quantities
    elements = sorted(items, key=lambda q: q.guid)
    selectors = (
        [parse_selector(code, entry) for code, entry in mapping.items()]
        if isinstance(mapping, Mapping)
        else [parse_selector(s.code, s) for s in mapping]
    )
    return [_line(selector, elements) for selector in selectors]


def _line(selector: BoqSelector, elements: list[Quantities]) -> BoqLine:
    attribute = UNITS[selector.unit]
    total = Decimal("0")
    guids: list[str] = []
    missing = 0
    for q in elements:
        if not selector_matches(selector, q):
            continue
        value = Decimal(q.count) if attribute == "count" else getattr(q, attribute)
        if value is None:
            missing += 1
            continue
        total += value
        guids.append(q.guid)
    if selector.unit == "t":
        total = (total * selector.density).quantize(MILLI, rounding=ROUND_HALF_UP)
    warning = None
    if not guids:
        warning = f"清单项 {selector.code} 的构件选择没有匹配到任何构件，模型工程量按 0 计。"
    elif missing:
        warning = f"清单项 {selector.code}：{missing} 个匹配构件没有可用的{UNIT_ZH[selector.unit]}数，未计入。"
    return BoqLine(selector.code, selector.name, selector.unit, total, guids, warning)


def claim_excess(
    claimed_cumulative: Decimal, model_quantity: Decimal, tolerance: Decimal
) -> Decimal | None:
    """How much a claimed cumulative quantity exceeds the model's quantity × (1 + tolerance);
    None when within it. The tolerance is a ratio from rule data (0.03 for 3 %)."""
    for value in (claimed_cumulative, model_quantity, tolerance):
        if not isinstance(value, Decimal):
            raise TakeoffError("工程量与容差须为十进制数。", "bad_quantity")
        if not value.is_finite() or value < 0:
            raise TakeoffError("工程量与容差不能为负数或非数值。", "bad_quantity")
    allowed = model_quantity * (Decimal("1") + tolerance)
    excess = claimed_cumulative - allowed
    return excess if excess > 0 else None
