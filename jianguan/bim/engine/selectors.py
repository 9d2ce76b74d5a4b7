"""IFC class selectors: "IfcWall, IfcColumn" or ["IfcBeam"] matched by class with subclasses
(``IfcWall`` also takes ``IfcWallStandardCase``), as IFC's own ``is_a`` would. No Django import.

(Not the Django apps' ``selectors.py`` of reads scoped to an actor: a pure helper of the engine.)
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import ifcopenshell.ifcopenshell_wrapper as wrapper

# Looked up in this order: a class name from any supported schema resolves in one of them.
_SCHEMAS = ("IFC4", "IFC4X3", "IFC2X3")


class SelectorError(ValueError):
    def __init__(self, message: str, code: str = "bad_selector"):
        super().__init__(message)
        self.message = message
        self.code = code


@lru_cache(maxsize=1024)
def canonical_class(name: str) -> str | None:
    """``ifcwall`` → ``IfcWall``; None for a name no supported schema knows."""
    for schema in _SCHEMAS:
        try:
            return wrapper.schema_by_name(schema).declaration_by_name(name.strip()).name()
        except RuntimeError:
            continue
    return None


def parse_classes(selector: str | Iterable[str]) -> tuple[str, ...]:
    """Split and check a class selector; raise ``SelectorError`` on an unknown class."""
    parts = selector.replace("，", ",").split(",") if isinstance(selector, str) else list(selector)
    names = [p.strip() for p in parts if p and p.strip()]
    if not names:
        raise SelectorError("构件类别选择不能为空。", "empty_selector")
    out = []
    for name in names:
        canonical = canonical_class(name)
        if canonical is None:
            raise SelectorError(f"未知的 IFC 构件类别：{name}", "unknown_ifc_class")
        out.append(canonical)
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=4096)
def _ancestors(ifc_class: str) -> frozenset[str]:
    names: set[str] = set()
    for schema in _SCHEMAS:
        try:
            decl = wrapper.schema_by_name(schema).declaration_by_name(ifc_class)
        except RuntimeError:
            continue
        while decl is not None:
            names.add(decl.name())
            decl = decl.supertype()
    return frozenset(names or {ifc_class})


def class_matches(ifc_class: str, classes: Iterable[str]) -> bool:
    """True when ``ifc_class`` is one of ``classes`` or a subclass of one."""
    ancestors = _ancestors(ifc_class)
    return any(c in ancestors for c in classes)
