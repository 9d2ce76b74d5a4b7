"""Bidder key pairs and wrapping of the data key: ECDH P-256 -> HKDF-SHA256 -> AES-KW.

Every primitive here exists in WebCrypto too, so a bidder with only a browser can seal and
unwrap; that is why this is not SM2 (no browser implements SM2 key agreement).
"""

from __future__ import annotations

import hashlib
import os

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import (
    InvalidUnwrap,
    aes_key_unwrap,
    aes_key_wrap,
)

from .errors import InvalidInputError, MalformedPackageError, WrongKeyError

HKDF_INFO = b"jianguan-bid-v1"
SALT_SIZE = 32
KEY_WRAP_ALG = "ECDH-P256+HKDF-SHA256+A256KW"


def generate_keypair(passphrase: bytes | None = None) -> tuple[bytes, bytes]:
    """Return (PKCS#8 PEM private key, encrypted when a passphrase is given; SPKI PEM public)."""
    private = ec.generate_private_key(ec.SECP256R1())
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    return private_pem, public_pem_of(private.public_key())


def public_pem_of(public: ec.EllipticCurvePublicKey) -> bytes:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def spki_der(public: ec.EllipticCurvePublicKey) -> bytes:
    return public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public(public_pem: bytes) -> ec.EllipticCurvePublicKey:
    try:
        key = serialization.load_pem_public_key(public_pem)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise InvalidInputError(f"无法读取接收方公钥（需要 SPKI PEM 格式）：{exc}") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise InvalidInputError("接收方公钥必须是 ECDH P-256（secp256r1）公钥")
    return key


def load_private(private_pem: bytes, passphrase: bytes | None) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(private_pem, password=passphrase or None)
    except TypeError:
        # Raised both for "encrypted but no passphrase" and "passphrase for a plain key".
        if passphrase:
            raise WrongKeyError("该私钥未加密，不需要口令") from None
        raise WrongKeyError("该私钥已用口令加密，请提供口令") from None
    except ValueError:
        raise WrongKeyError("无法读取私钥：口令错误或私钥文件已损坏") from None
    except UnsupportedAlgorithm as exc:
        raise WrongKeyError(f"不支持的私钥格式：{exc}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise WrongKeyError("私钥必须是 ECDH P-256（secp256r1）私钥")
    return key


def fingerprint_of(public: ec.EllipticCurvePublicKey) -> str:
    return hashlib.sha256(spki_der(public)).hexdigest()


def key_fingerprint(public_pem: bytes) -> str:
    """SHA-256 (hex) of the SPKI DER: the identifier the platform registers for a bidder."""
    return fingerprint_of(load_public(public_pem))


def _kek(shared: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=HKDF_INFO).derive(shared)


def wrap(data_key: bytes, recipient: ec.EllipticCurvePublicKey) -> tuple[bytes, bytes, bytes]:
    """Return (ephemeral SPKI DER, HKDF salt, wrapped key)."""
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    salt = os.urandom(SALT_SIZE)
    shared = ephemeral.exchange(ec.ECDH(), recipient)
    return spki_der(ephemeral.public_key()), salt, aes_key_wrap(_kek(shared, salt), data_key)


def unwrap(
    private: ec.EllipticCurvePrivateKey, ephemeral_der: bytes, salt: bytes, wrapped: bytes
) -> bytes:
    try:
        ephemeral = serialization.load_der_public_key(ephemeral_der)
    except (ValueError, UnsupportedAlgorithm):
        ephemeral = None
    if not isinstance(ephemeral, ec.EllipticCurvePublicKey) or ephemeral.curve.name != "secp256r1":
        raise MalformedPackageError("清单中的临时公钥不是有效的 P-256 公钥")
    shared = private.exchange(ec.ECDH(), ephemeral)
    try:
        return aes_key_unwrap(_kek(shared, salt), wrapped)
    except InvalidUnwrap:
        raise WrongKeyError("无法解开数据密钥：私钥与投标文件不匹配，或密钥封装已被篡改") from None
