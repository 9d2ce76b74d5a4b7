"""Offline verification of an exported bundle (formats jianguan-ledger-bundle/1 and /2)."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..merkle import (
    HASH_ALGS,
    digest_size,
    leaf_hash,
)
from ..merkle_consistency import verify_consistency
from ..merkle_memory import InMemoryTree
from ..signing import (
    b64decode_strict,
    parse_timestamp,
)
from .common import (
    BUNDLE_FORMAT,
    BUNDLE_FORMATS,
    Report,
    _check_signed_head,
    _hex_hash,
    _is_size,
    _load_keys,
    check_leaf_input,
)

# --------------------------------------------------------------------------- bundle


def make_bundle(
    hash_alg: str,
    entries: Iterable[tuple[bytes, bytes]],
    heads: Sequence[Mapping[str, Any]],
    keys: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Assemble a bundle from ``(leaf_input, stored leaf_hash)`` pairs, signed heads, keys.

    For the exporting management command and the tests, so the layout lives in one place.
    """
    return {
        "format": BUNDLE_FORMAT,
        "hash_alg": hash_alg,
        "entries": [
            {"index": i, "leaf_input": base64.b64encode(raw).decode("ascii"), "leaf_hash": lh.hex()}
            for i, (raw, lh) in enumerate(entries)
        ],
        "heads": [dict(h) for h in heads],
        "keys": [dict(k) for k in keys],
    }


def verify_bundle(
    bundle: object, report: Report, trusted_key_ids: Iterable[str] | None = None
) -> None:
    """Check every entry, head and key of a bundle (see the module docstring)."""
    trusted = frozenset(trusted_key_ids) if trusted_key_ids else None
    if not isinstance(bundle, dict) or bundle.get("format") not in BUNDLE_FORMATS:
        report.fail(
            f"not a {' or '.join(sorted(BUNDLE_FORMATS))} document",
            "不是有效的账本数据包",
            where="bundle",
        )
        return
    may_withhold = bundle["format"] != BUNDLE_FORMAT
    hash_alg = bundle.get("hash_alg")
    if hash_alg not in HASH_ALGS:
        report.fail(f"unsupported hash_alg {hash_alg!r}", "不支持的哈希算法", where="bundle")
        return
    entries, heads = bundle.get("entries"), bundle.get("heads")
    if not isinstance(entries, list) or not isinstance(heads, list):
        report.fail(
            "entries and heads must be lists", "entries 与 heads 必须是列表", where="bundle"
        )
        return
    keys = _load_keys(bundle.get("keys"), report, trusted)

    # Entries: recompute every leaf hash from leaf_input (never trust the stored one).
    tree = InMemoryTree(hash_alg)
    placeholder = b"\x00" * digest_size(hash_alg)
    withheld = 0
    for pos, entry in enumerate(entries):
        if isinstance(entry, dict) and entry.get("withheld") is not None:
            leaf = _check_withheld(pos, entry, hash_alg, report, may_withhold)
            withheld += leaf is not None
        else:
            leaf = _check_entry(pos, entry, hash_alg, report)
        tree.append_leaf_hash(leaf or placeholder)
    n = tree.size
    bad_entries = sorted({f.index for f in report.failures if f.index is not None})

    # Heads: signature, root against the recomputed tree, consistency with the previous one.
    if not heads:
        report.fail("bundle has no signed tree head", "数据包中没有签名树头", where="bundle")
    last_good_size = 0  # largest head size whose signed root matched the recomputed tree
    prev: dict[str, Any] | None = None  # previous fully verified head
    prev_size, prev_ts = -1, None
    for pos, head in enumerate(heads):
        size = head.get("tree_size") if isinstance(head, dict) else None
        where = f"head #{pos} (tree_size {size})"
        if not _check_signed_head(head, where, keys, report, hash_alg=hash_alg, trusted=trusted):
            continue
        assert isinstance(head, dict)
        if not _is_size(size) or size > n:
            report.fail(
                f"tree_size {size!r} exceeds the {n} entries in the bundle",
                f"树头的记录数 {size!r} 超过数据包中的 {n} 条",
                where=where,
            )
            continue
        ts = parse_timestamp(head["timestamp"])
        if size < prev_size or (prev_ts is not None and ts < prev_ts):
            report.fail(
                "heads are not in ascending tree_size / timestamp order",
                "树头未按记录数与时间递增排列",
                where=where,
            )
        prev_size, prev_ts = max(prev_size, size), max(prev_ts or ts, ts)
        signed_root = bytes.fromhex(head["root_hash"])
        if tree.root(size) != signed_root:
            _report_divergence(pos, size, last_good_size, bad_entries, report)
            continue
        last_good_size = max(last_good_size, size)
        if prev is not None and 0 < prev["tree_size"] <= size:
            first = prev["tree_size"]
            proof = tree.consistency_proof(first, size)
            if not verify_consistency(
                hash_alg, first, size, bytes.fromhex(prev["root_hash"]), signed_root, proof
            ):
                report.fail(
                    f"not consistent with the previous head (tree_size {first})",
                    "与前一个树头不一致（一致性证明失败）",
                    where=where,
                )
        prev = head
    if heads and last_good_size < n and report.ok:
        report.fail(
            f"entries {last_good_size}..{n - 1} are not covered by any signed head",
            f"索引 {last_good_size} 至 {n - 1} 的记录没有任何签名树头覆盖",
            index=last_good_size,
        )
    if report.ok:
        used = sorted({h["key_id"] for h in heads})
        if withheld:
            report.info(
                f"{withheld} of {n} entries withheld from this bundle's reader, verified by "
                f"hash / {withheld} 条记录内容不可见，已按叶哈希核验"
            )
        report.info(
            f"OK {n} entries{f' ({withheld} withheld, verified by hash)' if withheld else ''}, "
            f"{len(heads)} signed heads; latest root "
            f"{heads[-1]['root_hash'] if heads else '-'}; key ids: {', '.join(used)}"
        )


