"""Independent verifier for the JianGuan ledger, offline (bundle file) or online (live API).

Why a separate tool: the point of a transparency log is that nobody has to trust the
server, so the verifier needs only the standard library, ``cryptography`` and ``rfc8785``
(plus ``gmssl-pyx`` if heads are signed with SM2). It never imports Django and can be copied
to an auditor's laptop together with ``merkle.py``, ``signing.py`` and ``canonical.py``.

Usage::

    python -m jianguan.ledger.verify --bundle ledger-bundle.json [--trusted-key-id ID ...]
    python -m jianguan.ledger.verify --url https://jg.example.gov.cn [--token T]
                                     [--state FILE] [--no-entries] [--trusted-key-id ID ...]

Exit status 0 only when everything verified; 1 on any verification failure (the first
failing entry index is named, in English and Chinese); 2 on bad command-line usage.

Bundle format ``jianguan-ledger-bundle/1`` (one JSON document)::

    {
      "format": "jianguan-ledger-bundle/1",
      "hash_alg": "sm3",                       # or "sha256"; the Merkle hash (RFC 9162 §2.1)
      "entries": [                             # ALL entries 0..n-1, in order, no gaps
        {"index": 0,
         "leaf_input": "<standard base64>",    # canonical (RFC 8785) JSON bytes of
                                               # {"type", "object", "actor", "time",
                                               #  "payload", "files"} - exactly these keys
         "leaf_hash": "<lowercase hex>"},      # H(0x00 || leaf_input) as stored
        ...
      ],
      "heads": [                               # signed tree heads, ascending tree_size;
        {"tree_size": 12,                      # the last one must cover every entry
         "root_hash": "<lowercase hex>",
         "timestamp": "2026-11-23T12:00:00.123Z",
         "hash_alg": "sm3",
         "signature": "<standard base64>",     # over RFC 8785 JSON of the 4 keys above
         "key_id": "<32 hex>",
         "sig_alg": "ed25519"},                # or "sm2"
        ...
      ],
      "keys": [
        {"key_id": "<32 hex>",                 # SHA-256(SPKI DER)[:16], recomputed here
         "sig_alg": "ed25519",
         "public_key": "-----BEGIN PUBLIC KEY-----\\n...",   # SPKI PEM, canonical layout
         "valid_from": "2026-01-01T00:00:00.000Z",          # or null
         "valid_to": null}                                  # or a timestamp
      ]
    }

Extra keys in any object are ignored (and therefore not verified).

What is checked offline, and why each single-byte edit is caught:

* entries: ``index`` equals its position (a gap, duplicate or reorder is named); the
  base64 is canonical; ``leaf_input`` is canonical JSON with exactly the six keys; its leaf
  hash equals the stored ``leaf_hash`` string exactly. An edit to ``leaf_input`` or
  ``leaf_hash`` is reported at that exact index.
* if both ``leaf_input`` and ``leaf_hash`` were rewritten consistently, the recomputed
  Merkle root of the first ``tree_size`` entries differs from every signed head covering
  that entry. The first altered index then lies between the largest matching head and the
  smallest mismatching one; the lower bound is reported (exact when heads are one apart).
* heads: fields well-formed, same ``hash_alg`` as the bundle, signature valid under the
  key named by ``key_id``, timestamp within the key's validity, ``tree_size`` and timestamp
  non-decreasing, root equal to the recomputed MTH, and an RFC 9162 consistency proof
  generated from the bundle verifies between consecutive heads.
* keys: PEM in canonical layout, ``key_id`` recomputed from it, ``sig_alg`` matches the key
  type, validity bounds parse. Validity bounds are not signed, so an edit that still
  covers all head timestamps cannot be detected; pin keys with ``--trusted-key-id`` (a key
  id obtained out of band) to stop a forger who re-signs a whole bundle with a new key.

Online mode (``--url``) fetches ``/api/v1/ledger/{keys,head}``, checks the head signature,
fetches every entry (``/entries/{i}``, with ``Authorization: Bearer TOKEN``) and its
inclusion proof against the head, and checks a consistency proof from every head recorded
earlier in the state file (default ``~/.jianguan-verify-state.json``, keyed by URL) to the
new head. Only when everything verifies is the new head appended to the state file. A
smaller tree size than one seen before, or the same size with another root, is reported as
a fork or rollback.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from .canonical import parse_canonical
from .merkle import (
    HASH_ALGS,
    InMemoryTree,
    digest_size,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from .signing import (
    HEAD_FIELDS,
    SIG_ALGS,
    PublicKey,
    Sm2Unavailable,
    b64decode_strict,
    canonical_public_key_pem,
    key_id,
    load_public_key,
    parse_timestamp,
    sig_alg_of,
    verify_head,
)

__all__ = [
    "BUNDLE_FORMAT",
    "DEFAULT_STATE_FILE",
    "ENTRY_KEYS",
    "Fetch",
    "FetchError",
    "Report",
    "check_leaf_input",
    "http_fetch",
    "main",
    "make_bundle",
    "verify_bundle",
    "verify_online",
]

BUNDLE_FORMAT = "jianguan-ledger-bundle/1"
STATE_FORMAT = "jianguan-verify-state/1"
ENTRY_KEYS = frozenset({"type", "object", "actor", "time", "payload", "files"})
DEFAULT_STATE_FILE = "~/.jianguan-verify-state.json"
SIGNED_HEAD_FIELDS = (*HEAD_FIELDS, "signature", "key_id", "sig_alg")
_MAX_PRINTED_FAILURES = 50


# --------------------------------------------------------------------------- reporting


@dataclass
class Failure:
    en: str
    zh: str
    index: int | None = None  # entry index the failure is attributed to, when there is one
    where: str | None = None  # otherwise: "head #2 (tree_size 40)", "key #0", ...

    def line(self) -> str:
        if self.index is not None:
            prefix = f"FAIL index {self.index}"
        else:
            prefix = f"FAIL {self.where}" if self.where else "FAIL"
        return f"{prefix}: {self.en} / {self.zh}"


@dataclass
class Report:
    """Collects failures and streams human-readable lines to ``out``."""

    out: TextIO = field(default_factory=lambda: sys.stdout)
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def fail(self, en: str, zh: str, *, index: int | None = None, where: str | None = None) -> None:
        failure = Failure(en, zh, index, where)
        self.failures.append(failure)
        if len(self.failures) <= _MAX_PRINTED_FAILURES:
            print(failure.line(), file=self.out)

    def info(self, text: str) -> None:
        print(text, file=self.out)

    def first_failing_index(self) -> int | None:
        indices = [f.index for f in self.failures if f.index is not None]
        return min(indices) if indices else None

    def summary(self, what: str) -> int:
        """Print the final verdict and return the exit status."""
        if self.ok:
            self.info(f"RESULT: OK, {what} verified / 结果：验证通过")
            return 0
        hidden = len(self.failures) - _MAX_PRINTED_FAILURES
        if hidden > 0:
            self.info(f"... and {hidden} more failure(s) / 另有 {hidden} 处问题未列出")
        first = self.first_failing_index()
        if first is not None:
            self.info(
                f"RESULT: FAIL, {len(self.failures)} problem(s); first failing index: {first}"
                f" / 结果：未通过，共 {len(self.failures)} 处问题；最早出错的记录索引为 {first}"
            )
        else:
            f0 = self.failures[0]
            self.info(
                f"RESULT: FAIL, {len(self.failures)} problem(s); first: {f0.where or 'bundle'}"
                f" / 结果：未通过，共 {len(self.failures)} 处问题；首个问题：{f0.where or '数据包'}"
            )
        return 1


# --------------------------------------------------------------------------- shared checks


def check_leaf_input(data: bytes) -> dict[str, Any]:
    """Parse a leaf input: canonical RFC 8785 JSON object with exactly ``ENTRY_KEYS``.

    Raises ``ValueError`` explaining what is wrong. Why exact keys: an entry with an extra
    or missing field is not something the ledger writes, so it signals tampering or a bug.
    """
    obj = parse_canonical(data)
    if not isinstance(obj, dict):
        raise ValueError("leaf input is not a JSON object")
    keys = set(obj)
    if keys != ENTRY_KEYS:
        missing = sorted(ENTRY_KEYS - keys)
        extra = sorted(keys - ENTRY_KEYS)
        raise ValueError(f"leaf input keys wrong (missing {missing}, unexpected {extra})")
    return obj


def _hex_hash(value: object, hash_alg: str) -> bytes:
    """Strict lowercase hex of exactly one digest; ``ValueError`` otherwise."""
    n = digest_size(hash_alg)
    if not isinstance(value, str) or not re.fullmatch(rf"[0-9a-f]{{{2 * n}}}", value):
        raise ValueError(f"not {2 * n} lowercase hex digits")
    return bytes.fromhex(value)


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    sig_alg: str
    public: PublicKey
    valid_from: datetime | None
    valid_to: datetime | None


def _load_keys(
    raw_keys: object, report: Report, trusted: frozenset[str] | None
) -> dict[str, KeyInfo]:
    """Validate published keys; keys that fail are reported and left out."""
    keys: dict[str, KeyInfo] = {}
    if not isinstance(raw_keys, list):
        report.fail("keys must be a list", "keys 字段必须是列表", where="keys")
        return keys
    for pos, item in enumerate(raw_keys):
        where = f"key #{pos}"
        if not isinstance(item, dict) or any(
            k not in item for k in ("key_id", "sig_alg", "public_key")
        ):
            report.fail(
                "key entry lacks key_id, sig_alg or public_key",
                "密钥条目缺少 key_id、sig_alg 或 public_key",
                where=where,
            )
            continue
        kid = item["key_id"]
        where = f"key #{pos} ({kid})"
        try:
            public = load_public_key(item["public_key"])
        except (ValueError, TypeError) as exc:
            report.fail(f"public key unreadable: {exc}", "公钥无法解析", where=where)
            continue
        if item["public_key"].strip() != canonical_public_key_pem(public).strip():
            report.fail(
                "public key PEM is not in canonical form (edited?)",
                "公钥 PEM 格式不规范（可能被篡改）",
                where=where,
            )
            continue
        if key_id(public) != kid:
            report.fail(
                f"key_id does not match the public key (computed {key_id(public)})",
                "密钥标识与公钥不符",
                where=where,
            )
            continue
        if item["sig_alg"] != sig_alg_of(public):
            report.fail(
                f"sig_alg {item['sig_alg']!r} does not match the key type {sig_alg_of(public)}",
                "签名算法与密钥类型不符",
                where=where,
            )
            continue
        try:
            bounds = [
                None if item.get(k) is None else parse_timestamp(item[k], strict=False)
                for k in ("valid_from", "valid_to")
            ]
        except ValueError as exc:
            report.fail(f"key validity bound unreadable: {exc}", "密钥有效期无法解析", where=where)
            continue
        valid_from, valid_to = bounds
        if valid_from and valid_to and valid_from > valid_to:
            report.fail("key valid_from is after valid_to", "密钥有效期起止颠倒", where=where)
            continue
        if kid in keys:
            report.fail("duplicate key_id", "密钥标识重复", where=where)
            continue
        if trusted is not None and kid not in trusted:
            report.info(f"note: {where} is not among --trusted-key-id; heads it signs will fail")
        keys[kid] = KeyInfo(kid, item["sig_alg"], public, valid_from, valid_to)
    return keys


def _check_signed_head(
    head: object,
    where: str,
    keys: Mapping[str, KeyInfo],
    report: Report,
    *,
    hash_alg: str | None,
    trusted: frozenset[str] | None,
) -> bool:
    """Well-formedness, key, validity window and signature of one signed head."""
    if not isinstance(head, dict) or any(k not in head for k in SIGNED_HEAD_FIELDS):
        report.fail(
            f"head must have fields {', '.join(SIGNED_HEAD_FIELDS)}",
            "树头字段不全",
            where=where,
        )
        return False
    if head["hash_alg"] not in HASH_ALGS or (hash_alg is not None and head["hash_alg"] != hash_alg):
        report.fail(
            f"head hash_alg {head['hash_alg']!r} differs from the log's {hash_alg!r}",
            "树头哈希算法与日志不一致",
            where=where,
        )
        return False
    kid = head["key_id"]
    key = keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        report.fail(
            f"signed by unknown key_id {kid!r}", "签名密钥不在公布的密钥列表中", where=where
        )
        return False
    if trusted is not None and kid not in trusted:
        report.fail(
            f"signed by key {kid}, which is not a --trusted-key-id",
            "签名密钥不在受信任密钥列表中",
            where=where,
        )
        return False
    if head["sig_alg"] != key.sig_alg or head["sig_alg"] not in SIG_ALGS:
        report.fail(
            f"sig_alg {head['sig_alg']!r} does not match key {kid} ({key.sig_alg})",
            "签名算法与密钥不符",
            where=where,
        )
        return False
    try:
        ts = parse_timestamp(head["timestamp"])
    except ValueError as exc:
        report.fail(f"bad timestamp: {exc}", "树头时间戳格式错误", where=where)
        return False
    if (key.valid_from and ts < key.valid_from) or (key.valid_to and ts > key.valid_to):
        report.fail(
            f"timestamp {head['timestamp']} is outside the validity of key {kid}",
            "树头时间不在签名密钥的有效期内",
            where=where,
        )
        return False
    try:
        good = verify_head(key.public, key.sig_alg, head, head["signature"])
    except Sm2Unavailable as exc:
        report.fail(str(exc), "验证 SM2 签名需要安装 gmssl-pyx", where=where)
        return False
    if not good:
        report.fail("signature does not verify", "树头签名验证失败", where=where)
        return False
    return True


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
    if not isinstance(bundle, dict) or bundle.get("format") != BUNDLE_FORMAT:
        report.fail(f"not a {BUNDLE_FORMAT} document", "不是有效的账本数据包", where="bundle")
        return
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
    for pos, entry in enumerate(entries):
        tree.append_leaf_hash(_check_entry(pos, entry, hash_alg, report) or placeholder)
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
        report.info(
            f"OK {n} entries, {len(heads)} signed heads; latest root "
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


def _check_entry(pos: int, entry: object, hash_alg: str, report: Report) -> bytes | None:
    """Check one bundle entry; return its recomputed leaf hash (None if undecodable)."""
    if not isinstance(entry, dict):
        report.fail("entry is not an object", "记录格式错误", index=pos)
        return None
    if type(entry.get("index")) is not int or entry.get("index") != pos:
        report.fail(
            f"entry at position {pos} has index {entry.get('index')!r}: gap, duplicate or reorder",
            f"第 {pos} 个位置的记录索引为 {entry.get('index')!r}：存在缺号、重复或顺序错乱",
            index=pos,
        )
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


# --------------------------------------------------------------------------- online

Fetch = Callable[[str, Mapping[str, str]], Any]
"""``fetch(url, headers) -> parsed JSON``; raises ``FetchError``. Injected in tests."""


class FetchError(Exception):
    """A request failed (network, HTTP status, or a body that is not JSON)."""


def http_fetch(url: str, headers: Mapping[str, str]) -> Any:
    """GET ``url`` with urllib and parse the JSON body."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"refusing non-HTTP URL {url}")
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", **headers}, method="GET"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise FetchError(f"HTTP {exc.code} for {url}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise FetchError(f"cannot reach {url}: {exc}") from exc
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FetchError(f"response from {url} is not JSON") from exc


