"""Signed tree heads: key handling, the signed message, Ed25519 and (optionally) SM2.

Why signatures: a tree head (size + root hash) is only useful to an outside verifier if the
log operator cannot later deny having published it. The signature turns "the server says
the root is X" into evidence; consistency proofs between signed heads then show the log
was never rewritten.

Signed message
--------------
Exactly ``canonical_json`` (RFC 8785) of the four keys ``hash_alg``, ``root_hash``
(lowercase hex), ``timestamp`` (see ``format_timestamp``) and ``tree_size``. Any other key
in the head dict (``signature``, ``key_id``...) is not signed and is ignored here.

Algorithms
----------
``ed25519`` (default) through ``cryptography``. ``sm2`` (GB/T 32918, with SM3 and the
default signer id ``1234567812345678``) through the optional ``gmssl-pyx`` package, imported
lazily so that the Ed25519-only offline verifier needs nothing beyond ``cryptography``.
``cryptography`` cannot represent SM2 keys, so SM2 keys are (de)serialised here with a tiny
strict DER codec producing the same PKCS#8 / SubjectPublicKeyInfo layout as
``openssl genpkey -algorithm SM2`` (id-ecPublicKey with the SM2 curve OID).

Key id: the first 16 bytes, hex, of SHA-256 over the SubjectPublicKeyInfo DER, so the id
can be recomputed from the published PEM by anyone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from .canonical import canonical_json
from .merkle import (
    DEFAULT_HASH_ALG,
    HASH_ALGS,
    digest_size,
)

__all__ = [
    "DEFAULT_SIG_ALG",
    "HEAD_FIELDS",
    "SIG_ALGS",
    "PrivateKey",
    "PublicKey",
    "Sm2PrivateKey",
    "Sm2PublicKey",
    "Sm2Unavailable",
    "b64decode_strict",
    "canonical_public_key_pem",
    "format_timestamp",
    "generate_private_key_pem",
    "head_message",
    "key_id",
    "load_private_key",
    "load_public_key",
    "make_head",
    "parse_timestamp",
    "public_key_der",
    "public_key_pem",
    "sig_alg_of",
    "sign_head",
    "verify_head",
]

DEFAULT_SIG_ALG = "ed25519"
SIG_ALGS: tuple[str, ...] = ("ed25519", "sm2")
HEAD_FIELDS: tuple[str, ...] = ("hash_alg", "root_hash", "timestamp", "tree_size")

SM2_SIGNER_ID = b"1234567812345678"  # GM/T 0009 default user id, as gmssl-pyx uses


# --------------------------------------------------------------------------- timestamps

_TIMESTAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


def format_timestamp(dt: datetime | None = None) -> str:
    """The one timestamp format of the ledger: UTC, millisecond precision, ``Z`` suffix.

    Example ``2026-11-23T12:00:00.123Z``. One fixed-width form matters because the string
    is signed: two spellings of the same instant would be two different messages.
    ``None`` means now. Naive datetimes are rejected (their zone would be a guess).
    """
    if dt is None:
        dt = datetime.now(UTC)
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("timestamp must be timezone-aware (naive datetimes are ambiguous)")
    d = dt.astimezone(UTC)
    return (
        f"{d.year:04d}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:{d.second:02d}"
        f".{d.microsecond // 1000:03d}Z"
    )


def parse_timestamp(value: str, *, strict: bool = True) -> datetime:
    """Parse a ledger timestamp into an aware UTC datetime.

    ``strict`` (default) accepts only the exact ``format_timestamp`` form, as used in
    signed heads. ``strict=False`` accepts any ISO 8601 string with a zone (``Z`` or
    ``+08:00``), for key validity bounds produced by other tools.
    """
    if not isinstance(value, str):
        raise ValueError("timestamp must be a string")
    if strict and not _TIMESTAMP_RE.fullmatch(value):
        raise ValueError(f"timestamp {value!r} is not of the form YYYY-MM-DDTHH:MM:SS.mmmZ")
    try:
        dt = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"timestamp {value!r} is not ISO 8601: {exc}") from exc
    if dt.tzinfo is None:
        raise ValueError(f"timestamp {value!r} has no time zone")
    return dt.astimezone(UTC)


# --------------------------------------------------------------------------- heads


def make_head(
    tree_size: int,
    root_hash: bytes | str,
    timestamp: datetime | str | None = None,
    hash_alg: str = DEFAULT_HASH_ALG,
) -> dict[str, Any]:
    """Build the 4-key head dict in the signed form (hex root, formatted timestamp)."""
    head = {
        "hash_alg": hash_alg,
        "root_hash": root_hash.hex() if isinstance(root_hash, bytes | bytearray) else root_hash,
        "timestamp": timestamp if isinstance(timestamp, str) else format_timestamp(timestamp),
        "tree_size": tree_size,
    }
    head_message(head)  # validate
    return head


def head_message(head: Mapping[str, Any]) -> bytes:
    """The exact bytes that are signed: RFC 8785 JSON of the four head fields.

    Validates each field, because a signature over a malformed head (uppercase hex, a float
    size, another timestamp spelling) would be a trap for verifiers. Raises ``ValueError``.
    """
    missing = [k for k in HEAD_FIELDS if k not in head]
    if missing:
        raise ValueError(f"tree head lacks field(s): {', '.join(missing)}")
    hash_alg = head["hash_alg"]
    if hash_alg not in HASH_ALGS:
        raise ValueError(f"unsupported hash_alg {hash_alg!r}; expected one of {HASH_ALGS}")
    size = head["tree_size"]
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError("tree_size must be a non-negative integer")
    root = head["root_hash"]
    if (
        not isinstance(root, str)
        or len(root) != 2 * digest_size(hash_alg)
        or not re.fullmatch(r"[0-9a-f]+", root)
    ):
        raise ValueError(f"root_hash must be {2 * digest_size(hash_alg)} lowercase hex digits")
    parse_timestamp(head["timestamp"])
    return canonical_json({k: head[k] for k in HEAD_FIELDS})


# --------------------------------------------------------------------------- base64


def b64decode_strict(value: str) -> bytes:
    """Decode standard base64 and insist it is the canonical encoding of its bytes.

    Plain ``b64decode`` ignores the unused low bits of the last character, so several
    strings decode to the same bytes; for tamper evidence every edited character must be
    noticed. Raises ``ValueError``.
    """
    if not isinstance(value, str):
        raise ValueError("base64 value must be a string")
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError(f"invalid base64: {exc}") from exc
    if base64.b64encode(raw).decode("ascii") != value:
        raise ValueError("base64 is not in canonical form")
    return raw


# --------------------------------------------------------------------------- DER (SM2 only)

_OID_EC_PUBLIC_KEY = bytes.fromhex("2a8648ce3d0201")  # 1.2.840.10045.2.1
_OID_SM2 = bytes.fromhex("2a811ccf5501822d")  # 1.2.156.10197.1.301
_SM2_ALG_ID = b"\x30\x13" + b"\x06\x07" + _OID_EC_PUBLIC_KEY + b"\x06\x08" + _OID_SM2


def _der(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + content


def _der_items(data: bytes) -> list[tuple[int, bytes]]:
    """Split ``data`` into its top-level TLVs, rejecting non-minimal (non-DER) lengths."""
    items: list[tuple[int, bytes]] = []
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise ValueError("truncated DER")
        tag, first = data[pos], data[pos + 1]
        pos += 2
        if first < 0x80:
            length = first
        else:
            count = first & 0x7F
            if count == 0 or count > 4 or pos + count > len(data):
                raise ValueError("bad DER length")
            length = int.from_bytes(data[pos : pos + count], "big")
            if length < 0x80 or data[pos] == 0:
                raise ValueError("non-minimal DER length")
            pos += count
        if pos + length > len(data):
            raise ValueError("truncated DER")
        items.append((tag, data[pos : pos + length]))
        pos += length
    return items


def _der_one(data: bytes, tag: int) -> bytes:
    items = _der_items(data)
    if len(items) != 1 or items[0][0] != tag:
        raise ValueError("unexpected DER structure")
    return items[0][1]


def _der_int(value: int) -> bytes:
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big")  # keeps a leading 0 if needed
    return _der(0x02, raw)


def _canonical_ecdsa_der(sig: bytes) -> bool:
    """True when ``sig`` is the unique DER ``SEQUENCE{INTEGER r, INTEGER s}`` of (r, s)."""
    try:
        items = _der_items(_der_one(sig, 0x30))
        if len(items) != 2 or any(t != 0x02 or not c for t, c in items):
            return False
        r, s = (int.from_bytes(c, "big", signed=True) for _, c in items)
        if r <= 0 or s <= 0:
            return False
        return _der(0x30, _der_int(r) + _der_int(s)) == sig
    except ValueError:
        return False


def _pem_encode(label: str, der: bytes) -> str:
    b64 = base64.b64encode(der).decode("ascii")
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def _pem_decode(pem: bytes | str, label: str) -> bytes:
    text = pem.decode("ascii") if isinstance(pem, bytes | bytearray) else pem
    if not isinstance(text, str):
        raise ValueError("PEM must be str or bytes")
    match = re.fullmatch(
        rf"\s*-----BEGIN {label}-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END {label}-----\s*",
        text,
    )
    if not match:
        raise ValueError(f"not a PEM {label}")
    body = "".join(match.group(1).split())
    try:
        return base64.b64decode(body, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"invalid base64 in PEM {label}") from exc


# --------------------------------------------------------------------------- SM2 keys


class Sm2Unavailable(RuntimeError):
    """Raised when an SM2 operation is requested but ``gmssl-pyx`` is not installed."""


def _gmssl() -> ModuleType:
    try:
        import gmssl_pyx
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise Sm2Unavailable(
            "SM2 needs the optional package gmssl-pyx (pip install gmssl-pyx)"
        ) from exc
    return gmssl_pyx


@dataclass(frozen=True)
class Sm2PublicKey:
    """SM2 public point as 64 bytes ``X || Y`` (the form gmssl-pyx takes)."""

    point: bytes

    def __post_init__(self) -> None:
        if len(self.point) != 64:
            raise ValueError("SM2 public key must be 64 bytes (X || Y)")

    def spki_der(self) -> bytes:
        return _der(0x30, _SM2_ALG_ID + _der(0x03, b"\x00\x04" + self.point))


@dataclass(frozen=True)
class Sm2PrivateKey:
    """SM2 private scalar (32 bytes) with its public point, as stored in PKCS#8."""

    scalar: bytes
    public: Sm2PublicKey

    def __post_init__(self) -> None:
        if len(self.scalar) != 32:
            raise ValueError("SM2 private key must be 32 bytes")

    def public_key(self) -> Sm2PublicKey:
        return self.public

    def pkcs8_der(self) -> bytes:
        # RFC 5915 ECPrivateKey {version 1, privateKey, [1] publicKey}; curve in PKCS#8 alg id.
        ec_private = _der(
            0x30,
            _der(0x02, b"\x01")
            + _der(0x04, self.scalar)
            + _der(0xA1, _der(0x03, b"\x00\x04" + self.public.point)),
        )
        return _der(0x30, _der(0x02, b"\x00") + _SM2_ALG_ID + _der(0x04, ec_private))


