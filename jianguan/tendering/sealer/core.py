"""Seal, inspect, unwrap and open packages (see the package docstring for the format)."""

from __future__ import annotations

import hmac
import json
import mimetypes
import os
import secrets
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives import hashes

from . import keys, stream
from .container import Package, PackageSource, new_info
from .errors import (
    HashMismatchError,
    InvalidInputError,
    MalformedPackageError,
    SealError,
    TamperedError,
    TruncatedError,
    WrongKeyError,
)
from .fingerprint import collect, sm3_hex
from .format import (
    MANIFEST_NAME,
    MAX_FILES,
    SUMMARY_NAME,
    Entry,
    FileEntry,
    Manifest,
    canonical_json,
    payload_name,
    safe_file_name,
)

MAX_SUMMARY = 64 << 10
SUMMARY_LABEL = "开标一览表"
_KEY_CHECK_LABEL = b"jianguan-bid-v1 key-check\x00"
_READ = 1 << 20


def key_check(data_key: bytes) -> str:
    """SM3 commitment to the data key: a wrong key is named as such (not as "tampered"), and
    a bidder cannot later hand over a second key under which the ciphertext also opens."""
    return sm3_hex(_KEY_CHECK_LABEL + data_key)


@dataclass(frozen=True)
class OpenedFile:
    index: int
    name: str
    size: int
    sm3: str
    path: Path | None


@dataclass(frozen=True)
class OpenedBid:
    manifest: Manifest
    summary: dict[str, Any]
    files: tuple[OpenedFile, ...]


def _validate_summary(summary: object) -> dict[str, str | int]:
    if not isinstance(summary, dict) or not summary:
        raise InvalidInputError(f"{SUMMARY_LABEL}必须是非空的 JSON 对象")
    for key, value in summary.items():
        if not isinstance(key, str) or not key:
            raise InvalidInputError(f"{SUMMARY_LABEL}的字段名必须是非空字符串")
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise InvalidInputError(
                f'{SUMMARY_LABEL}字段 {key} 的值必须是字符串或整数（金额请用字符串，如 "1234567.89"）'
            )
    if "nonce" in summary:
        raise InvalidInputError(f"{SUMMARY_LABEL}中的 nonce 字段由封装工具生成，请勿自行填写")
    return dict(summary)


def _validate_fingerprint(fingerprint: object) -> dict[str, Any]:
    if not isinstance(fingerprint, dict) or not all(
        isinstance(k, str) and isinstance(v, str | int | bool) for k, v in fingerprint.items()
    ):
        raise InvalidInputError("fingerprint 必须是字符串到字符串/整数的对象")
    return dict(fingerprint)


def _validate_files(files: list[Path]) -> list[Path]:
    paths = [Path(f) for f in files]
    if len(paths) > MAX_FILES:
        raise InvalidInputError(f"一次最多封装 {MAX_FILES} 个文件")
    seen: set[str] = set()
    for path in paths:
        if not path.is_file():
            raise InvalidInputError(f"找不到文件：{path}")
        try:
            safe_file_name(path.name)
        except MalformedPackageError:
            raise InvalidInputError(f"文件名不合法：{path.name!r}") from None
        if path.name.casefold() in seen:
            raise InvalidInputError(f"文件名重复：{path.name}（不同目录下的同名文件请先改名）")
        seen.add(path.name.casefold())
    return paths


def _seal_entry(
    zf: zipfile.ZipFile,
    name: str,
    src: BinaryIO,
    size: int,
    *,
    seal: stream.Seal,
    kind: int,
    index: int,
    chunk_size: int,
    label: str,
) -> Entry:
    prefix = os.urandom(stream.PREFIX_SIZE)
    plain_hash, cipher_hash = hashes.Hash(hashes.SM3()), hashes.Hash(hashes.SM3())
    written = 0
    with zf.open(new_info(name, stream.cipher_size(size, chunk_size)), "w") as out:
        for plain, sealed in stream.encrypt_stream(
            src, seal=seal, prefix=prefix, aad_bytes=stream.aad(kind, index), chunk_size=chunk_size
        ):
            written += len(plain)
            plain_hash.update(plain)
            cipher_hash.update(sealed)
            out.write(sealed)
    if written != size:
        raise InvalidInputError(f"{label} 在封装过程中被修改（大小由 {size} 变为 {written}）")
    return Entry(size, prefix, plain_hash.finalize().hex(), cipher_hash.finalize().hex())


