"""Detector classes, in the label-index order of ../shared/data/ppe (YOLO class numbers)."""

from __future__ import annotations

CLASSES: tuple[str, ...] = ("helmet", "no_helmet", "no_wear", "wear")

# Chinese labels for pages and messages; codes stay English in data and JSON.
LABELS: dict[str, str] = {
    "helmet": "佩戴安全帽",
    "no_helmet": "未戴安全帽",
    "no_wear": "未穿工作服/反光衣",
    "wear": "穿工作服/反光衣",
}

# Head boxes (0, 1) versus whole-person boxes (2, 3): the tiling and review code care.
HEAD_CLASSES: frozenset[str] = frozenset({"helmet", "no_helmet"})
PERSON_CLASSES: frozenset[str] = frozenset({"no_wear", "wear"})


def index_of(name: str) -> int:
    return CLASSES.index(name)