def _parse_sm2_pkcs8(der: bytes) -> Sm2PrivateKey | None:
    """Return the SM2 key in a PKCS#8 DER, or ``None`` if the algorithm is not SM2."""
    items = _der_items(_der_one(der, 0x30))
    if len(items) < 3 or items[0][0] != 0x02 or items[1][0] != 0x30:
        raise ValueError("not a PKCS#8 private key")
    if _der(0x30, items[1][1]) != _SM2_ALG_ID:
        return None
    if items[2][0] != 0x04:
        raise ValueError("malformed PKCS#8 SM2 key")
    fields = _der_items(_der_one(items[2][1], 0x30))
    if len(fields) < 2 or fields[0] != (0x02, b"\x01") or fields[1][0] != 0x04:
        raise ValueError("malformed SM2 ECPrivateKey")
    scalar = fields[1][1].rjust(32, b"\x00")
    public = None
    for tag, content in fields[2:]:
        if tag == 0xA1:
            bits = _der_one(content, 0x03)
            if len(bits) != 66 or bits[:2] != b"\x00\x04":
                raise ValueError("SM2 public key must be an uncompressed point")
            public = Sm2PublicKey(bits[2:])
    if public is None:
        raise ValueError("SM2 PKCS#8 key must embed its public key ([1] publicKey)")
    return Sm2PrivateKey(scalar, public)