def seal(
    *,
    files: list[Path],
    summary: dict[str, str | int],
    recipient_public_pem: bytes,
    out: Path,
    cipher: str = "AES-256-GCM",
    chunk_size: int = 1 << 20,
    fingerprint: dict[str, Any] | None = None,
) -> Manifest:
    """Encrypt `files` and the price `summary` for the holder of `recipient_public_pem`."""
    paths = _validate_files(files)
    summary_plain = canonical_json(
        {**_validate_summary(summary), "nonce": secrets.token_bytes(32).hex()}
    )
    if len(summary_plain) > MAX_SUMMARY:
        raise InvalidInputError(f"{SUMMARY_LABEL}过大（超过 64 KiB）")
    if not stream.MIN_CHUNK <= chunk_size <= stream.MAX_CHUNK:
        raise InvalidInputError(f"chunk_size 应在 {stream.MIN_CHUNK}..{stream.MAX_CHUNK} 之间")
    data_key = os.urandom(stream.key_length(cipher))
    seal_fn, _ = stream.primitives(cipher, data_key)
    recipient = keys.load_public(recipient_public_pem)
    ephemeral, salt, wrapped = keys.wrap(data_key, recipient)
    fingerprint = collect() if fingerprint is None else _validate_fingerprint(fingerprint)
    out = Path(out)
    partial = out.with_name(out.name + ".part")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as zf:
            entries = []
            for index, path in enumerate(paths):
                with path.open("rb") as src:
                    entry = _seal_entry(
                        zf, payload_name(index), src, os.fstat(src.fileno()).st_size,
                        seal=seal_fn, kind=stream.KIND_FILE, index=index,
                        chunk_size=chunk_size, label=path.name,
                    )  # fmt: skip
                media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                entries.append(
                    FileEntry(**vars(entry), index=index, name=path.name, media_type=media_type)
                )
            summary_entry = _seal_entry(
                zf, SUMMARY_NAME, BytesIO(summary_plain), len(summary_plain),
                seal=seal_fn, kind=stream.KIND_SUMMARY, index=0,
                chunk_size=chunk_size, label=SUMMARY_LABEL,
            )  # fmt: skip
            manifest = Manifest(
                cipher=cipher,
                chunk_size=chunk_size,
                created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                recipient_key_fingerprint=keys.fingerprint_of(recipient),
                ephemeral_public_key=ephemeral,
                hkdf_salt=salt,
                wrapped_key=wrapped,
                key_check=key_check(data_key),
                files=tuple(entries),
                summary=summary_entry,
                fingerprint=fingerprint,
            )
            raw = manifest.to_json()
            zf.writestr(new_info(MANIFEST_NAME, len(raw)), raw)
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return replace(manifest, raw=raw)


def read_manifest(package: PackageSource) -> Manifest:
    """Validate the container and manifest (no hashing of payloads, no key needed)."""
    with Package(package) as pkg:
        return pkg.manifest


def _check_stored_size(pkg: Package, name: str, entry: Entry, label: str) -> int:
    expected = stream.cipher_size(entry.size, pkg.manifest.chunk_size)
    stored = pkg.size(name)
    if stored < expected:
        raise TruncatedError(f"{label} 的密文被截断（应为 {expected} 字节，实际 {stored} 字节）")
    if stored > expected:
        raise TamperedError(f"{label} 的密文长度与清单不符（应为 {expected} 字节，实际 {stored}）")
    return stored


def _entries(manifest: Manifest) -> Iterator[tuple[str, Entry, str]]:
    yield SUMMARY_NAME, manifest.summary, SUMMARY_LABEL
    for entry in manifest.files:
        yield entry.path, entry, f"文件 {entry.name}"


def verify_package_structure(package: PackageSource) -> Manifest:
    """Everything checkable without the key: container, manifest, sizes, CRC-32, ciphertext SM3.

    This is what the platform runs on receipt, before it issues the receipt (package_sm3).
    """
    with Package(package) as pkg:
        for name, entry, label in _entries(pkg.manifest):
            _check_stored_size(pkg, name, entry, label)
            digest, crc = hashes.Hash(hashes.SM3()), 0
            with pkg.open(name) as src:
                while block := src.read(_READ):
                    digest.update(block)
                    crc = zlib.crc32(block, crc)
            if crc != pkg.infos[name].CRC:
                raise MalformedPackageError(f"{label} 的 ZIP CRC-32 校验失败")
            if digest.finalize().hex() != entry.sm3_cipher:
                raise HashMismatchError(f"{label} 的密文 SM3 与封装时的清单不一致")
        return pkg.manifest


