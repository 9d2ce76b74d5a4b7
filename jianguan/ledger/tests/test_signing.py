"""Signed tree heads: round trips, forgeries, key ids and the exact signed bytes."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives import serialization

from jianguan.ledger.canonical import canonical_json, parse_canonical
from jianguan.ledger.signing import (
    b64decode_strict,
    canonical_public_key_pem,
    format_timestamp,
    generate_private_key_pem,
    head_message,
    key_id,
    load_private_key,
    load_public_key,
    make_head,
    parse_timestamp,
    public_key_der,
    public_key_pem,
    sign_head,
    verify_head,
)

HAVE_GMSSL = importlib.util.find_spec("gmssl_pyx") is not None
SIG_ALGS = [
    "ed25519",
    pytest.param("sm2", marks=pytest.mark.skipif(not HAVE_GMSSL, reason="needs gmssl-pyx")),
]


@pytest.fixture(params=SIG_ALGS)
def sig_alg(request: pytest.FixtureRequest) -> str:
    return request.param


def _head(**changes: object) -> dict[str, object]:
    head = make_head(42, bytes(range(32)), "2026-11-23T12:00:00.123Z", "sm3")
    head.update(changes)
    return head


def test_timestamp_format() -> None:
    dt = datetime(2026, 11, 23, 20, 0, 0, 123987, tzinfo=timezone(timedelta(hours=8)))
    assert format_timestamp(dt) == "2026-11-23T12:00:00.123Z"
    assert parse_timestamp("2026-11-23T12:00:00.123Z") == dt.replace(microsecond=123000)
    assert format_timestamp().endswith("Z")
    with pytest.raises(ValueError, match="timezone-aware"):
        format_timestamp(datetime(2026, 1, 1))
    for bad in ["2026-11-23T12:00:00Z", "2026-11-23T12:00:00.123+00:00", "2026-11-23 12:00"]:
        with pytest.raises(ValueError):
            parse_timestamp(bad)
    assert parse_timestamp("2026-11-23T20:00:00+08:00", strict=False) == datetime(
        2026, 11, 23, 12, tzinfo=UTC
    )


def test_signed_message_is_canonical_json_of_four_keys() -> None:
    head = _head(signature="ignored", key_id="ignored", sig_alg="ignored")
    message = head_message(head)
    assert message == (
        b'{"hash_alg":"sm3","root_hash":"000102030405060708090a0b0c0d0e0f1011121314151617'
        b'18191a1b1c1d1e1f","timestamp":"2026-11-23T12:00:00.123Z","tree_size":42}'
    )
    signed = ("hash_alg", "root_hash", "timestamp", "tree_size")
    assert parse_canonical(message) == {k: head[k] for k in signed}
    for bad in [
        _head(root_hash="AB" * 32),
        _head(root_hash="ab" * 31),
        _head(tree_size=-1),
        _head(tree_size=1.0),
        _head(tree_size=True),
        _head(hash_alg="md5"),
        _head(timestamp="2026-11-23T12:00:00Z"),
    ]:
        with pytest.raises(ValueError):
            head_message(bad)
    with pytest.raises(ValueError, match="lacks"):
        head_message({"tree_size": 1})


def test_sign_verify_round_trip(sig_alg: str) -> None:
    pem = generate_private_key_pem(sig_alg)
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----\n")
    public = public_key_pem(pem)
    assert public.startswith("-----BEGIN PUBLIC KEY-----\n")
    head = _head()
    signature, kid, alg = sign_head(pem, head)
    assert alg == sig_alg
    assert kid == key_id(public)
    assert verify_head(public, sig_alg, head, signature)
    # Loaded key objects work as well as PEM, and extra head fields are not signed.
    assert verify_head(load_public_key(public), sig_alg, dict(head, signature=signature), signature)
    assert sign_head(load_private_key(pem), head)[1] == kid


def test_wrong_key_fails(sig_alg: str) -> None:
    head = _head()
    signature, _, _ = sign_head(generate_private_key_pem(sig_alg), head)
    other = public_key_pem(generate_private_key_pem(sig_alg))
    assert not verify_head(other, sig_alg, head, signature)
    ed = public_key_pem(generate_private_key_pem("ed25519"))
    assert not verify_head(ed, "ed25519", head, signature)


def test_tampered_head_or_signature_fails(sig_alg: str) -> None:
    pem = generate_private_key_pem(sig_alg)
    public = public_key_pem(pem)
    head = _head()
    signature, _, _ = sign_head(pem, head)
    for tampered in [
        _head(tree_size=43),
        _head(root_hash="ff" + head["root_hash"][2:]),  # type: ignore[index]
        _head(timestamp="2026-11-23T12:00:00.124Z"),
        _head(hash_alg="sha256"),
        _head(root_hash=str(head["root_hash"]).upper()),
        {k: v for k, v in head.items() if k != "timestamp"},
    ]:
        assert not verify_head(public, sig_alg, tampered, signature)
    raw = base64.b64decode(signature)
    flipped = base64.b64encode(bytes([raw[0] ^ 1]) + raw[1:]).decode()
    last = base64.b64encode(raw[:-1] + bytes([raw[-1] ^ 0x80])).decode()
    for bad_sig in [flipped, last, signature[:-4], "", "not base64!", signature + "AAAA"]:
        assert not verify_head(public, sig_alg, head, bad_sig)
    # A non-canonical base64 spelling of the same bytes is rejected too.
    padded = signature.rstrip("=")
    if padded != signature:
        last_char = padded[-1]
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        sibling = alphabet[alphabet.index(last_char) ^ 1]
        variant = padded[:-1] + sibling + signature[len(padded) :]
        assert base64.b64decode(variant) == raw
        assert not verify_head(public, sig_alg, head, variant)
    # Mismatched algorithm label, garbage key: False, never an exception.
    other_alg = "sm2" if sig_alg == "ed25519" else "ed25519"
    assert not verify_head(public, other_alg, head, signature)
    assert not verify_head(public, "rsa", head, signature)
    assert not verify_head("not a pem", sig_alg, head, signature)
    assert not verify_head(public, sig_alg, {"tree_size": "x"}, signature)


def test_key_id_is_stable_and_matches_spki(sig_alg: str) -> None:
    pem = generate_private_key_pem(sig_alg)
    public = public_key_pem(pem)
    kid = key_id(public)
    assert len(kid) == 32 and int(kid, 16) >= 0
    assert kid == key_id(public.encode()) == key_id(load_public_key(public))
    assert kid == hashlib.sha256(public_key_der(public)).digest()[:16].hex()
    assert public_key_pem(pem) == public == canonical_public_key_pem(public)
    assert key_id(public_key_pem(generate_private_key_pem(sig_alg))) != kid
    # Round trip through the PEM loader keeps the same id.
    assert key_id(public_key_pem(load_private_key(pem.decode()))) == kid


def test_ed25519_key_interoperates_with_cryptography() -> None:
    pem = generate_private_key_pem("ed25519")
    key = serialization.load_pem_private_key(pem, None)
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert key_id(public_key_pem(pem)) == hashlib.sha256(spki).digest()[:16].hex()


def test_sm2_pkcs8_layout_matches_openssl() -> None:
    pytest.importorskip("gmssl_pyx")
    pem = generate_private_key_pem("sm2")
    der = base64.b64decode(b"".join(pem.splitlines()[1:-1]))
    # PKCS#8 v0, id-ecPublicKey + SM2 curve OID (1.2.156.10197.1.301), as OpenSSL writes.
    assert der[:27] == bytes.fromhex("308187020100301306072a8648ce3d020106082a811ccf5501822d")
    spki = public_key_der(public_key_pem(pem))
    assert spki[:27] == bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d03420004")


def test_unsupported_algorithm_rejected() -> None:
    with pytest.raises(ValueError, match="unsupported signature algorithm"):
        generate_private_key_pem("rsa")
    with pytest.raises(ValueError):
        load_private_key("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")


def test_strict_base64_and_canonical_json() -> None:
    assert b64decode_strict("QQ==") == b"A"
    for bad in ["QR==", "QQ=", "Q Q==", "QQ==\n", 5]:
        with pytest.raises(ValueError):
            b64decode_strict(bad)  # type: ignore[arg-type]
    assert canonical_json({"b": [1, 2.0, "é"], "a": None}) == '{"a":null,"b":[1,2,"é"]}'.encode()
    assert parse_canonical(b'{"a":1}') == {"a": 1}
    for bad in [b'{ "a":1}', b'{"a":1.0}', b'{"b":1,"a":2}', b'{"a":1,"a":1}', b"NaN", b"\xff"]:
        with pytest.raises(ValueError):
            parse_canonical(bad)
    with pytest.raises(ValueError):
        canonical_json({"n": 2**60})
