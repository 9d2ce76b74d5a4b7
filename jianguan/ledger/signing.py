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
``cryptography`` cannot represent SM2 keys: ``sm2keys.py`` (de)serialises them.

Key id: the first 16 bytes, hex, of SHA-256 over the SubjectPublicKeyInfo DER, so the id
can be recomputed from the published PEM by anyone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from .canonical import canonical_json
from .merkle import DEFAULT_HASH_ALG, HASH_ALGS, digest_size
from .sm2keys import (
    Sm2PrivateKey,
    Sm2PublicKey,
    Sm2Unavailable,
    canonical_ecdsa_der,
    gmssl,
    parse_sm2_pkcs8,
    parse_sm2_spki,
    pem_decode,
    pem_encode,
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
        public, scalar = gmssl().sm2_key_generate()
        key = Sm2PrivateKey(scalar, Sm2PublicKey(public))
        return pem_encode("PRIVATE KEY", key.pkcs8_der()).encode("ascii")
    raise ValueError(f"unsupported signature algorithm {sig_alg!r}; expected one of {SIG_ALGS}")


def load_private_key(pem: bytes | str | PrivateKey) -> PrivateKey:
    """Load a PKCS#8 PEM private key (Ed25519 or SM2); anything else raises ValueError."""
    if isinstance(pem, Ed25519PrivateKey | Sm2PrivateKey):
        return pem
    der = pem_decode(pem, "PRIVATE KEY")
    sm2 = parse_sm2_pkcs8(der)
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
    der = pem_decode(pem, "PUBLIC KEY")
    sm2 = parse_sm2_spki(der)
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
    return pem_encode("PUBLIC KEY", public_key_der(public))


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
        signature = gmssl().sm2_sign(key.scalar, key.public.point, message, SM2_SIGNER_ID)
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
        gm = gmssl()
        if not canonical_ecdsa_der(signature):
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