def unwrap_data_key(
    *, package: PackageSource, private_pem: bytes, passphrase: bytes | None = None
) -> bytes:
    """Recover the data key with the bidder's private key (PKCS#8 PEM, from either sealer)."""
    manifest = read_manifest(package)
    private = keys.load_private(private_pem, passphrase)
    fingerprint = keys.fingerprint_of(private.public_key())
    if fingerprint != manifest.recipient_key_fingerprint:
        raise WrongKeyError(
            f"私钥与投标文件不匹配：投标文件为公钥 {manifest.recipient_key_fingerprint[:16]}… "
            f"封装，所给私钥对应 {fingerprint[:16]}…"
        )
    data_key = keys.unwrap(
        private, manifest.ephemeral_public_key, manifest.hkdf_salt, manifest.wrapped_key
    )
    if not hmac.compare_digest(key_check(data_key), manifest.key_check):
        raise WrongKeyError("解出的数据密钥与清单中的密钥校验值不一致")
    return data_key


def _open_entry(
    pkg: Package, name: str, entry: Entry, label: str, unseal: stream.Unseal, kind: int, index: int
) -> Iterator[bytes]:
    """Yield verified plaintext chunks, then check both SM3 values against the manifest."""
    stored = _check_stored_size(pkg, name, entry, label)
    plain_hash, cipher_hash = hashes.Hash(hashes.SM3()), hashes.Hash(hashes.SM3())
    with pkg.open(name) as src:
        for sealed, plain in stream.decrypt_stream(
            src, stored, unseal=unseal, prefix=entry.nonce_prefix,
            aad_bytes=stream.aad(kind, index), chunk_size=pkg.manifest.chunk_size, label=label,
        ):  # fmt: skip
            cipher_hash.update(sealed)
            plain_hash.update(plain)
            yield plain
    if cipher_hash.finalize().hex() != entry.sm3_cipher:
        raise HashMismatchError(f"{label} 的密文 SM3 与封装时的清单不一致")
    if plain_hash.finalize().hex() != entry.sm3_plain:
        raise HashMismatchError(f"{label} 的 SM3 与封装时的清单不一致")


def open_package(
    *, package: PackageSource, data_key: bytes, out_dir: Path | None = None
) -> OpenedBid:
    """Decrypt and verify everything; with `out_dir`, write the files there (streamed).

    A file appears under its final name only after its hashes verified; a failure leaves
    no partial file behind.
    """
    with Package(package) as pkg:
        manifest = pkg.manifest
        if len(data_key) != stream.key_length(manifest.cipher) or not hmac.compare_digest(
            key_check(data_key), manifest.key_check
        ):
            raise WrongKeyError("数据密钥与投标文件不匹配")
        _, unseal = stream.primitives(manifest.cipher, data_key)
        summary_raw = b"".join(
            _open_entry(pkg, SUMMARY_NAME, manifest.summary, SUMMARY_LABEL, unseal,
                        stream.KIND_SUMMARY, 0)
        )  # fmt: skip
        try:
            summary = json.loads(summary_raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            summary = None
        if not isinstance(summary, dict) or "nonce" not in summary:
            raise MalformedPackageError(f"{SUMMARY_LABEL}解密后不是有效的 JSON 对象")
        opened = []
        if out_dir is not None:
            Path(out_dir).mkdir(parents=True, exist_ok=True)
        for entry in manifest.files:
            label = f"文件 {entry.name}"
            chunks = _open_entry(pkg, entry.path, entry, label, unseal, stream.KIND_FILE,
                                 entry.index)  # fmt: skip
            target = None if out_dir is None else Path(out_dir) / entry.name
            if target is None:
                for _ in chunks:
                    pass
            else:
                partial = target.with_name(f".{entry.name}.{secrets.token_hex(4)}.part")
                try:
                    with partial.open("xb") as sink:
                        for plain in chunks:
                            sink.write(plain)
                    os.replace(partial, target)
                except BaseException:
                    partial.unlink(missing_ok=True)
                    raise
            opened.append(OpenedFile(entry.index, entry.name, entry.size, entry.sm3_plain, target))
        return OpenedBid(manifest=manifest, summary=summary, files=tuple(opened))


def package_sm3(package: str | Path | BinaryIO) -> str:
    """SM3 (hex) of the whole package file, streamed: the value printed on the receipt."""
    digest = hashes.Hash(hashes.SM3())
    if isinstance(package, str | Path):
        with open(package, "rb") as src:
            while block := src.read(_READ):
                digest.update(block)
    else:
        if package.seekable():
            package.seek(0)
        while block := package.read(_READ):
            digest.update(block)
    return digest.finalize().hex()


__all__ = [
    "OpenedBid",
    "OpenedFile",
    "SealError",
    "open_package",
    "package_sm3",
    "read_manifest",
    "seal",
    "unwrap_data_key",
    "verify_package_structure",
]