def _report_divergence(
    pos: int, size: int, last_good_size: int, bad_entries: Sequence[int], report: Report
) -> None:
    """Attribute a signed root that the recomputed tree does not match to an entry index.

    Entries below ``last_good_size`` are vouched for by a matching signed head, so the
    first altered entry is in ``[last_good_size, size)``. If an entry in that range already
    failed its own checks, that index is named (it is a confirmed failure); otherwise
    (leaf_input and leaf_hash rewritten together) the lower bound is the best a verifier can
    say without more signed heads, and it is exact when the range has one entry.
    """
    where = f"head #{pos} (tree_size {size})"
    if size == 0:
        report.fail("empty-tree root is wrong", "空树的根哈希不正确", where=where)
        return
    lo = min(last_good_size, size - 1)
    known = [i for i in bad_entries if lo <= i < size]
    if known:
        report.fail(
            f"root differs from signed head #{pos} (tree_size {size}); altered entries lie in "
            f"[{lo}, {size}), which includes this entry that failed its own check",
            f"根哈希与第 {pos} 号签名树头（记录数 {size}）不符；被改动的记录在索引 {lo} 至 "
            f"{size - 1} 之间，其中包括本条未通过自身校验的记录",
            index=known[0],
        )
    elif size - lo == 1:
        report.fail(
            f"entry altered: root differs from signed head #{pos} (tree_size {size}) "
            f"while head of size {lo} matches",
            f"索引 {lo} 号记录被改动：根哈希与第 {pos} 号签名树头（记录数 {size}）不符",
            index=lo,
        )
    else:
        report.fail(
            f"root differs from signed head #{pos} (tree_size {size}); the first altered "
            f"entry is in [{lo}, {size}) (entries before {lo} match a signed head)",
            f"根哈希与第 {pos} 号签名树头（记录数 {size}）不符；"
            f"最早被改动的记录在索引 {lo} 至 {size - 1} 之间",
            index=lo,
        )


def _check_index(pos: int, entry: dict, report: Report) -> None:
    if type(entry.get("index")) is not int or entry.get("index") != pos:
        report.fail(
            f"entry at position {pos} has index {entry.get('index')!r}: gap, duplicate or reorder",
            f"第 {pos} 个位置的记录索引为 {entry.get('index')!r}：存在缺号、重复或顺序错乱",
            index=pos,
        )


def _check_withheld(
    pos: int, entry: dict, hash_alg: str, report: Report, allowed: bool
) -> bytes | None:
    """A withheld entry (format /2 only): its leaf hash, vouched for by the signed roots."""
    _check_index(pos, entry, report)
    if not allowed or entry.get("withheld") is not True or "leaf_input" in entry:
        report.fail(
            "withheld entry not allowed here (format /1, withheld not true, or leaf_input kept)",
            f"索引 {pos} 号记录的“内容不可见”标记无效",
            index=pos,
        )
        return None
    try:
        return _hex_hash(entry.get("leaf_hash"), hash_alg)
    except ValueError as exc:
        report.fail(
            f"withheld entry's leaf_hash invalid: {exc}",
            f"索引 {pos} 号记录（内容不可见）的叶哈希无效",
            index=pos,
        )
        return None


def _check_entry(pos: int, entry: object, hash_alg: str, report: Report) -> bytes | None:
    """Check one bundle entry; return its recomputed leaf hash (None if undecodable)."""
    if not isinstance(entry, dict):
        report.fail("entry is not an object", "记录格式错误", index=pos)
        return None
    _check_index(pos, entry, report)
    try:
        raw = b64decode_strict(entry.get("leaf_input"))  # type: ignore[arg-type]
    except ValueError as exc:
        report.fail(
            f"leaf_input is not valid base64: {exc}",
            f"索引 {pos} 号记录的 leaf_input 不是有效的 base64",
            index=pos,
        )
        return None
    computed = leaf_hash(raw, hash_alg)
    try:
        check_leaf_input(raw)
    except ValueError as exc:
        report.fail(
            f"leaf_input is not a canonical ledger entry: {exc}",
            f"索引 {pos} 号记录的内容不是规范的账本记录",
            index=pos,
        )
    if entry.get("leaf_hash") != computed.hex():
        report.fail(
            "leaf hash mismatch",
            f"索引 {pos} 号记录的叶哈希不符",
            index=pos,
        )
    return computed
