"""The manifest: canonical JSON, its dataclasses and the validation every reader applies.

Validation is strict because the manifest is read before anything is decrypted, by the
platform, from a file an untrusted party produced: every field is type- and range-checked
and the bytes must be exactly the canonical serialisation of what they parse to.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import MalformedPackageError, UnsupportedError
from .stream import CIPHERS, MAX_CHUNK, MIN_CHUNK, PREFIX_SIZE

FORMAT = "jianguan-sealed-bid"
VERSION = 1
MANIFEST_NAME = "manifest.json"
SUMMARY_NAME = "summary.bin"
MAX_MANIFEST = 1 << 20
MAX_FILES = 9999
MAX_NAME = 255
_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
_PREFIX = re.compile(rf"[0-9a-f]{{{2 * PREFIX_SIZE}}}\Z")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")
_FORBIDDEN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def payload_name(index: int) -> str:
    return f"payload/{index:04d}.bin"


def canonical_json(obj: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8, no NaN: what sealer.js's canonicalJson() also emits."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def safe_file_name(name: object) -> str:
    """A bare file name that is safe to create in an output folder on Windows and POSIX."""
    if (
        not isinstance(name, str)
        or not name.strip()
        or name in (".", "..")
        or len(name) > MAX_NAME
        or _FORBIDDEN_NAME.search(name)
    ):
        raise MalformedPackageError(f"清单中的文件名不合法：{name!r}")
    return name


@dataclass(frozen=True)
class Entry:
    """One encrypted stream: a bid file or the price summary."""

    size: int
    nonce_prefix: bytes
    sm3_plain: str
    sm3_cipher: str

    def _fields(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "nonce_prefix": self.nonce_prefix.hex(),
            "sm3_plain": self.sm3_plain,
            "sm3_cipher": self.sm3_cipher,
        }


@dataclass(frozen=True)
class FileEntry(Entry):
    index: int = 0
    name: str = ""
    media_type: str = "application/octet-stream"

    @property
    def path(self) -> str:
        return payload_name(self.index)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self._fields(),
            "index": self.index,
            "name": self.name,
            "media_type": self.media_type,
        }


@dataclass(frozen=True)
class Manifest:
    cipher: str
    chunk_size: int
    created_at: str
    recipient_key_fingerprint: str
    ephemeral_public_key: bytes
    hkdf_salt: bytes
    wrapped_key: bytes
    key_check: str
    files: tuple[FileEntry, ...]
    summary: Entry
    fingerprint: dict[str, Any]
    version: int = VERSION
    raw: bytes = field(default=b"", compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "cipher": self.cipher,
            "chunk_size": self.chunk_size,
            "created_at": self.created_at,
            "recipient_key_fingerprint": self.recipient_key_fingerprint,
            "key_wrap": {
                "alg": "ECDH-P256+HKDF-SHA256+A256KW",
                "ephemeral_public_key": _b64(self.ephemeral_public_key),
                "hkdf_salt": _b64(self.hkdf_salt),
                "wrapped_key": _b64(self.wrapped_key),
            },
            "key_check": self.key_check,
            "files": [f.to_dict() for f in self.files],
            "summary": self.summary._fields(),
            "fingerprint": self.fingerprint,
        }

    def to_json(self) -> bytes:
        return canonical_json(self.to_dict())

    def entry_names(self) -> set[str]:
        return {MANIFEST_NAME, SUMMARY_NAME} | {f.path for f in self.files}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _bad(what: str) -> MalformedPackageError:
    return MalformedPackageError(f"清单格式错误：{what}")


def _get(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = obj.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _bad(f"{where}.{key} 缺失或类型错误")
    return value


def _keys(obj: Any, expected: set[str], where: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise _bad(f"{where} 应为对象")
    if set(obj) != expected:
        extra, missing = set(obj) - expected, expected - set(obj)
        raise _bad(f"{where} 字段不符（多余 {sorted(extra)}，缺少 {sorted(missing)}）")
    return obj


def _hex64(obj: dict[str, Any], key: str, where: str) -> str:
    value = _get(obj, key, str, where)
    if not _HEX64.match(value):
        raise _bad(f"{where}.{key} 应为 64 位小写十六进制")
    return value


def _b64field(obj: dict[str, Any], key: str, where: str, lengths: range) -> bytes:
    try:
        data = base64.b64decode(_get(obj, key, str, where), validate=True)
    except binascii.Error:
        raise _bad(f"{where}.{key} 不是有效的 Base64") from None
    if len(data) not in lengths:
        raise _bad(f"{where}.{key} 长度不对")
    return data


def _entry(obj: Any, where: str, extra: frozenset[str] = frozenset()) -> dict[str, Any]:
    obj = _keys(obj, {"size", "nonce_prefix", "sm3_plain", "sm3_cipher"} | extra, where)
    size = _get(obj, "size", int, where)
    if size < 0 or size >= 1 << 48:
        raise _bad(f"{where}.size 超出范围")
    prefix = _get(obj, "nonce_prefix", str, where)
    if not _PREFIX.match(prefix):
        raise _bad(f"{where}.nonce_prefix 应为 {PREFIX_SIZE} 字节的十六进制")
    return {
        "size": size,
        "nonce_prefix": bytes.fromhex(prefix),
        "sm3_plain": _hex64(obj, "sm3_plain", where),
        "sm3_cipher": _hex64(obj, "sm3_cipher", where),
    }


def parse_manifest(raw: bytes) -> Manifest:
    if len(raw) > MAX_MANIFEST:
        raise MalformedPackageError("清单 manifest.json 超过 1 MiB")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise MalformedPackageError("清单 manifest.json 不是有效的 UTF-8 JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise MalformedPackageError("这不是建管云投标文件封装（manifest.format 不符）")
    if doc.get("version") != VERSION:
        raise UnsupportedError(
            f"不支持的封装格式版本：{doc.get('version')!r}（本工具支持版本 {VERSION}）"
        )
    cipher = _get(doc, "cipher", str, "manifest")
    if cipher not in CIPHERS:
        raise UnsupportedError(f"不支持的加密算法：{cipher}")
    _keys(
        doc,
        {
            "format",
            "version",
            "cipher",
            "chunk_size",
            "created_at",
            "recipient_key_fingerprint",
            "key_wrap",
            "key_check",
            "files",
            "summary",
            "fingerprint",
        },
        "manifest",
    )
    chunk_size = _get(doc, "chunk_size", int, "manifest")
    if not MIN_CHUNK <= chunk_size <= MAX_CHUNK:
        raise _bad(f"chunk_size 应在 {MIN_CHUNK}..{MAX_CHUNK} 之间")
    created_at = _get(doc, "created_at", str, "manifest")
    if not _TIME.match(created_at):
        raise _bad("created_at 应为 UTC ISO 8601 时间，如 2026-01-02T03:04:05Z")
    wrap = _keys(
        doc["key_wrap"],
        {"alg", "ephemeral_public_key", "hkdf_salt", "wrapped_key"},
        "key_wrap",
    )
    if wrap["alg"] != "ECDH-P256+HKDF-SHA256+A256KW":
        raise UnsupportedError(f"不支持的密钥封装算法：{wrap['alg']!r}")
    key_len = CIPHERS[cipher]
    files_doc = _get(doc, "files", list, "manifest")
    if len(files_doc) > MAX_FILES:
        raise _bad(f"文件数超过 {MAX_FILES}")
    files = []
    for position, item in enumerate(files_doc):
        where = f"files[{position}]"
        common = _entry(item, where, frozenset({"index", "name", "media_type"}))
        if item["index"] != position:
            raise _bad(f"{where}.index 应为 {position}")
        media_type = _get(item, "media_type", str, where)
        if not 0 < len(media_type) <= 255:
            raise _bad(f"{where}.media_type 长度不对")
        name = safe_file_name(item["name"])
        files.append(FileEntry(**common, index=position, name=name, media_type=media_type))
    lowered = [f.name.casefold() for f in files]
    if len(set(lowered)) != len(lowered):
        raise _bad("文件名重复")
    fingerprint = doc["fingerprint"]
    if not isinstance(fingerprint, dict) or not all(
        isinstance(k, str) and isinstance(v, str | int | bool) for k, v in fingerprint.items()
    ):
        raise _bad("fingerprint 应为字符串到字符串/整数的对象")
    manifest = Manifest(
        version=VERSION,
        cipher=cipher,
        chunk_size=chunk_size,
        created_at=created_at,
        recipient_key_fingerprint=_hex64(doc, "recipient_key_fingerprint", "manifest"),
        ephemeral_public_key=_b64field(wrap, "ephemeral_public_key", "key_wrap", range(26, 200)),
        hkdf_salt=_b64field(wrap, "hkdf_salt", "key_wrap", range(32, 33)),
        wrapped_key=_b64field(wrap, "wrapped_key", "key_wrap", range(key_len + 8, key_len + 9)),
        key_check=_hex64(doc, "key_check", "manifest"),
        files=tuple(files),
        summary=Entry(**_entry(doc["summary"], "summary")),
        fingerprint=fingerprint,
        raw=raw,
    )
    if manifest.to_json() != raw:
        raise MalformedPackageError("清单 manifest.json 不是规范化 JSON（键须排序、无空白）")
    return manifest