def _load_state(path: Path) -> dict[str, Any]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"format": STATE_FORMAT, "logs": {}}
    if not isinstance(state, dict) or not isinstance(state.get("logs"), dict):
        raise ValueError(f"state file {path} is not a {STATE_FORMAT} document")
    return state


def _save_state(path: Path, state: Mapping[str, Any]) -> None:
    """Write atomically: a crash must never leave a truncated state (it is our memory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".jianguan-verify-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(state, fh, ensure_ascii=False, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def verify_online(
    base_url: str,
    report: Report,
    *,
    token: str | None = None,
    state_path: Path | str = DEFAULT_STATE_FILE,
    fetch: Fetch = http_fetch,
    check_entries: bool = True,
    trusted_key_ids: Iterable[str] | None = None,
) -> None:
    """Verify the live log at ``base_url`` (see the module docstring for the steps)."""
    trusted = frozenset(trusted_key_ids) if trusted_key_ids else None
    base = base_url.rstrip("/")
    api = f"{base}/api/v1/ledger"
    state_file = Path(state_path).expanduser()

    def get(path: str, headers: Mapping[str, str] | None = None) -> Any:
        return fetch(f"{api}{path}", headers or {})

    try:
        keys_doc = get("/keys")
        head = get("/head")
    except FetchError as exc:
        report.fail(str(exc), "无法获取树头或公钥", where="network")
        return
    keys = _load_keys(keys_doc.get("keys") if isinstance(keys_doc, dict) else None, report, trusted)
    size = head.get("tree_size") if isinstance(head, dict) else None
    where = f"head (tree_size {size})"
    if not _check_signed_head(head, where, keys, report, hash_alg=None, trusted=trusted):
        return
    if not _is_size(size):
        report.fail("tree_size is not a non-negative integer", "树头记录数无效", where=where)
        return
    hash_alg = head["hash_alg"]
    root = bytes.fromhex(head["root_hash"])
    report.info(f"head: tree_size {size}, root {head['root_hash']}, signed by {head['key_id']}")

    if check_entries:
        auth = {"Authorization": f"Bearer {token}"} if token else {}
        for i in range(size):
            _check_online_entry(i, size, root, hash_alg, get, auth, report)

    try:
        state = _load_state(state_file)
    except (ValueError, OSError) as exc:
        report.fail(str(exc), "本地状态文件无法读取", where="state")
        return
    log_state = state["logs"].setdefault(base, {})
    earlier = log_state.setdefault("heads", [])
    for old in earlier:
        _check_against_old_head(old, head, get, report)
    checked = len(earlier)

    if report.ok:
        if not any(_same_head(old, head) for old in earlier):
            earlier.append({k: head[k] for k in SIGNED_HEAD_FIELDS})
        try:
            _save_state(state_file, state)
        except OSError as exc:
            report.fail(f"cannot write state file: {exc}", "无法写入本地状态文件", where="state")
            return
        report.info(
            f"OK head signature, {size if check_entries else 0} inclusion proofs, "
            f"{checked} earlier head(s) consistent; state {state_file}"
        )


def _same_head(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return all(a.get(k) == b.get(k) for k in SIGNED_HEAD_FIELDS)


def _check_online_entry(
    i: int,
    size: int,
    root: bytes,
    hash_alg: str,
    get: Callable[..., Any],
    auth: Mapping[str, str],
    report: Report,
) -> None:
    try:
        doc = get(f"/entries/{i}", auth)
        proof = get(f"/proof/inclusion?index={i}&tree_size={size}")
    except FetchError as exc:
        report.fail(str(exc), f"无法获取索引 {i} 号记录或其包含证明", index=i)
        return
    if not isinstance(doc, dict) or doc.get("index") != i:
        report.fail("server returned another entry", f"服务器返回的不是索引 {i} 号记录", index=i)
        return
    try:
        raw = b64decode_strict(doc.get("leaf_input"))  # type: ignore[arg-type]
        check_leaf_input(raw)
    except ValueError as exc:
        report.fail(f"leaf_input invalid: {exc}", f"索引 {i} 号记录内容无效", index=i)
        return
    try:
        if proof.get("index") != i or proof.get("tree_size") != size:
            raise ValueError("proof is for another index or tree size")
        path = [_hex_hash(p, hash_alg) for p in proof["audit_path"]]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        report.fail(
            f"inclusion proof malformed: {exc}", f"索引 {i} 号记录的包含证明格式错误", index=i
        )
        return
    if not verify_inclusion(hash_alg, leaf_hash(raw, hash_alg), i, size, path, root):
        report.fail(
            "inclusion proof does not verify against the signed head",
            f"索引 {i} 号记录的包含证明与签名树头不符",
            index=i,
        )


def _check_against_old_head(
    old: Mapping[str, Any], head: Mapping[str, Any], get: Callable[..., Any], report: Report
) -> None:
    """Consistency (RFC 9162 §2.1.4) from a head seen earlier to the current one."""
    first, second = old.get("tree_size"), head["tree_size"]
    where = f"earlier head (tree_size {first}, {old.get('timestamp')})"
    if old.get("hash_alg") != head["hash_alg"] or not _is_size(first):
        report.fail(
            "earlier head uses another hash_alg or is malformed", "历史树头无效", where=where
        )
        return
    try:
        old_root = _hex_hash(old.get("root_hash"), head["hash_alg"])
    except ValueError:
        report.fail("earlier head root_hash malformed", "历史树头根哈希无效", where=where)
        return
    new_root = bytes.fromhex(head["root_hash"])
    if first > second:
        report.fail(
            f"log shrank from {first} to {second} entries: rollback or fork",
            f"日志记录数从 {first} 减少到 {second}：疑似回滚或分叉",
            where=where,
        )
        return
    if first == 0:
        return  # the empty tree is a prefix of every tree; RFC 9162 defines no proof
    if first == second:
        if old_root != new_root:
            report.fail(
                "same tree_size, different root: the log forked",
                "记录数相同但根哈希不同：日志出现分叉",
                where=where,
            )
        return
    try:
        doc = get(f"/proof/consistency?first={first}&second={second}")
        if doc.get("first") != first or doc.get("second") != second:
            raise ValueError("proof is for other tree sizes")
        path = [_hex_hash(p, head["hash_alg"]) for p in doc["consistency_path"]]
    except FetchError as exc:
        report.fail(str(exc), "无法获取一致性证明", where=where)
        return
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        report.fail(f"consistency proof malformed: {exc}", "一致性证明格式错误", where=where)
        return
    if not verify_consistency(head["hash_alg"], first, second, old_root, new_root, path):
        report.fail(
            f"consistency proof {first} -> {second} fails: history was rewritten",
            f"从 {first} 到 {second} 的一致性证明失败：历史记录被改写",
            where=where,
        )


# --------------------------------------------------------------------------- CLI


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m jianguan.ledger.verify",
        description="Verify a JianGuan ledger bundle offline, or a live ledger over HTTP.",
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--bundle", type=Path, help="bundle JSON file (offline mode)")
    source.add_argument("--url", help="base URL of the JianGuan site (online mode)")
    p.add_argument("--token", help="API token for fetching entries (online mode)")
    p.add_argument(
        "--state",
        default=DEFAULT_STATE_FILE,
        help=f"where heads seen earlier are kept (default {DEFAULT_STATE_FILE})",
    )
    p.add_argument(
        "--no-entries",
        action="store_true",
        help="online: skip per-entry inclusion proofs (check head and consistency only)",
    )
    p.add_argument(
        "--trusted-key-id",
        action="append",
        default=None,
        metavar="KEY_ID",
        help="only accept heads signed by this key id (repeatable); obtain it out of band",
    )
    return p


def main(
    argv: Sequence[str] | None = None,
    *,
    fetch: Fetch = http_fetch,
    out: TextIO | None = None,
) -> int:
    """Command-line entry point; returns the exit status (0 = everything verified)."""
    args = _parser().parse_args(argv)
    report = Report(out or sys.stdout)
    if args.bundle is not None:
        try:
            bundle = json.loads(args.bundle.read_bytes())
        except (OSError, ValueError) as exc:
            report.fail(f"cannot read bundle: {exc}", "无法读取数据包", where=str(args.bundle))
            return report.summary("bundle")
        verify_bundle(bundle, report, args.trusted_key_id)
        return report.summary("bundle")
    verify_online(
        args.url,
        report,
        token=args.token,
        state_path=args.state,
        fetch=fetch,
        check_entries=not args.no_entries,
        trusted_key_ids=args.trusted_key_id,
    )
    return report.summary(args.url)


if __name__ == "__main__":
    sys.exit(main())
