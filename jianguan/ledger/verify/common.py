"""Reporting and the checks shared by the offline and online verifiers."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from ..canonical import parse_canonical
from ..merkle import (
    HASH_ALGS,
    digest_size,
)
from ..signing import (
    HEAD_FIELDS,
    SIG_ALGS,
    PublicKey,
    Sm2Unavailable,
    canonical_public_key_pem,
    key_id,
    load_public_key,
    parse_timestamp,
    sig_alg_of,
    verify_head,
)

BUNDLE_FORMAT = "jianguan-ledger-bundle/1"
# /2: as /1, but an entry may be withheld from the auditor it was exported for:
# {"index", "leaf_hash", "withheld": true} without leaf_input (verified by hash only).
BUNDLE_FORMAT_2 = "jianguan-ledger-bundle/2"
BUNDLE_FORMATS = frozenset({BUNDLE_FORMAT, BUNDLE_FORMAT_2})
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
