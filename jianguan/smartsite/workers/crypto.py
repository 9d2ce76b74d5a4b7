"""Identity and bank card numbers at rest: SM4-GCM encryption and an HMAC-SM3 blind index.

Why: the worker's 身份证号 and bank card are personal information that must be protected at
rest (个人信息保护法 第五十一条: encryption among the required measures; the national SM4
cipher where a government system stores it). GCM authenticates the ciphertext, so a value
tampered with in the database fails to decrypt instead of reading as another number.

Duplicate detection and look-up (a gate event names a person by number) cannot search the
ciphertext (a fresh nonce each time): the blind index is HMAC-SM3 of the normalised number
under a second key, equal for equal numbers and useless without the key.

Keys: ``settings.SMARTSITE_IDENTITY_KEY`` (or the environment variable of the same name), any
string; without it they are derived from SECRET_KEY. Changing the key makes the stored numbers
unreadable, so production sets a dedicated key and keeps it with the database backups.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

VERSION = "v1"  # stored before the ciphertext, so a later key or cipher can be told apart
NONCE_BYTES = 12


class DecryptionFailed(ValueError):
    pass


def _master() -> bytes:
    configured = getattr(settings, "SMARTSITE_IDENTITY_KEY", "") or os.environ.get(
        "SMARTSITE_IDENTITY_KEY", ""
    )
    return (configured or settings.SECRET_KEY).encode()


@functools.lru_cache(maxsize=4)
def _derive(master: bytes, purpose: str) -> bytes:
    return hmac.new(master, f"jianguan.smartsite.{purpose}".encode(), "sm3").digest()


def _enc_key() -> bytes:
    return _derive(_master(), "sm4")[:16]  # SM4 keys are 128 bits


def _index_key() -> bytes:
    return _derive(_master(), "blind-index")


def blind_index(value: str) -> str:
    """64 hex characters: equal for equal (normalised) values, nothing else learnt from it."""
    return hmac.new(_index_key(), value.encode(), "sm3").hexdigest()


def encrypt(value: str, *, context: str) -> str:
    """`context` (e.g. "id_number") is authenticated with the value: a ciphertext copied from
    the bank card column into the identity column does not decrypt there."""
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(_enc_key()), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context.encode())
    body = encryptor.update(value.encode()) + encryptor.finalize()
    return VERSION + ":" + base64.b64encode(nonce + encryptor.tag + body).decode()


def decrypt(token: str, *, context: str) -> str:
    version, _, data = (token or "").partition(":")
    if version != VERSION:
        raise DecryptionFailed("unknown version")
    try:
        raw = base64.b64decode(data, validate=True)
    except ValueError:
        raise DecryptionFailed("not base64") from None
    nonce, tag, body = (
        raw[:NONCE_BYTES],
        raw[NONCE_BYTES : NONCE_BYTES + 16],
        raw[NONCE_BYTES + 16 :],
    )
    if len(tag) != 16:
        raise DecryptionFailed("too short")
    decryptor = Cipher(algorithms.SM4(_enc_key()), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(context.encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag:
        raise DecryptionFailed("authentication failed") from None


def key_fingerprint() -> str:
    """Which key encrypted the data (for the README's operations notes), never the key."""
    return hashlib.new("sm3", _enc_key()).hexdigest()[:12]
