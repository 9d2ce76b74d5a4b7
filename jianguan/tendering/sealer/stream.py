"""Chunked AEAD ("STREAM", Hoang-Reyhanitabar-Rogaway-Vizár 2015) over AES-256-GCM or SM4-GCM.

Why chunks: a 500 MB bid must seal and open in constant memory, and GCM can only be verified
once a whole message has been seen, so each chunk is its own GCM message. Why this nonce:
the counter stops reordering inside a file, the last-chunk flag stops truncation at a chunk
boundary, the random per-file prefix and the AAD (which names the entry) stop chunks being
moved between files.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import TamperedError, TruncatedError, UnsupportedError

TAG_SIZE = 16
PREFIX_SIZE = 7
MIN_CHUNK = 1024
MAX_CHUNK = 16 << 20
MAX_CHUNKS = 1 << 32
CIPHERS = {"AES-256-GCM": 32, "SM4-GCM": 16}  # name -> data key length in bytes
AAD_LABEL = b"jianguan-bid-v1\x00"
KIND_FILE = 1
KIND_SUMMARY = 2

Seal = Callable[[bytes, bytes, bytes], bytes]  # (nonce, plaintext, aad) -> ciphertext || tag
Unseal = Callable[[bytes, bytes, bytes], bytes]


def key_length(cipher: str) -> int:
    try:
        return CIPHERS[cipher]
    except KeyError:
        raise UnsupportedError(f"不支持的加密算法：{cipher}（支持 AES-256-GCM、SM4-GCM）") from None


def _sm4_seal(key: bytes) -> Seal:
    def seal(nonce: bytes, data: bytes, aad: bytes) -> bytes:
        enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(aad)
        return enc.update(data) + enc.finalize() + enc.tag

    return seal


def _sm4_unseal(key: bytes) -> Unseal:
    def unseal(nonce: bytes, data: bytes, aad: bytes) -> bytes:
        dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, data[-TAG_SIZE:])).decryptor()
        dec.authenticate_additional_data(aad)
        return dec.update(data[:-TAG_SIZE]) + dec.finalize()

    return unseal


def primitives(cipher: str, key: bytes) -> tuple[Seal, Unseal]:
    if len(key) != key_length(cipher):
        raise UnsupportedError(f"{cipher} 需要 {key_length(cipher) * 8} 位数据密钥")
    if cipher == "AES-256-GCM":
        aes = AESGCM(key)
        return aes.encrypt, aes.decrypt
    return _sm4_seal(key), _sm4_unseal(key)


def aad(kind: int, index: int) -> bytes:
    return AAD_LABEL + struct.pack(">BI", kind, index)


def nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


def chunk_count(plain_size: int, chunk_size: int) -> int:
    """An empty input is still one (empty, last) chunk, so its tag proves it is complete."""
    return max(1, -(-plain_size // chunk_size))


def cipher_size(plain_size: int, chunk_size: int) -> int:
    return plain_size + TAG_SIZE * chunk_count(plain_size, chunk_size)


def _read_exact(src: BinaryIO, n: int) -> bytes:
    parts, got = [], 0
    while got < n:
        block = src.read(n - got)
        if not block:
            break
        parts.append(block)
        got += len(block)
    return b"".join(parts)


def encrypt_stream(
    src: BinaryIO, *, seal: Seal, prefix: bytes, aad_bytes: bytes, chunk_size: int
) -> Iterator[tuple[bytes, bytes]]:
    """Yield (plaintext chunk, ciphertext chunk); reads one chunk ahead to know which is last."""
    current = _read_exact(src, chunk_size)
    counter = 0
    while True:
        following = _read_exact(src, chunk_size) if len(current) == chunk_size else b""
        last = not following
        if counter >= MAX_CHUNKS:
            raise UnsupportedError("文件过大：分块数超过 2^32")
        yield current, seal(nonce(prefix, counter, last), current, aad_bytes)
        if last:
            return
        current, counter = following, counter + 1


def decrypt_stream(
    src: BinaryIO,
    total: int,
    *,
    unseal: Unseal,
    prefix: bytes,
    aad_bytes: bytes,
    chunk_size: int,
    label: str,
) -> Iterator[tuple[bytes, bytes]]:
    """Yield (ciphertext chunk, plaintext chunk) from `total` stored bytes, verifying each tag.

    The chunk layout follows from `total` alone, so a shortened entry is found before any tag
    is checked; a cut exactly at a chunk boundary shows as a non-final chunk in final position.
    """
    full = chunk_size + TAG_SIZE
    count = -(-total // full)
    if count == 0 or total - (count - 1) * full < TAG_SIZE:
        raise TruncatedError(f"{label} 的密文被截断（长度 {total} 字节不完整）")
    for counter in range(count):
        last = counter == count - 1
        block = _read_exact(src, total - counter * full if last else full)
        if len(block) < (total - counter * full if last else full):
            raise TruncatedError(f"{label} 的密文被截断")
        try:
            plain = unseal(nonce(prefix, counter, last), block, aad_bytes)
        except InvalidTag:
            if last and len(block) == full and _opens(unseal, prefix, counter, block, aad_bytes):
                raise TruncatedError(
                    f"{label} 的密文被截断：最后一个分块（第 {counter + 1} 块）之后缺少数据"
                ) from None
            raise TamperedError(
                f"{label} 的第 {counter + 1} 个密文分块校验失败：密文被篡改、分块顺序被调换、"
                "或分块来自其他文件"
            ) from None
        yield block, plain


def _opens(unseal: Unseal, prefix: bytes, counter: int, block: bytes, aad_bytes: bytes) -> bool:
    try:
        unseal(nonce(prefix, counter, False), block, aad_bytes)
    except InvalidTag:
        return False
    return True
