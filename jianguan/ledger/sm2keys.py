"""SM2 keys (GB/T 32918) for signed tree heads, with the tiny strict DER codec they need.

``cryptography`` cannot represent SM2 keys, so they are (de)serialised here in the same
PKCS#8 / SubjectPublicKeyInfo layout as ``openssl genpkey -algorithm SM2`` (id-ecPublicKey with
the SM2 curve OID). The SM2 arithmetic itself comes from the optional ``gmssl-pyx``, imported
only when an SM2 key is used, so the Ed25519-only offline verifier needs nothing more than
``cryptography``. ``signing.py`` is the API; this module is its SM2 half, and the PEM codec both use.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from types import ModuleType

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


def canonical_ecdsa_der(sig: bytes) -> bool:
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


def pem_encode(label: str, der: bytes) -> str:
    b64 = base64.b64encode(der).decode("ascii")
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def pem_decode(pem: bytes | str, label: str) -> bytes:
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


def gmssl() -> ModuleType:
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


def parse_sm2_pkcs8(der: bytes) -> Sm2PrivateKey | None:
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


def parse_sm2_spki(der: bytes) -> Sm2PublicKey | None:
    items = _der_items(_der_one(der, 0x30))
    if len(items) != 2 or items[0][0] != 0x30 or items[1][0] != 0x03:
        raise ValueError("not a SubjectPublicKeyInfo")
    if _der(0x30, items[0][1]) != _SM2_ALG_ID:
        return None
    bits = items[1][1]
    if len(bits) != 66 or bits[:2] != b"\x00\x04":
        raise ValueError("SM2 public key must be an uncompressed point")
    return Sm2PublicKey(bits[2:])
