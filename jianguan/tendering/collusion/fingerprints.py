"""Authoring fingerprints (《招标投标法实施条例》第四十条第（一）（二）（三）（五）项) and bond
accounts (第（六）项).

Pure module (no Django). Each bid is a dict::

    {"bidder": key,
     "machine_fingerprint": {"hostname_sm3", "mac_sm3", "user_sm3", "platform"} | {"sm3", "user_agent"},
     "upload_ip": "1.2.3.4" | None,
     "files": [{"name": "技术标.pdf", "pdf": bytes | path | None}],
     "contacts": {"agent": "张三", "phone": "...", "email": "..."},
     "key_staff": ["京1112012201234567", ...],
     "bond_account": "0200 0012 0900 0012 345"}

Bidders are grouped by exact equality of a normalised value ("union by value"); each shared
value is one piece of evidence naming the bidders that share it and the article it speaks to.
Generic PDF authors ("Administrator") and generic creators are kept but marked weak.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

_ART = "《招标投标法实施条例》第四十条第（{}）项"
ITEM_1, ITEM_2, ITEM_3, ITEM_5, ITEM_6 = (_ART.format(x) for x in ("一", "二", "三", "五", "六"))

CREATION_WINDOW_S = 120  # PDFs from one Creator made within 2 minutes of each other
# Default account names of Windows/Office/WPS installs: equal by default, not by authorship.
GENERIC_AUTHORS = frozenset(
    s.casefold()
    for s in (
        "Administrator",
        "admin",
        "user",
        "owner",
        "PC",
        "微软用户",
        "微软中国",
        "Microsoft",
        "USER",
        "lenovo",
        "dell",
        "hp",
        "asus",
        "未知",
        "unknown",
        "Windows 用户",
        "Windows User",
        "DELL",
        "Sky123.Org",
        "deepin",
        "china",
        "MC SYSTEM",
        "User",
    )
)

# (label, keys that must all be present and equal, strength, article)
MACHINE_KEYS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("网卡 MAC 地址", ("mac_sm3",), "strong", ITEM_1),
    ("CPU 序列号", ("cpu_sm3",), "strong", ITEM_1),
    ("硬盘序列号", ("disk_sm3",), "strong", ITEM_1),
    ("造价软件加密锁", ("dongle_sm3",), "strong", ITEM_1),
    ("计算机名与登录用户", ("hostname_sm3", "user_sm3"), "strong", ITEM_1),
    ("浏览器指纹", ("sm3",), "medium", ITEM_1),
)


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list | tuple | set | frozenset) else [value]


def _text(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""


def _phone(value: Any) -> str:
    digits = re.sub(r"\D", "", str(value or ""))
    return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits


def _compact(value: Any) -> str:
    return re.sub(r"[\s\-_]", "", str(value or "")).upper()


def pdf_metadata(pdf: bytes | str | Path | None) -> dict[str, Any]:
    """``/ID[0]`` (hex), Author, Creator, Producer, CreationDate, ModDate of one PDF.

    Never raises: unreadable input gives ``{"error": "..."}`` so that the caller can note it."""
    if pdf is None:
        return {"error": "未提供 PDF"}
    try:
        from pypdf import PdfReader

        src = io.BytesIO(pdf) if isinstance(pdf, bytes | bytearray) else str(pdf)
        reader = PdfReader(src, strict=False)
        meta: dict[str, Any] = {}
        ids = reader.trailer.get("/ID")
        if ids:
            first = ids[0].get_object()
            raw = first.original_bytes if hasattr(first, "original_bytes") else bytes(first)
            meta["id0"] = raw.hex()
        info = reader.metadata or {}
        for field in ("/Author", "/Creator", "/Producer"):
            value = _text(info.get(field))
            if value:
                meta[field[1:].lower()] = value
        for field, attr in (("created", "creation_date"), ("modified", "modification_date")):
            try:
                when = getattr(reader.metadata, attr, None) if reader.metadata else None
            except Exception:  # malformed date string: pypdf raises on parse
                when = None
            if isinstance(when, dt.datetime):
                if when.tzinfo is None:
                    when = when.replace(tzinfo=dt.UTC)  # no zone given: compare as UTC
                meta[field] = when.isoformat()
        return meta
    except Exception as exc:  # a broken bid file is evidence of nothing; note it and go on
        return {"error": f"无法读取 PDF 元数据：{type(exc).__name__}"}


def _evidence(indicator, bidders, value, message, article, strength, **details) -> dict[str, Any]:
    return {
        "indicator": indicator,
        "bidders": bidders,
        "value": value,
        "threshold": 2,  # two or more bidders sharing one value
        "message_zh": message,
        "details": {"article": article, "strength": strength, **details},
    }


def _groups(index: Mapping[Any, set]) -> Iterable[tuple[Any, list]]:
    for value, holders in index.items():
        if len(holders) >= 2:
            yield value, sorted(holders, key=str)


def _names(bidders: Sequence[Hashable]) -> str:
    return "、".join(f"投标人{b}" for b in bidders)


def fingerprint_screens(
    bids: Sequence[Mapping[str, Any]], *, creation_window_s: int = CREATION_WINDOW_S
) -> list[dict[str, Any]]:
    """One evidence dict per value shared by 2+ bidders; ``details["strength"]`` is "strong",
    "medium" or "weak" (generic PDF author, close creation times), ``details["article"]`` the
    item of 条例 40 it speaks to. Unreadable PDFs give one ``fingerprint_notes`` entry."""
    out: list[dict[str, Any]] = []
    notes: list[str] = []
    idx: dict[str, dict[Any, set]] = defaultdict(lambda: defaultdict(set))
    stamps: list[tuple[dt.datetime, str, Hashable, str]] = []
    for bid in bids:
        key = bid["bidder"]
        fp = bid.get("machine_fingerprint") or {}
        for label, fields, _, _ in MACHINE_KEYS:
            values = [_as_list(fp.get(f)) for f in fields]
            if all(values):
                for combo in _combos(values):
                    idx[label][combo].add(key)
        if _text(bid.get("upload_ip")):
            idx["upload_ip"][_text(bid.get("upload_ip"))].add(key)
        contacts = bid.get("contacts") or {}
        if _text(contacts.get("agent")):
            idx["agent"][_text(contacts["agent"])].add(key)
        if len(_phone(contacts.get("phone"))) >= 7:
            idx["phone"][_phone(contacts["phone"])].add(key)
        if _text(contacts.get("email")):
            idx["email"][_text(contacts["email"]).casefold()].add(key)
        for cert in _as_list(bid.get("key_staff")):
            if _compact(cert):
                idx["staff"][_compact(cert)].add(key)
        if len(_compact(bid.get("bond_account"))) >= 6:
            idx["bond"][_compact(bid["bond_account"])].add(key)
        for f in bid.get("files") or []:
            meta = pdf_metadata(f.get("pdf"))
            if "error" in meta:
                notes.append(f"投标人{key}的文件“{f.get('name', '')}”：{meta['error']}")
                continue
            if meta.get("id0"):
                idx["pdf_id"][meta["id0"]].add(key)
            if meta.get("author"):
                idx["author"][meta["author"].casefold()].add(key)
            if meta.get("created") and meta.get("creator"):
                when = dt.datetime.fromisoformat(meta["created"])
                stamps.append((when, meta["creator"], key, f.get("name", "")))

    for label, fields, strength, article in MACHINE_KEYS:
        for value, who in _groups(idx[label]):
            out.append(
                _evidence(
                    "same_machine",
                    who,
                    len(who),
                    f"{_names(who)}的投标文件由同一台计算机制作或上传（{label}一致）。",
                    article,
                    strength,
                    fingerprint=label,
                    keys=list(fields),
                    shared_value=_short(value),
                )
            )
    simple = (
        ("same_upload_ip", "upload_ip", "从同一 IP 地址 {} 上传投标文件", ITEM_1, "medium"),
        (
            "same_pdf_id",
            "pdf_id",
            "的 PDF 文件标识符（/ID）相同（{}），疑为同一文件另存",
            ITEM_1,
            "strong",
        ),
        ("same_agent", "agent", "由同一委托代理人“{}”办理投标事宜", ITEM_2, "strong"),
        ("same_contact_phone", "phone", "的联系电话相同（{}）", ITEM_2, "strong"),
        ("same_contact_email", "email", "的联系邮箱相同（{}）", ITEM_2, "strong"),
        (
            "same_key_staff",
            "staff",
            "的项目管理班子中出现同一人员（证书编号 {}）",
            ITEM_3,
            "strong",
        ),
        ("same_bond_account", "bond", "的投标保证金从同一账户（{}）转出", ITEM_6, "strong"),
    )
    for indicator, name, text, article, strength in simple:
        for value, who in _groups(idx[name]):
            shown = _short(value) if name == "pdf_id" else value
            out.append(
                _evidence(
                    indicator,
                    who,
                    len(who),
                    f"{_names(who)}{text.format(shown)}。",
                    article,
                    strength,
                    shared_value=value,
                )
            )
    for value, who in _groups(idx["author"]):
        generic = value in GENERIC_AUTHORS
        msg = f"{_names(who)}的 PDF 作者（Author）相同：“{value}”"
        msg += "；该名称为常见默认用户名，仅作弱证据。" if generic else "。"
        out.append(
            _evidence(
                "same_pdf_author",
                who,
                len(who),
                msg,
                ITEM_1,
                "weak" if generic else "medium",
                shared_value=value,
                generic=generic,
            )
        )
    out += _close_creations(stamps, creation_window_s)
    if notes:
        out.append(
            {
                "indicator": "fingerprint_notes",
                "bidders": [],
                "value": len(notes),
                "threshold": None,
                "message_zh": "部分文件未能读取元数据：" + "；".join(notes[:10]),
                "details": {"article": ITEM_1, "strength": "none", "notes": notes},
            }
        )
    return out


def _combos(values: list[list[Any]]) -> list[tuple[str, ...]]:
    combos: list[tuple[str, ...]] = [()]
    for options in values:
        combos = [c + (str(o),) for c in combos for o in options if str(o)]
    return combos


def _short(value: Any) -> str:
    text = "+".join(value) if isinstance(value, tuple) else str(value)
    return text if len(text) <= 16 else text[:16] + "…"


def _close_creations(stamps, window: int) -> list[dict[str, Any]]:
    """Files of different bidders with the same Creator made within ``window`` seconds: one
    evidence per pair of bidders (the closest pair of files)."""
    best: dict[tuple, tuple[float, str, list[str]]] = {}
    stamps = sorted(stamps, key=lambda s: s[0])
    for x, (t1, c1, k1, n1) in enumerate(stamps):
        for t2, c2, k2, n2 in stamps[x + 1 :]:
            gap = (t2 - t1).total_seconds()
            if gap > window:
                break  # sorted by time: nothing later is closer
            if k1 == k2 or c1 != c2:
                continue
            pair = tuple(sorted((k1, k2), key=str))
            if pair not in best or gap < best[pair][0]:
                best[pair] = (gap, c1, [n1, n2] if pair[0] == k1 else [n2, n1])
    out = []
    for pair, (gap, creator, names) in sorted(best.items(), key=lambda kv: kv[1][0]):
        out.append(
            _evidence(
                "close_pdf_creation",
                list(pair),
                gap,
                f"{_names(pair)}的 PDF 文件由同一软件“{creator}”在 {gap:.0f} 秒内先后生成"
                f"（阈值 {window} 秒）。",
                ITEM_1,
                "weak",
                creator=creator,
                files=names,
                window_s=window,
            )
        )
    for e in out:
        e["threshold"] = window
    return out


def groups(evidence: Iterable[Mapping[str, Any]], *, min_strength: str = "medium") -> list[list]:
    """Connected groups of bidders linked by evidence at least this strong (union-find)."""
    rank = {"weak": 0, "medium": 1, "strong": 2}
    parent: dict[Any, Any] = {}

    def find(x: Any) -> Any:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in evidence:
        strength = rank.get(e.get("details", {}).get("strength"), -1)
        if strength < rank[min_strength] or len(e["bidders"]) < 2:
            continue
        first = find(e["bidders"][0])
        for other in e["bidders"][1:]:
            parent[find(other)] = first
    found: dict[Any, list] = defaultdict(list)
    for x in parent:
        found[find(x)].append(x)
    return sorted((sorted(g, key=str) for g in found.values() if len(g) > 1), key=str)
