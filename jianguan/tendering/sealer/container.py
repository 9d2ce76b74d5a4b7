"""The ZIP container: a deliberately tiny subset of ZIP that both sealers write.

Readers accept only that subset. Stored entries (method 0) only, no encryption or data
descriptor flags, no directories, no comment, only the fixed entry names, each exactly once,
laid end to end from offset 0 up to the central directory. Anything else is refused before a
byte is decrypted, so a package cannot smuggle extra content past the receipt, and names
never come from the user (no zip-slip).
"""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path
from typing import IO, BinaryIO

from .errors import MalformedPackageError
from .format import MANIFEST_NAME, MAX_MANIFEST, SUMMARY_NAME, Manifest, parse_manifest

PackageSource = str | Path | BinaryIO
_NAME = re.compile(r"(manifest\.json|summary\.bin|payload/\d{4}\.bin)\Z")
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
# 1980-01-01: ZIP's epoch. A constant timestamp keeps the container free of a second clock
# (created_at in the manifest is the one that counts) and matches sealer.js byte for byte.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _malformed(what: str) -> MalformedPackageError:
    return MalformedPackageError(f"投标文件封装结构不合法：{what}")


class Package:
    """An opened, structurally validated package; use as a context manager."""

    def __init__(self, source: PackageSource) -> None:
        try:
            self.zip = zipfile.ZipFile(source, "r")
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _malformed(f"不是有效的 ZIP 文件（{exc}）") from None
        try:
            self.infos = self._check_entries()
            self.manifest = self._read_manifest()
            names = set(self.infos)
            expected = self.manifest.entry_names()
            if names != expected:
                extra, missing = sorted(names - expected), sorted(expected - names)
                raise _malformed(f"条目与清单不符（多余 {extra}，缺少 {missing}）")
        except BaseException:
            self.zip.close()
            raise

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zip.close()

    def close(self) -> None:
        self.zip.close()

    def _check_entries(self) -> dict[str, zipfile.ZipInfo]:
        if self.zip.comment:
            raise _malformed("ZIP 注释必须为空")
        infos: dict[str, zipfile.ZipInfo] = {}
        for info in self.zip.infolist():
            name = info.filename
            if name in infos:
                raise _malformed(f"条目名重复：{name!r}")
            if not _NAME.match(name):
                raise _malformed(f"出现不允许的条目：{name!r}")
            if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
                raise _malformed(f"条目 {name} 被压缩，封装只允许存储（不压缩）方式")
            if info.flag_bits & 0x0009:
                raise _malformed(f"条目 {name} 使用了加密或数据描述符标志")
            infos[name] = info
        self._check_layout(list(infos.values()))
        return infos

    def _check_layout(self, infos: list[zipfile.ZipInfo]) -> None:
        """Entries must tile the file from offset 0 to the central directory: no hidden bytes."""
        fp: IO[bytes] = self.zip.fp  # type: ignore[assignment]
        self.data_offsets: dict[str, int] = {}
        position = 0
        for info in sorted(infos, key=lambda i: i.header_offset):
            if info.header_offset != position:
                raise _malformed("条目之间或文件开头存在多余数据")
            fp.seek(position)
            header = fp.read(_LOCAL_HEADER.size)
            if len(header) != _LOCAL_HEADER.size:
                raise _malformed("本地文件头不完整")
            fields = _LOCAL_HEADER.unpack(header)
            if fields[0] != b"PK\x03\x04" or fields[3] != zipfile.ZIP_STORED:
                raise _malformed(f"条目 {info.filename} 的本地文件头不合法")
            name_len, extra_len = fields[9], fields[10]
            fp.seek(position + _LOCAL_HEADER.size)
            if fp.read(name_len) != info.filename.encode("ascii"):
                raise _malformed(f"条目 {info.filename} 的本地文件名与目录不一致")
            self.data_offsets[info.filename] = position + _LOCAL_HEADER.size + name_len + extra_len
            position = self.data_offsets[info.filename] + info.compress_size
        if position != self.zip.start_dir:  # type: ignore[attr-defined]
            raise _malformed("最后一个条目与中央目录之间存在多余数据")

    def _read_manifest(self) -> Manifest:
        info = self.infos.get(MANIFEST_NAME)
        if info is None:
            raise _malformed("缺少 manifest.json")
        if info.file_size > MAX_MANIFEST:
            raise _malformed("manifest.json 超过 1 MiB")
        return parse_manifest(self.read_small(MANIFEST_NAME, MAX_MANIFEST))

    def read_small(self, name: str, limit: int) -> bytes:
        with self.open(name) as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise _malformed(f"{name} 过大")
        return data

    def open(self, name: str) -> EntryReader:
        """Raw bytes of an entry. zipfile's own reader is not used because it raises its CRC
        error at end of entry, which would mask the GCM tag failure that names the damage."""
        return EntryReader(self.zip.fp, self.data_offsets[name], self.infos[name].file_size)  # type: ignore[arg-type]

    def size(self, name: str) -> int:
        return self.infos[name].file_size


class EntryReader:
    """A read-only window onto one entry's bytes; seeks every read so readers can interleave."""

    def __init__(self, fp: IO[bytes], start: int, size: int) -> None:
        self.fp, self.start, self.size, self.pos = fp, start, size, 0

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.pos
        n = left if n < 0 else min(n, left)
        if n <= 0:
            return b""
        self.fp.seek(self.start + self.pos)
        data = self.fp.read(n)
        self.pos += len(data)
        return data

    def __enter__(self) -> EntryReader:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def new_info(name: str, size: int) -> zipfile.ZipInfo:
    assert name == SUMMARY_NAME or _NAME.match(name)
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = size
    info.create_system = 0  # MS-DOS, like sealer.js, so the central directory is identical
    info.external_attr = 0
    return info
