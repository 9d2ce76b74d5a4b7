"""Bid sealer for electronic tendering: sealed bids the platform cannot read before opening.

Pure library (standard library + ``cryptography``; no Django). ``static/tendering/sealer.js``
writes the same format in a browser. The format below is a public interface: bidders' own
tools rely on it, so change it only with a new ``version``.

Keys
    Each bidder registers an ECDH P-256 public key (SPKI PEM); its identifier is the
    *key fingerprint* = SHA-256 of the SPKI DER, lower-case hex. Private keys are PKCS#8 PEM,
    optionally passphrase-encrypted (Python only; WebCrypto cannot read encrypted PKCS#8).

Package (``bid.zip``)
    A ZIP archive in which every entry is *stored* (method 0), with no encryption or data
    descriptor flag, no directories, no comment, entries laid end to end from offset 0 to the
    central directory, DOS time 1980-01-01 00:00. Entry names are fixed, never user-supplied:

    ``payload/0000.bin`` ... ``payload/NNNN.bin``  ciphertext of bid file *i* (at most 9999)
    ``summary.bin``                                ciphertext of the price summary (开标一览表)
    ``manifest.json``                              plaintext manifest, at most 1 MiB

    Readers refuse duplicate, missing or unexpected names, absolute or ``..`` paths,
    compressed entries and an oversize manifest (code ``malformed_package``). ZIP64 is
    accepted from Python (over 2 GiB); sealer.js refuses packages over 4 GiB. CRC-32 is
    checked by :func:`verify_package_structure`; integrity rests on SM3 and GCM, not on it.

Encryption of each entry (STREAM construction)
    A random data key (32 bytes for ``AES-256-GCM``, the default and the only browser cipher;
    16 bytes for ``SM4-GCM``). The plaintext is cut into chunks of ``chunk_size`` bytes
    (default 1 MiB; 1 KiB..16 MiB); an empty input is one empty chunk. Chunk *n* is
    encrypted with GCM (16-byte tag appended) under

    * nonce = ``nonce_prefix`` (7 random bytes per entry) || *n* (uint32 BE) || last (1 byte:
      1 for the final chunk, else 0)
    * AAD = ``b"jianguan-bid-v1\\x00"`` || kind (1 byte: 1 bid file, 2 summary) || index
      (uint32 BE; the file index, 0 for the summary)

    and the entry is the concatenation of the ``ciphertext || tag`` chunks, so its size is
    ``size + 16 * max(1, ceil(size / chunk_size))``. Reordered, truncated or cross-file chunks
    fail with ``tampered`` / ``truncated``.

Key wrapping
    Ephemeral ECDH P-256 with the recipient key; the shared secret (x coordinate, 32 bytes)
    goes through HKDF-SHA256 (salt: 32 random bytes, info ``b"jianguan-bid-v1"``, 32 bytes
    out) to an AES-256 key-encryption key; the data key is wrapped with AES-KW (RFC 3394).
    ``key_check`` = SM3(``b"jianguan-bid-v1 key-check\\x00"`` || data key) names a wrong key
    as such and commits the bidder to one key.

Price summary
    A JSON object of string -> string | integer (prices as decimal strings). The sealer adds
    ``"nonce"``: 32 random bytes as 64 hex digits, so the plaintext SM3 in the manifest cannot
    be brute-forced by guessing prices. It is encrypted as canonical JSON.

``manifest.json``
    Canonical JSON (keys sorted, no whitespace, UTF-8, non-ASCII unescaped); readers refuse
    any other serialisation. SM3 values are lower-case hex of GB/T 32905 SM3::

        {"chunk_size": int, "cipher": "AES-256-GCM" | "SM4-GCM",
         "created_at": "YYYY-MM-DDTHH:MM:SSZ" (UTC),
         "files": [{"index": i, "name": original file name (no path), "size": plaintext bytes,
                    "media_type": guessed MIME type, "nonce_prefix": 14 hex,
                    "sm3_plain": hex, "sm3_cipher": hex (of the payload entry)}, ...],
         "fingerprint": {authoring machine, see below},
         "format": "jianguan-sealed-bid", "key_check": hex,
         "key_wrap": {"alg": "ECDH-P256+HKDF-SHA256+A256KW",
                      "ephemeral_public_key": base64 SPKI DER, "hkdf_salt": base64 (32 bytes),
                      "wrapped_key": base64 (key length + 8 bytes)},
         "recipient_key_fingerprint": hex,
         "summary": {"size", "nonce_prefix", "sm3_plain", "sm3_cipher"},
         "version": 1}

    ``fingerprint`` from Python: ``kind`` "python", ``hostname_sm3``, ``platform``,
    ``mac_sm3`` (of ``uuid.getnode()`` as 12 hex digits), ``mac_random``, ``user_sm3``,
    ``sealer_version``. From the browser: ``kind`` "browser", ``user_agent``, ``platform``,
    ``language``, ``screen`` ("WxHxDepth"), ``timezone``, ``sealer_version`` and ``sm3``
    (of the canonical JSON of the other fields).

Receipt
    The platform runs :func:`verify_package_structure` and records :func:`package_sm3`, the
    SM3 of the whole package file. At opening the bidder runs :func:`unwrap_data_key` and
    hands the data key over; :func:`open_package` decrypts and checks every SM3.
"""

from __future__ import annotations

from .core import (
    OpenedBid,
    OpenedFile,
    open_package,
    package_sm3,
    read_manifest,
    seal,
    unwrap_data_key,
    verify_package_structure,
)
from .errors import (
    HashMismatchError,
    InvalidInputError,
    MalformedPackageError,
    SealError,
    TamperedError,
    TruncatedError,
    UnsupportedError,
    WrongKeyError,
)
from .format import Entry, FileEntry, Manifest
from .keys import generate_keypair, key_fingerprint

__all__ = [
    "Entry",
    "FileEntry",
    "HashMismatchError",
    "InvalidInputError",
    "MalformedPackageError",
    "Manifest",
    "OpenedBid",
    "OpenedFile",
    "SealError",
    "TamperedError",
    "TruncatedError",
    "UnsupportedError",
    "WrongKeyError",
    "generate_keypair",
    "key_fingerprint",
    "open_package",
    "package_sm3",
    "read_manifest",
    "seal",
    "unwrap_data_key",
    "verify_package_structure",
]
