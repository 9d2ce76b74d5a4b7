"""BCF out and in: one topic per clash, and status/comment updates from other tools.

Export writes BCF 2.1 through ``bcf-client``. Topic GUIDs are deterministic (UUID 5 over the
sorted GlobalId pair and the clash-set name), as are viewpoint and comment GUIDs, so a
re-export of the same clash set updates the topics another tool already holds instead of
duplicating them.

Import reads markup and viewpoints with a namespace-blind parse of the XML, so BCF 2.0, 2.1
and 3.0 from Navisworks, Solibri or BIMcollab (which order and decorate their elements
differently) all read; ``bcf-client``'s strict data classes refuse some of them. Expat 2.4+
refuses entity-expansion bombs; sizes inside the zip are capped before reading.
No Django import.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np

# A fixed namespace for our topic GUIDs: never change it, or every re-export duplicates topics.
TOPIC_NAMESPACE = uuid.UUID("5b0e9c52-7f0c-4d8e-9a43-1f6b2a1c1919")
AUTHOR = "jianguan"
ACCEPTED_LABEL = "Accepted"  # the label that tells "closed as intended" from "closed as fixed"

# Our workflow → BCF TopicStatus (the values BCF tools ship by default).
STATUS_TO_BCF = {
    "new": "Open",
    "assigned": "In Progress",
    "resolved": "Resolved",
    "verified": "Closed",
    "accepted": "Closed",
}
# BCF TopicStatus (case-insensitive) → our workflow; tools name the same states differently.
BCF_TO_STATUS = {
    "open": "new",
    "active": "new",
    "reopened": "new",
    "new": "new",
    "in progress": "assigned",
    "inprogress": "assigned",
    "assigned": "assigned",
    "resolved": "resolved",
    "done": "resolved",
    "fixed": "resolved",
    "closed": "verified",
    # Navisworks' clash statuses (New, Active, Reviewed, Approved, Resolved): "Approved" is a
    # clash found acceptable as it is. "Reviewed" says nothing of the state: reported, kept.
    "approved": "accepted",
}
STATUS_ZH = {
    "new": "新发现",
    "assigned": "已指派",
    "resolved": "已解决",
    "verified": "已验证",
    "accepted": "已接受",
}

MAX_ENTRY_BYTES = 20 * 1024 * 1024  # one markup or viewpoint file
MAX_TOTAL_BYTES = 500 * 1024 * 1024  # everything uncompressed (snapshots included)


class BcfError(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class TopicUpdate:
    guid: str
    status: str | None  # our workflow status, None when the tool's status is unknown to us
    comments: list[dict[str, str]]  # {"guid", "author", "date" (ISO 8601), "text"}
    components: list[str]  # IfcGuids selected in the topic's viewpoints
    bcf_status: str = ""
    title: str = ""
    labels: list[str] = field(default_factory=list)


def topic_guid(a_guid: str, b_guid: str, clash_set_name: str) -> str:
    """The same pair in the same clash set always gives the same topic, whichever is A."""
    first, second = sorted((a_guid, b_guid))
    return str(uuid.uuid5(TOPIC_NAMESPACE, f"{first}\x1f{second}\x1f{clash_set_name}"))


# --- export ----------------------------------------------------------------------------------


def export(
    clashes: Iterable[dict[str, Any]], *, clash_set: str, project_name: str, path: str | Path
) -> Path:
    """Write a BCF 2.1 zip with one topic per clash to ``path`` and return it."""
    from bcf.v2.bcfxml import BcfXml

    path = Path(path)
    bcf = BcfXml.create_new(project_name=project_name)
    bcf.project_info.project.project_id = str(
        uuid.uuid5(TOPIC_NAMESPACE, f"project\x1f{project_name}")
    )
    for clash in clashes:
        handler = _topic(clash, clash_set, bcf._xml_handler)
        bcf.topics[handler.guid] = handler
    path.parent.mkdir(parents=True, exist_ok=True)
    bcf.save(path)
    bcf.close()
    return path


def _topic(clash: dict[str, Any], clash_set: str, xml_handler: Any):
    import bcf.v2.model as mdl
    from bcf.v2.topic import TopicHandler
    from bcf.v2.visinfo import VisualizationInfoHandler, build_viewpoint_from_position_and_guids
    from xsdata.models.datatype import XmlDateTime

    guid = topic_guid(clash["a"], clash["b"], clash_set)
    status = clash.get("status") or "new"
    if status not in STATUS_TO_BCF:
        raise BcfError(f"未知的碰撞状态：{status}", "bad_status")
    comments = list(clash.get("comments") or [])
    created = _date(clash.get("created") or (comments[0]["date"] if comments else None))
    topic = mdl.Topic(
        guid=guid,
        title=clash.get("title") or _title(clash),
        description=_description(clash, clash_set),
        creation_author=clash.get("author") or AUTHOR,
        creation_date=XmlDateTime.from_datetime(created),
        topic_type="Clash",
        topic_status=STATUS_TO_BCF[status],
        labels=[ACCEPTED_LABEL] if status == "accepted" else [],
    )
    handler = TopicHandler.create_new("", "", AUTHOR, xml_handler=xml_handler)
    handler.markup = mdl.Markup(topic=topic)
    handler._topic_dir = Path(guid)  # bcf-client names the folder from the topic it created
    for comment in comments:
        handler.markup.comment.append(
            mdl.Comment(
                guid=str(
                    uuid.uuid5(
                        uuid.UUID(guid),
                        f"{comment['date']}\x1f{comment['author']}\x1f{comment['text']}",
                    )
                ),
                date=XmlDateTime.from_datetime(_date(comment["date"])),
                author=str(comment["author"]),
                comment=str(comment["text"]),
            )
        )
    centre = _centre(clash)
    visinfo = build_viewpoint_from_position_and_guids(centre, clash["a"], clash["b"])
    visinfo.guid = str(uuid.uuid5(uuid.UUID(guid), "viewpoint"))
    handler.add_visinfo_handler(VisualizationInfoHandler(visinfo, xml_handler=xml_handler))
    return handler


def _title(clash: dict[str, Any]) -> str:
    a = f"{clash.get('a_class', '')}「{clash.get('a_name') or '未命名'}」"
    b = f"{clash.get('b_class', '')}「{clash.get('b_name') or '未命名'}」"
    return f"碰撞：{a} 与 {b}"


def _description(clash: dict[str, Any], clash_set: str) -> str:
    status = STATUS_ZH.get(clash.get("status") or "new", "")
    lines = [
        f"碰撞检测集：{clash_set}",
        f"构件 A：{clash['a']}",
        f"构件 B：{clash['b']}",
        f"状态：{status}",
    ]
    if clash.get("reason"):
        lines.append(f"接受理由：{clash['reason']}")
    return "\n".join(lines)


def _centre(clash: dict[str, Any]) -> np.ndarray:
    """The camera looks at the midpoint of the clash's two points (world coordinates)."""
    p1 = np.asarray(clash.get("p1") or (0.0, 0.0, 0.0), dtype=np.float64)
    p2 = np.asarray(clash.get("p2") or p1, dtype=np.float64)
    return (p1 + p2) / 2.0


