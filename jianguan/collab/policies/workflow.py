"""Policy push (政策推送): statuses and their transitions, targeting (organisation kinds and/or
towns), the checks of a policy's dates and tags, and the tracking figures. Pure Python."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

DRAFT = "draft"
PUBLISHED = "published"
REPEALED = "repealed"
STATUS = {DRAFT: "草稿", PUBLISHED: "已发布", REPEALED: "已废止"}
TRANSITIONS = {DRAFT: {PUBLISHED}, PUBLISHED: {REPEALED}, REPEALED: set()}
MAX_TAGS = 10
TAG_MAX = 20


class Invalid(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


ACTIONS = {PUBLISHED: "发布", REPEALED: "废止"}


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, set()):
        action = ACTIONS.get(target, target)
        raise Invalid(f"政策{STATUS.get(current, current)}，不能{action}", "bad_transition")


def check_editable(status: str) -> None:
    if status != DRAFT:
        raise Invalid("政策已发布，内容不可修改（如需调整请废止后重新发布）", "not_draft")


def check_dates(issued: dt.date, effective: dt.date | None, expires: dt.date | None) -> None:
    if effective is not None and effective < issued:
        raise Invalid("施行日期不得早于发布日期", "bad_dates")
    if expires is not None and expires <= (effective or issued):
        raise Invalid("失效日期须晚于施行日期", "bad_dates")


def clean_tags(tags: Iterable[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        tag = (tag or "").strip()
        if not tag:
            continue
        if len(tag) > TAG_MAX:
            raise Invalid(f"标签“{tag[:TAG_MAX]}…”超过 {TAG_MAX} 个字", "bad_tag")
        if tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS:
        raise Invalid(f"标签最多 {MAX_TAGS} 个", "bad_tag")
    return out


def check_kinds(kinds: Iterable[str], known: Collection[str]) -> list[str]:
    out = []
    for kind in kinds:
        if kind not in known:
            raise Invalid(f"未知的机构类型：{str(kind)[:40]}", "unknown_kind")
        if kind not in out:
            out.append(kind)
    return out


def targeted(
    kind: str, town_id: int | None, kinds: Collection[str], towns: Collection[int]
) -> bool:
    """Whether an organisation is targeted: its kind among ``kinds`` (if any named) AND its town
    among ``towns`` (if any named); naming neither targets every enterprise (the regulator that
    publishes is never a target)."""
    if kind == "regulator":
        return False
    if kinds and kind not in kinds:
        return False
    if towns and town_id not in towns:
        return False
    return True


def percent(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "—"