def _parse_sm2_spki(der: bytes) -> Sm2PublicKey | None:
    items = _der_items(_der_one(der, 0x30))
    if len(items) != 2 or items[0][0] != 0x30 or items[1][0] != 0x03:
        raise ValueError("not a SubjectPublicKeyInfo")
    if _der(0x30, items[0][1]) != _SM2_ALG_ID:
        return None
    bits = items[1][1]
    if len(bits) != 66 or bits[:2] != b"\x00\x04":
        raise ValueError("SM2 public key must be an uncompressed point")
    return Sm2PublicKey(bits[2:])


# --------------------------------------------------------------------------- key API

PrivateKey = Ed25519PrivateKey | Sm2PrivateKey
PublicKey = Ed25519PublicKey | Sm2PublicKey


def generate_private_key_pem(sig_alg: str = DEFAULT_SIG_ALG) -> bytes:
    """A new unencrypted PKCS#8 PEM private key for ``"ed25519"`` or ``"sm2"``.

    Unencrypted because the deployment protects the key at rest (file permissions /
    secret store); the project's settings load it from there.
    """
    if sig_alg == "ed25519":
        return Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    if sig_alg == "sm2":
        public, scalar = _gmssl().sm2_key_generate()
        key = Sm2PrivateKey(scalar, Sm2PublicKey(public))
        return _pem_encode("PRIVATE KEY", key.pkcs8_der()).encode("ascii")
    raise ValueError(f"unsupported signature algorithm {sig_alg!r}; expected one of {SIG_ALGS}")


