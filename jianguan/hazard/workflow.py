"""Codes, labels and rules of hazard recognition. Pure: no queries, no Django.

``hazards_in`` turns one image's detections into the hazards it shows: a bare head
(``no_helmet``), a person without vest or uniform where the site requires one (``no_uniform``),
a person whose feet stand inside an active danger zone (``in_zone``). Only detections at or
above their class's threshold count. A hazard is never acted on by itself: it becomes a
candidate that several frames of one camera corroborate, or an inspector confirms.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from jianguan.hazard import geometry

CLASSES = {
    "helmet": "佩戴安全帽",
    "no_helmet": "未戴安全帽",
    "no_wear": "未穿工作服",
    "wear": "穿工作服",
}
# The training set's class order (YOLO labels, ../shared/data/ppe/README.md).
CLASS_INDEX = {"helmet": 0, "no_helmet": 1, "no_wear": 2, "wear": 3}
HEADS = ("helmet", "no_helmet")
PERSONS = ("wear", "no_wear")  # whole-person boxes

KINDS = {
    "no_helmet": "未戴安全帽",
    "no_uniform": "未穿反光背心/工作服",
    "in_zone": "人员进入危险区域",
}

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
ANALYSIS_STATUS = {PENDING: "排队中", RUNNING: "识别中", DONE: "已完成", FAILED: "识别失败"}

OPEN, CONFIRMED, DISMISSED = "open", "confirmed", "dismissed"
CANDIDATE_STATUS = {OPEN: "待核查", CONFIRMED: "已确认并下达整改", DISMISSED: "已排除"}

# Why an inspector dismissed a candidate: the reasons say how to correct the labels when the
# frames go back into training (``hazard_feedback_export``).
DISMISS_REASONS = {
    "wrong_class": "类别识别错误（实际已佩戴/已穿着）",
    "not_person": "不是人员（误检）",
    "outside_zone": "人员不在危险区域内",
    "not_worker": "非施工人员或已采取防护",
    "duplicate": "重复告警",
    "other": "其他",
}
# What a wrongly classed detection really was.
FLIPPED = {"no_helmet": "helmet", "helmet": "no_helmet", "no_wear": "wear", "wear": "no_wear"}


class HazardError(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def check_decide(status: str) -> None:
    if status != OPEN:
        raise HazardError(
            f"该疑似隐患当前为“{CANDIDATE_STATUS[status]}”，已处理完毕", "candidate_decided"
        )


def check_rerun(status: str | None) -> None:
    if status in (PENDING, RUNNING):
        raise HazardError("该影像正在识别中，请稍后再试", "analysis_running")


def check_thresholds(thresholds: Mapping[str, float]) -> dict[str, float]:
    out = {}
    for cls in CLASSES:
        value = float(thresholds.get(cls, 0.5))
        if not 0.0 < value <= 1.0:
            raise HazardError(f"{CLASSES[cls]}的阈值须在 0 到 1 之间", "bad_threshold")
        out[cls] = value
    return out


@dataclass(frozen=True)
class Det:
    """A detection as the rules see it (index: its position in the analysis's list)."""

    index: int
    cls: str
    score: float
    box: geometry.Box


@dataclass(frozen=True)
class Hazard:
    kind: str
    index: int  # the detection that shows it
    score: float
    zone_id: int | None = None


@dataclass(frozen=True)
class Person:
    index: int
    foot: tuple[float, float]
    estimated: bool  # feet estimated from a head box (no person box around it)


def persons(dets: Sequence[Det], thresholds: Mapping[str, float]) -> list[Person]:
    """The people in the image with their feet: whole-person boxes, and heads no person box
    holds (a person cut off by the frame's edge or by scaffolding)."""
    bodies = [d for d in dets if d.cls in PERSONS and d.score >= thresholds[d.cls]]
    out = [Person(d.index, geometry.foot_point(d.box), False) for d in bodies]
    for d in dets:
        if d.cls in HEADS and d.score >= thresholds[d.cls]:
            if not any(geometry.contains(b.box, d.box) for b in bodies):
                out.append(Person(d.index, geometry.foot_from_head(d.box), True))
    return out


ZoneOf = Callable[[float, float], int | None]  # pixel foot point -> the zone it stands in


def hazards_in(
    dets: Sequence[Det],
    thresholds: Mapping[str, float],
    *,
    uniform_required: bool,
    zone_of: ZoneOf | None = None,
) -> list[Hazard]:
    """Every hazard one image shows (one per offending detection)."""
    out = []
    for d in dets:
        if d.score < thresholds.get(d.cls, 1.0):
            continue
        if d.cls == "no_helmet":
            out.append(Hazard("no_helmet", d.index, d.score))
        elif d.cls == "no_wear" and uniform_required:
            out.append(Hazard("no_uniform", d.index, d.score))
    if zone_of is not None:
        by_index = {d.index: d for d in dets}
        for p in persons(dets, thresholds):
            zone = zone_of(*p.foot)
            if zone is not None:
                out.append(Hazard("in_zone", p.index, by_index[p.index].score, zone))
    return out


def group_key(kind: str, zone_id: int | None) -> tuple[str, int | None]:
    """Hazards of one image merge per kind (and zone): three bare heads in a frame are one
    finding of that frame, with the best score."""
    return kind, zone_id


def best_per_kind(hazards: Sequence[Hazard]) -> dict[tuple[str, int | None], Hazard]:
    out: dict[tuple[str, int | None], Hazard] = {}
    for h in hazards:
        key = group_key(h.kind, h.zone_id)
        if key not in out or h.score > out[key].score:
            out[key] = h
    return out


def corroborated(frames: int, needed: int) -> bool:
    return frames >= max(1, needed)
