"""Build (once) and independently open the fixed sealed-bid packages in sealed_bid/.

Imports nothing from jianguan: it follows the format documented in
jianguan/tendering/sealer/__init__.py (version 1), with every random value fixed here so that
the packages are reproducible. Only the standard library and ``cryptography`` are used.

    python jianguan/tendering/tests/vectors/make_sealed_bid.py          # rewrite sealed_bid/*
    python jianguan/tendering/tests/vectors/make_sealed_bid.py --check  # re-open what is committed

The test (test_known_answers.py) opens the committed packages with the project's sealer and
also hands a package sealed by the project to :func:`open_independently` below.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import struct
import sys
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap

HERE = Path(__file__).resolve().parent / "sealed_bid"

# --- the documented constants (sealer/__init__.py "Encryption of each entry", "Key wrapping") --
AAD_LABEL = b"jianguan-bid-v1\x00"
HKDF_INFO = b"jianguan-bid-v1"
KEY_CHECK_LABEL = b"jianguan-bid-v1 key-check\x00"
KIND_FILE, KIND_SUMMARY = 1, 2
TAG = 16
KEY_LEN = {"AES-256-GCM": 32, "SM4-GCM": 16}

# --- fixed "random" values of this vector ----------------------------------------------------
RECIPIENT_SCALAR = int.from_bytes(hashlib.sha256(b"jianguan vector recipient").digest(), "big")
EPHEMERAL_SCALAR = int.from_bytes(hashlib.sha256(b"jianguan vector ephemeral").digest(), "big")
CHUNK = 1024  # the smallest allowed chunk, so one file spans several chunks
CREATED_AT = "2026-03-10T08:00:00Z"
FINGERPRINT = {
    "kind": "python",
    "hostname_sm3": "",  # filled below: SM3("vector-host")
    "platform": "Linux-vector",
    "mac_sm3": "",  # SM3("0242ac110002")
    "mac_random": False,
    "user_sm3": "",  # SM3("bidder")
    "sealer_version": "jianguan-sealer-py/1.0",
}
SUMMARY = {"bid_price": "12345678.90", "bidder": "北京示例建设集团有限公司", "duration_days": 365}


def sm3(data: bytes) -> bytes:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


FINGERPRINT["hostname_sm3"] = sm3(b"vector-host").hex()
FINGERPRINT["mac_sm3"] = sm3(b"0242ac110002").hex()
FINGERPRINT["user_sm3"] = sm3(b"bidder").hex()


def plain_files() -> list[tuple[str, str, bytes]]:
    """(name, media type, content): 3 chunks with a short last one; exactly one full chunk; empty."""
    line = "第{:04d}行 施工组织设计 construction plan\n"
    text = "".join(line.format(i) for i in range(80)).encode("utf-8")[:2500]
    csv = b"".join(b"item,%04d,qty,%06d\n" % (i, i * 7) for i in range(64))[:1024]
    return [
        ("技术标.txt", "text/plain", text),
        ("boq.csv", "text/csv", csv),
        ("empty.pdf", "application/pdf", b""),
    ]


def cj(obj) -> bytes:
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def spki(pub) -> bytes:
    return pub.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def kek(shared: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=HKDF_INFO).derive(shared)


def gcm_seal(cipher: str, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    if cipher == "AES-256-GCM":
        return AESGCM(key).encrypt(nonce, data, aad)
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(aad)
    return enc.update(data) + enc.finalize() + enc.tag


def gcm_open(cipher: str, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    if cipher == "AES-256-GCM":
        return AESGCM(key).decrypt(nonce, data, aad)
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, data[-TAG:])).decryptor()
    dec.authenticate_additional_data(aad)
    return dec.update(data[:-TAG]) + dec.finalize()


def chunks_of(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


def encrypt_entry(cipher, key, prefix, kind, index, data, chunk) -> bytes:
    aad = AAD_LABEL + bytes([kind]) + index.to_bytes(4, "big")
    parts = chunks_of(data, chunk)
    out = b""
    for n, part in enumerate(parts):
        nonce = prefix + n.to_bytes(4, "big") + bytes([1 if n == len(parts) - 1 else 0])
        out += gcm_seal(cipher, key, nonce, part, aad)
    return out


def decrypt_entry(cipher, key, prefix, kind, index, data, chunk) -> bytes:
    aad = AAD_LABEL + bytes([kind]) + index.to_bytes(4, "big")
    full = chunk + TAG
    parts = [data[i : i + full] for i in range(0, len(data), full)]
    out = b""
    for n, part in enumerate(parts):
        nonce = prefix + struct.pack(">IB", n, 1 if n == len(parts) - 1 else 0)
        out += gcm_open(cipher, key, nonce, part, aad)
    return out


def recipient_key():
    return ec.derive_private_key(RECIPIENT_SCALAR, ec.SECP256R1())


def build(cipher: str, tag: str, files: list[tuple[str, str, bytes]]) -> dict:
    seed = hashlib.sha256(f"jianguan vector {tag}".encode()).digest()
    data_key = hashlib.sha256(seed + b"data key").digest()[: KEY_LEN[cipher]]
    salt = hashlib.sha256(seed + b"salt").digest()
    summary_nonce = hashlib.sha256(seed + b"summary nonce").hexdigest()
    prefixes = [hashlib.sha256(seed + b"prefix %d" % i).digest()[:7] for i in range(len(files))]
    summary_prefix = hashlib.sha256(seed + b"summary prefix").digest()[:7]

    recipient = recipient_key().public_key()
    ephemeral = ec.derive_private_key(EPHEMERAL_SCALAR, ec.SECP256R1())
    shared = ephemeral.exchange(ec.ECDH(), recipient)  # x coordinate, 32 bytes
    wrapped = aes_key_wrap(kek(shared, salt), data_key)

    summary_plain = cj({**SUMMARY, "nonce": summary_nonce})
    entries = []
    blobs: list[tuple[str, bytes]] = []
    for i, (name, media, content) in enumerate(files):
        ct = encrypt_entry(cipher, data_key, prefixes[i], KIND_FILE, i, content, CHUNK)
        blobs.append((f"payload/{i:04d}.bin", ct))
        entries.append({
            "index": i, "name": name, "size": len(content), "media_type": media,
            "nonce_prefix": prefixes[i].hex(), "sm3_plain": sm3(content).hex(),
            "sm3_cipher": sm3(ct).hex(),
        })  # fmt: skip
    summary_ct = encrypt_entry(
        cipher, data_key, summary_prefix, KIND_SUMMARY, 0, summary_plain, CHUNK
    )
    blobs.append(("summary.bin", summary_ct))
    manifest = {
        "format": "jianguan-sealed-bid",
        "version": 1,
        "cipher": cipher,
        "chunk_size": CHUNK,
        "created_at": CREATED_AT,
        "recipient_key_fingerprint": hashlib.sha256(spki(recipient)).hexdigest(),
        "key_wrap": {
            "alg": "ECDH-P256+HKDF-SHA256+A256KW",
            "ephemeral_public_key": base64.b64encode(spki(ephemeral.public_key())).decode(),
            "hkdf_salt": base64.b64encode(salt).decode(),
            "wrapped_key": base64.b64encode(wrapped).decode(),
        },
        "key_check": sm3(KEY_CHECK_LABEL + data_key).hex(),
        "files": entries,
        "summary": {
            "size": len(summary_plain),
            "nonce_prefix": summary_prefix.hex(),
            "sm3_plain": sm3(summary_plain).hex(),
            "sm3_cipher": sm3(summary_ct).hex(),
        },  # fmt: skip
        "fingerprint": FINGERPRINT,
    }
    manifest_raw = cj(manifest)
    blobs.append(("manifest.json", manifest_raw))

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name, blob in blobs:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, blob)
    package = buf.getvalue()
    return {
        "package": package,
        "expected": {
            "cipher": cipher,
            "data_key_hex": data_key.hex(),
            "package_sm3": sm3(package).hex(),
            "package_sha256": hashlib.sha256(package).hexdigest(),
            "manifest_json": manifest_raw.decode("utf-8"),
            "summary_json": summary_plain.decode("utf-8"),
            "files": [
                {
                    "index": i,
                    "name": n,
                    "media_type": m,
                    "size": len(c),
                    "sm3": sm3(c).hex(),
                    "plain": f"plain/{n}",
                }
                for i, (n, m, c) in enumerate(files)
            ],  # fmt: skip
        },
    }


def open_independently(package: bytes, private_pem: bytes) -> dict:
    """Decrypt a package from the documented format alone; raise on any mismatch."""
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        names = [i.filename for i in zf.infolist()]
        for info in zf.infolist():
            assert info.compress_type == zipfile.ZIP_STORED, info.filename
            assert info.date_time == (1980, 1, 1, 0, 0, 0), info.filename
        raw = zf.read("manifest.json")
        m = json.loads(raw)
        assert cj(m) == raw, "manifest is not canonical JSON"
        assert m["format"] == "jianguan-sealed-bid" and m["version"] == 1
        expected_names = {"manifest.json", "summary.bin"} | {
            f"payload/{f['index']:04d}.bin" for f in m["files"]
        }
        assert set(names) == expected_names and len(names) == len(expected_names), names
        private = serialization.load_pem_private_key(private_pem, password=None)
        assert (
            hashlib.sha256(spki(private.public_key())).hexdigest() == m["recipient_key_fingerprint"]
        )
        kw = m["key_wrap"]
        assert kw["alg"] == "ECDH-P256+HKDF-SHA256+A256KW"
        eph = serialization.load_der_public_key(base64.b64decode(kw["ephemeral_public_key"]))
        shared = private.exchange(ec.ECDH(), eph)
        data_key = aes_key_unwrap(
            kek(shared, base64.b64decode(kw["hkdf_salt"])), base64.b64decode(kw["wrapped_key"])
        )
        assert len(data_key) == KEY_LEN[m["cipher"]]
        assert sm3(KEY_CHECK_LABEL + data_key).hex() == m["key_check"]
        cipher, chunk = m["cipher"], m["chunk_size"]

        def entry(name: str, e: dict, kind: int, index: int) -> bytes:
            ct = zf.read(name)
            n_chunks = max(1, -(-e["size"] // chunk))
            assert len(ct) == e["size"] + TAG * n_chunks, name
            assert sm3(ct).hex() == e["sm3_cipher"], name
            plain = decrypt_entry(cipher, data_key, bytes.fromhex(e["nonce_prefix"]), kind,
                                  index, ct, chunk)  # fmt: skip
            assert len(plain) == e["size"] and sm3(plain).hex() == e["sm3_plain"], name
            return plain

        summary_raw = entry("summary.bin", m["summary"], KIND_SUMMARY, 0)
        summary = json.loads(summary_raw)
        assert cj(summary) == summary_raw and len(summary["nonce"]) == 64
        files = {
            f["name"]: entry(f"payload/{f['index']:04d}.bin", f, KIND_FILE, f["index"])
            for f in m["files"]
        }
    return {"data_key": data_key, "manifest": m, "summary": summary, "files": files}


PACKAGES = [("bid-aes.zip", "AES-256-GCM", "aes", None), ("bid-sm4.zip", "SM4-GCM", "sm4", 1)]


def write() -> None:
    (HERE / "plain").mkdir(parents=True, exist_ok=True)
    key = recipient_key()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )  # fmt: skip
    (HERE / "recipient_private.pem").write_bytes(pem)
    (HERE / "recipient_public.pem").write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    files = plain_files()
    for name, _, content in files:
        (HERE / "plain" / name).write_bytes(content)
    expected = {
        "about": "Fixed sealed-bid packages (format jianguan-sealed-bid v1) built by "
        "make_sealed_bid.py from the documented format with fixed random values; "
        "recipient_private.pem opens them. Never produced by the code under test.",
        "recipient_key_fingerprint": hashlib.sha256(spki(key.public_key())).hexdigest(),
        "packages": {},
    }
    for fname, cipher, tag, only in PACKAGES:
        chosen = files if only is None else files[:only]
        built = build(cipher, tag, chosen)
        (HERE / fname).write_bytes(built["package"])
        expected["packages"][fname] = built["expected"]
    (HERE / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def check() -> None:
    expected = json.loads((HERE / "expected.json").read_text("utf-8"))
    pem = (HERE / "recipient_private.pem").read_bytes()
    for fname, exp in expected["packages"].items():
        package = (HERE / fname).read_bytes()
        assert sm3(package).hex() == exp["package_sm3"], fname
        got = open_independently(package, pem)
        assert got["data_key"].hex() == exp["data_key_hex"], fname
        assert cj(got["summary"]).decode() == exp["summary_json"], fname
        for f in exp["files"]:
            assert got["files"][f["name"]] == (HERE / f["plain"]).read_bytes(), f["name"]
        print(fname, "ok", exp["package_sm3"])


if __name__ == "__main__":
    if "--check" not in sys.argv:
        write()
    check()