def load_private_key(pem: bytes | str | PrivateKey) -> PrivateKey:
    """Load a PKCS#8 PEM private key (Ed25519 or SM2); anything else raises ValueError."""
    if isinstance(pem, Ed25519PrivateKey | Sm2PrivateKey):
        return pem
    der = _pem_decode(pem, "PRIVATE KEY")
    sm2 = _parse_sm2_pkcs8(der)
    if sm2 is not None:
        return sm2
    try:
        key = serialization.load_der_private_key(der, password=None)
    except UnsupportedAlgorithm as exc:
        raise ValueError(f"unsupported private key algorithm: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"unsupported private key type {type(key).__name__}")
    return key


def load_public_key(pem: bytes | str | PublicKey) -> PublicKey:
    """Load a SubjectPublicKeyInfo PEM public key (Ed25519 or SM2); else ValueError."""
    if isinstance(pem, Ed25519PublicKey | Sm2PublicKey):
        return pem
    der = _pem_decode(pem, "PUBLIC KEY")
    sm2 = _parse_sm2_spki(der)
    if sm2 is not None:
        return sm2
    try:
        key = serialization.load_der_public_key(der)
    except UnsupportedAlgorithm as exc:
        raise ValueError(f"unsupported public key algorithm: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"unsupported public key type {type(key).__name__}")
    return key


def sig_alg_of(key: PrivateKey | PublicKey) -> str:
    """``"ed25519"`` or ``"sm2"`` for a loaded key object."""
    if isinstance(key, Ed25519PrivateKey | Ed25519PublicKey):
        return "ed25519"
    if isinstance(key, Sm2PrivateKey | Sm2PublicKey):
        return "sm2"
    raise ValueError(f"unsupported key type {type(key).__name__}")


def public_key_der(public: bytes | str | PublicKey) -> bytes:
    """SubjectPublicKeyInfo DER of a public key (PEM or object)."""
    key = load_public_key(public)
    if isinstance(key, Sm2PublicKey):
        return key.spki_der()
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_pem(private: bytes | str | PrivateKey) -> str:
    """SubjectPublicKeyInfo PEM of the public half of ``private`` (PEM or key object)."""
    key = load_private_key(private)
    return canonical_public_key_pem(key.public_key())


def canonical_public_key_pem(public: bytes | str | PublicKey) -> str:
    """The one PEM spelling we publish for a public key (64-column base64, final newline).

    Verifiers compare published PEMs against this form so that no edited character, not
    even one that base64 decoding would silently ignore, goes unnoticed.
    """
    return _pem_encode("PUBLIC KEY", public_key_der(public))


def key_id(public_pem: bytes | str | PublicKey) -> str:
    """First 16 bytes (32 hex digits) of SHA-256 over the SubjectPublicKeyInfo DER."""
    return hashlib.sha256(public_key_der(public_pem)).digest()[:16].hex()


# --------------------------------------------------------------------------- sign/verify


def sign_head(
    private_pem: bytes | str | PrivateKey, head: Mapping[str, Any]
) -> tuple[str, str, str]:
    """Sign ``head_message(head)``; return ``(signature_b64, key_id, sig_alg)``.

    Ed25519 signs the message bytes directly; SM2 signs them with SM3 and the default
    signer id (the SM2 ``Z`` value is part of the digest, per GB/T 32918.2).
    """
    key = load_private_key(private_pem)
    message = head_message(head)
    if isinstance(key, Sm2PrivateKey):
        signature = _gmssl().sm2_sign(key.scalar, key.public.point, message, SM2_SIGNER_ID)
    else:
        signature = key.sign(message)
    public = key.public_key()
    return base64.b64encode(signature).decode("ascii"), key_id(public), sig_alg_of(public)


def verify_head(
    public_pem: bytes | str | PublicKey,
    sig_alg: str,
    head: Mapping[str, Any],
    signature_b64: str,
) -> bool:
    """True iff ``signature_b64`` is a valid ``sig_alg`` signature of the head by the key.

    Never raises for a bad, malformed or mismatched signature, key or head: returns False.
    The only exception is ``Sm2Unavailable`` when an SM2 head must be checked without
    gmssl-pyx installed, because "cannot check" must not read as "forged".
    """
    try:
        key = load_public_key(public_pem)
        if sig_alg not in SIG_ALGS or sig_alg_of(key) != sig_alg:
            return False
        message = head_message(head)
        signature = b64decode_strict(signature_b64)
    except (ValueError, TypeError):
        return False
    if isinstance(key, Sm2PublicKey):
        gm = _gmssl()
        if not _canonical_ecdsa_der(signature):
            return False
        try:
            return bool(gm.sm2_verify(key.point, message, signature, SM2_SIGNER_ID))
        except (gm.GmsslInnerError, ValueError, TypeError):
            return False
    try:
        key.verify(signature, message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