def _date(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str) and value:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    else:
        moment = dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    # BCF dates in UTC, whole seconds: what every tool writes back unchanged.
    return moment.astimezone(dt.UTC).replace(microsecond=0)


# --- import ----------------------------------------------------------------------------------


def read(path: str | Path) -> list[TopicUpdate]:
    """Topics of a BCF 2.0/2.1/3.0 zip; ``BcfError`` for anything that is not one."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BcfError("文件不是有效的 BCF（zip）文件，或已损坏。", "bcf_bad_zip") from exc
    with archive:
        infos = archive.infolist()
        if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
            raise BcfError("BCF 文件解压后过大。", "bcf_too_large")
        markups = [i for i in infos if i.filename.lower().endswith("markup.bcf")]
        if not markups:
            raise BcfError("zip 中没有 BCF 议题（缺少 markup.bcf）。", "bcf_no_topics")
        return [_read_topic(archive, info) for info in sorted(markups, key=lambda i: i.filename)]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(node: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [c for c in node.iter() if _local(c.tag) == name]


def _text(node: ElementTree.Element, name: str) -> str:
    for child in node:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _parse(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> ElementTree.Element:
    if info.file_size > MAX_ENTRY_BYTES:
        raise BcfError(f"BCF 中的 {info.filename} 过大。", "bcf_too_large")
    try:
        return ElementTree.fromstring(archive.read(info))
    except (ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BcfError(f"BCF 中的 {info.filename} 无法解析。", "bcf_bad_markup") from exc


def _read_topic(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> TopicUpdate:
    root = _parse(archive, info)
    topics = _children(root, "Topic")
    if not topics or not topics[0].get("Guid"):
        raise BcfError(f"BCF 中的 {info.filename} 没有议题。", "bcf_bad_markup")
    topic = topics[0]
    bcf_status = (topic.get("TopicStatus") or "").strip()
    # 2.x repeats <Labels>text</Labels>; 3.0 nests <Labels><Label>text</Label></Labels>.
    labels = [
        (n.text or "").strip()
        for n in _children(topic, "Labels") + _children(topic, "Label")
        if not len(n) and (n.text or "").strip()
    ]
    status = BCF_TO_STATUS.get(bcf_status.casefold())
    if status == "verified" and ACCEPTED_LABEL.casefold() in {label.casefold() for label in labels}:
        status = "accepted"
    return TopicUpdate(
        guid=topic.get("Guid").strip().lower(),
        status=status,
        comments=_comments(root),
        components=_components(archive, info, root),
        bcf_status=bcf_status,
        title=_text(topic, "Title"),
        labels=labels,
    )


def _comments(root: ElementTree.Element) -> list[dict[str, str]]:
    out = []
    for node in _children(root, "Comment"):
        if not len(node):  # 2.x nests <Comment> text inside <Comment>: only the outer has children
            continue
        out.append(
            {
                "guid": (node.get("Guid") or "").lower(),
                "author": _text(node, "Author"),
                "date": _iso(_text(node, "Date")),
                "text": _text(node, "Comment"),
            }
        )
    return sorted(out, key=lambda c: (c["date"], c["guid"]))


def _iso(value: str) -> str:
    try:
        return _date(value).isoformat()
    except ValueError:
        return value


def _components(
    archive: zipfile.ZipFile, markup: zipfile.ZipInfo, root: ElementTree.Element
) -> list[str]:
    folder = markup.filename.rsplit("/", 1)[0] + "/" if "/" in markup.filename else ""
    names = {_text(vp, "Viewpoint") for vp in _children(root, "ViewPoint")} | {
        _text(vp, "Viewpoint") for vp in _children(root, "Viewpoints") if len(vp)
    }
    names.discard("")
    members = {i.filename: i for i in archive.infolist()}
    guids: list[str] = []
    for name in sorted(names):
        info = members.get(folder + name)
        if info is None:
            continue
        visinfo = _parse(archive, info)
        for selection in _children(visinfo, "Selection"):
            for component in _children(selection, "Component"):
                ifc_guid = component.get("IfcGuid")
                if ifc_guid and ifc_guid not in guids:
                    guids.append(ifc_guid)
    return guids
