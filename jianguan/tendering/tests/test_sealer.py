"""The bid sealer: round trips, every refusal with its stable code, CLI, constant memory.

No database: the sealer is a pure library (these tests ask for no `db` fixture).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import pytest

from jianguan.tendering import sealer
from jianguan.tendering.sealer.format import canonical_json

CHUNK = 1024
SUMMARY = {"bid_price": "12345678.90", "duration_days": 365, "quality": "合格"}
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def keypair():
    return sealer.generate_keypair()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def seal_files(tmp_path: Path, public_pem: bytes, files: dict[str, bytes], **kw) -> Path:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    paths = [write(src / name, data) for name, data in files.items()]
    out = tmp_path / "bid.zip"
    kw.setdefault("chunk_size", CHUNK)
    sealer.seal(files=paths, summary=SUMMARY, recipient_public_pem=public_pem, out=out, **kw)
    return out


def rewrite(src: Path, dst: Path, change=None, extra=(), manifest=None) -> Path:
    """Copy a package entry by entry (stored), applying edits: a test's attacker."""
    with zipfile.ZipFile(src) as zin:
        entries = [(i.filename, zin.read(i)) for i in zin.infolist()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point of one test
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
            for name, data in entries:
                if name == "manifest.json" and manifest is not None:
                    doc = json.loads(data)
                    manifest(doc)
                    data = canonical_json(doc)
                if change and name in change:
                    data = change[name](data)
                zout.writestr(name, data)
            for name, data, method in extra:
                zout.writestr(name, data, compress_type=method)
    return dst


def open_all(package: Path, private_pem: bytes, out_dir: Path | None = None, **kw):
    key = sealer.unwrap_data_key(package=package, private_pem=private_pem, **kw)
    return sealer.open_package(package=package, data_key=key, out_dir=out_dir)


def code_of(fn, *args, **kwargs) -> str:
    with pytest.raises(sealer.SealError) as info:
        fn(*args, **kwargs)
    assert info.value.message and any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)
    return info.value.code


@pytest.mark.parametrize("cipher", ["AES-256-GCM", "SM4-GCM"])
def test_round_trip_edge_sizes(tmp_path, keypair, cipher):
    private_pem, public_pem = keypair
    files = {
        "empty.txt": b"",
        "exact.pdf": os.urandom(CHUNK),
        "plus1.bin": os.urandom(CHUNK + 1),
        "multi.dwg": os.urandom(5 * CHUNK + 17),
    }
    package = seal_files(tmp_path, public_pem, files, cipher=cipher)
    manifest = sealer.verify_package_structure(package)
    assert manifest.cipher == cipher and manifest.chunk_size == CHUNK
    assert [f.name for f in manifest.files] == list(files)
    assert [f.size for f in manifest.files] == [len(d) for d in files.values()]
    assert manifest.files[1].media_type == "application/pdf"
    assert manifest.recipient_key_fingerprint == sealer.key_fingerprint(public_pem)
    assert manifest.fingerprint["kind"] == "python" and len(manifest.fingerprint["mac_sm3"]) == 64
    with zipfile.ZipFile(package) as zf:
        sizes = {i.filename: i.file_size for i in zf.infolist()}
    assert sizes["payload/0000.bin"] == 16  # one empty, final chunk
    assert sizes["payload/0001.bin"] == CHUNK + 16
    assert sizes["payload/0002.bin"] == CHUNK + 1 + 32

    opened = open_all(package, private_pem, tmp_path / "out")
    for name, data in files.items():
        assert (tmp_path / "out" / name).read_bytes() == data
    assert opened.summary.pop("nonce") and opened.summary == SUMMARY
    assert [f.path for f in opened.files] == [tmp_path / "out" / n for n in files]
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".part")]


def test_manifest_is_canonical_and_package_sm3_streams(tmp_path, keypair):
    package = seal_files(tmp_path, keypair[1], {"a.txt": b"a"})
    manifest = sealer.read_manifest(package)
    assert manifest.raw == manifest.to_json()
    with zipfile.ZipFile(package) as zf:
        assert zf.read("manifest.json") == manifest.raw
    digest = sealer.package_sm3(package)
    assert len(digest) == 64
    assert sealer.package_sm3(io.BytesIO(package.read_bytes())) == digest
    with package.open("rb") as handle:
        assert sealer.read_manifest(handle) == manifest


def test_summary_nonce_hides_the_price(tmp_path, keypair):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = seal_files(tmp_path / "a", keypair[1], {"x.txt": b"x"})
    b = seal_files(tmp_path / "b", keypair[1], {"x.txt": b"x"})
    ma, mb = sealer.read_manifest(a), sealer.read_manifest(b)
    assert ma.summary.sm3_plain != mb.summary.sm3_plain
    assert ma.files[0].sm3_plain == mb.files[0].sm3_plain
    summary_a = open_all(a, keypair[0]).summary
    summary_b = open_all(b, keypair[0]).summary
    assert len(summary_a["nonce"]) == 64 and summary_a["nonce"] != summary_b["nonce"]


def test_wrong_keys(tmp_path, keypair):
    package = seal_files(tmp_path, keypair[1], {"a.txt": b"a"})
    other_private, _ = sealer.generate_keypair()
    assert code_of(sealer.unwrap_data_key, package=package, private_pem=other_private) == (
        "wrong_key"
    )
    assert code_of(sealer.open_package, package=package, data_key=os.urandom(32)) == "wrong_key"
    assert code_of(sealer.open_package, package=package, data_key=b"short") == "wrong_key"


def test_passphrase_protected_key(tmp_path):
    private_pem, public_pem = sealer.generate_keypair(b"correct horse")
    assert b"ENCRYPTED PRIVATE KEY" in private_pem
    package = seal_files(tmp_path, public_pem, {"a.txt": b"secret"})
    opened = open_all(package, private_pem, tmp_path / "o", passphrase=b"correct horse")
    assert (tmp_path / "o" / "a.txt").read_bytes() == b"secret" and opened.files[0].size == 6
    unwrap = sealer.unwrap_data_key
    assert code_of(unwrap, package=package, private_pem=private_pem) == "wrong_key"
    assert code_of(unwrap, package=package, private_pem=private_pem, passphrase=b"no") == (
        "wrong_key"
    )


def test_tampered_ciphertext_byte(tmp_path, keypair):
    package = seal_files(tmp_path, keypair[1], {"a.bin": os.urandom(3 * CHUNK)})

    def flip(data: bytes) -> bytes:
        return data[: CHUNK + 20] + bytes([data[CHUNK + 20] ^ 1]) + data[CHUNK + 21 :]

    bad = rewrite(package, tmp_path / "bad.zip", {"payload/0000.bin": flip})
    key = sealer.unwrap_data_key(package=bad, private_pem=keypair[0])
    out = tmp_path / "out"
    assert code_of(sealer.open_package, package=bad, data_key=key, out_dir=out) == "tampered"
    assert list(out.iterdir()) == []  # nothing half-written is left behind
    # Without the key the platform already sees the ciphertext no longer matches the manifest.
    assert code_of(sealer.verify_package_structure, bad) == "hash_mismatch"


def test_truncation(tmp_path, keypair):
    package = seal_files(tmp_path, keypair[1], {"a.bin": os.urandom(3 * CHUNK)})
    key = sealer.unwrap_data_key(package=package, private_pem=keypair[0])
    short = rewrite(package, tmp_path / "short.zip", {"payload/0000.bin": lambda d: d[:-5]})
    assert code_of(sealer.open_package, package=short, data_key=key) == "truncated"

    # Cut at a chunk boundary with the manifest size "fixed" to match: the last-chunk flag
    # in the nonce still shows the stream ended early.
    def shrink(doc):
        doc["files"][0]["size"] = 2 * CHUNK

    cut = rewrite(
        package, tmp_path / "cut.zip", {"payload/0000.bin": lambda d: d[: 2 * (CHUNK + 16)]},
        manifest=shrink,
    )  # fmt: skip
    assert code_of(sealer.open_package, package=cut, data_key=key) == "truncated"


def test_chunks_cannot_move(tmp_path, keypair):
    package = seal_files(
        tmp_path, keypair[1], {"a.bin": os.urandom(2 * CHUNK), "b.bin": os.urandom(2 * CHUNK)}
    )
    key = sealer.unwrap_data_key(package=package, private_pem=keypair[0])
    with zipfile.ZipFile(package) as zf:
        a, b = zf.read("payload/0000.bin"), zf.read("payload/0001.bin")
    n = CHUNK + 16
    swapped = rewrite(
        package, tmp_path / "swap.zip",
        {"payload/0000.bin": lambda d: b[:n] + a[n:], "payload/0001.bin": lambda d: a[:n] + b[n:]},
        manifest=lambda doc: None,
    )  # fmt: skip
    assert code_of(sealer.open_package, package=swapped, data_key=key) == "tampered"
    reordered = rewrite(package, tmp_path / "re.zip", {"payload/0000.bin": lambda d: a[n:] + a[:n]})
    assert code_of(sealer.open_package, package=reordered, data_key=key) == "tampered"


def test_manifest_hash_edited(tmp_path, keypair):
    package = seal_files(tmp_path, keypair[1], {"a.txt": b"original"})
    key = sealer.unwrap_data_key(package=package, private_pem=keypair[0])

    def edit(doc):
        doc["files"][0]["sm3_plain"] = "0" * 64

    edited = rewrite(package, tmp_path / "edited.zip", manifest=edit)
    with pytest.raises(sealer.HashMismatchError) as info:
        sealer.open_package(package=edited, data_key=key, out_dir=tmp_path / "out")
    assert info.value.code == "hash_mismatch"
    assert info.value.message == "文件 a.txt 的 SM3 与封装时的清单不一致"
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize(
    "extra",
    [
        [("../evil", b"x", zipfile.ZIP_STORED)],
        [("/etc/evil", b"x", zipfile.ZIP_STORED)],
        [("payload/0001.bin", b"x", zipfile.ZIP_STORED)],
        [("notes.txt", b"x", zipfile.ZIP_STORED)],
        [("payload/0000.bin", b"again", zipfile.ZIP_STORED)],
        [("payload/", b"", zipfile.ZIP_STORED)],
    ],
    ids=["dotdot", "absolute", "extra-payload", "extra-file", "duplicate", "directory"],
)
def test_unexpected_entries_are_malformed(tmp_path, keypair, extra):
    package = seal_files(tmp_path, keypair[1], {"a.txt": b"a"})
    bad = rewrite(package, tmp_path / "bad.zip", extra=extra)
    assert code_of(sealer.read_manifest, bad) == "malformed_package"


def test_compressed_oversize_and_padded_packages_are_malformed(tmp_path, keypair):
    package = seal_files(tmp_path, keypair[1], {"a.txt": b"a" * 5000})
    with zipfile.ZipFile(package) as zin:
        entries = [(i.filename, zin.read(i)) for i in zin.infolist()]
    compressed = tmp_path / "deflated.zip"
    with zipfile.ZipFile(compressed, "w") as zout:
        for name, data in entries:
            method = zipfile.ZIP_DEFLATED if name.startswith("payload") else zipfile.ZIP_STORED
            zout.writestr(name, data, compress_type=method)
    assert code_of(sealer.read_manifest, compressed) == "malformed_package"

    def pad(data: bytes) -> bytes:
        return data[:-1] + b" " * (1 << 20) + b"}"

    huge = rewrite(package, tmp_path / "huge.zip", {"manifest.json": pad})
    assert code_of(sealer.read_manifest, huge) == "malformed_package"
    prefixed = write(tmp_path / "prefixed.zip", b"MZ junk" + package.read_bytes())
    assert code_of(sealer.read_manifest, prefixed) == "malformed_package"
    assert code_of(sealer.read_manifest, write(tmp_path / "x.zip", b"not a zip")) == (
        "malformed_package"
    )
    pretty = rewrite(package, tmp_path / "pretty.zip", {"manifest.json": lambda d: d + b"\n"})
    assert code_of(sealer.read_manifest, pretty) == "malformed_package"


def test_manifest_file_names_cannot_escape(tmp_path, keypair):
    package = seal_files(tmp_path, keypair[1], {"a.txt": b"a"})

    def escape(doc):
        doc["files"][0]["name"] = "../../evil.sh"

    bad = rewrite(package, tmp_path / "bad.zip", manifest=escape)
    assert code_of(sealer.read_manifest, bad) == "malformed_package"


def test_unsupported_cipher_and_version(tmp_path, keypair):
    package = seal_files(tmp_path, keypair[1], {"a.txt": b"a"})

    def bump(doc):
        doc["version"] = 2

    def cipher(doc):
        doc["cipher"] = "ChaCha20-Poly1305"

    assert code_of(sealer.read_manifest, rewrite(package, tmp_path / "v.zip", manifest=bump)) == (
        "unsupported"
    )
    assert code_of(sealer.read_manifest, rewrite(package, tmp_path / "c.zip", manifest=cipher)) == (
        "unsupported"
    )
    src = write(tmp_path / "f.txt", b"x")
    assert code_of(
        sealer.seal, files=[src], summary=SUMMARY, recipient_public_pem=keypair[1],
        out=tmp_path / "o.zip", cipher="DES",
    ) == "unsupported"  # fmt: skip


@pytest.mark.parametrize(
    "summary",
    [{}, {"price": 1.5}, {"ok": True}, {"nested": {"a": "b"}}, {"nonce": "mine"}],
)
def test_summary_is_validated(tmp_path, keypair, summary):
    src = write(tmp_path / "f.txt", b"x")
    assert code_of(
        sealer.seal, files=[src], summary=summary, recipient_public_pem=keypair[1],
        out=tmp_path / "o.zip",
    ) == "invalid_input"  # fmt: skip
    assert not (tmp_path / "o.zip").exists()


def test_duplicate_input_names_refused(tmp_path, keypair):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    files = [write(tmp_path / "x" / "bid.pdf", b"1"), write(tmp_path / "y" / "BID.pdf", b"2")]
    assert code_of(
        sealer.seal, files=files, summary=SUMMARY, recipient_public_pem=keypair[1],
        out=tmp_path / "o.zip",
    ) == "invalid_input"  # fmt: skip


def test_constant_memory_64_mib(tmp_path, keypair):
    big = tmp_path / "big.bin"
    with big.open("wb") as handle:
        block = os.urandom(1 << 20)
        for _ in range(64):
            handle.write(block)
    out = tmp_path / "bid.zip"
    tracemalloc.start()
    try:
        sealer.seal(files=[big], summary=SUMMARY, recipient_public_pem=keypair[1], out=out)
        _, seal_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        key = sealer.unwrap_data_key(package=out, private_pem=keypair[0])
        opened = sealer.open_package(package=out, data_key=key, out_dir=tmp_path / "out")
        _, open_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seal_peak < 16 << 20, seal_peak
    assert open_peak < 16 << 20, open_peak
    assert opened.files[0].size == 64 << 20
    assert (tmp_path / "out" / "big.bin").stat().st_size == 64 << 20


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jianguan.tendering.sealer", *args],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_end_to_end(tmp_path):
    env = {"BID_PASS": "口令-123"}
    keys = tmp_path / "keys"
    done = run_cli("keygen", "--out-dir", str(keys), "--passphrase-env", "BID_PASS", env=env)
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert info["fingerprint"] == sealer.key_fingerprint((keys / "bid-public.pem").read_bytes())
    assert (keys / "bid-private.pem").stat().st_mode & 0o077 == 0

    summary = write(tmp_path / "summary.json", json.dumps(SUMMARY).encode())
    doc = write(tmp_path / "技术标.pdf", os.urandom(3000))
    package = tmp_path / "bid.zip"
    done = run_cli(
        "seal", "--recipient-key", str(keys / "bid-public.pem"), "--summary", str(summary),
        "--out", str(package), "--cipher", "SM4-GCM", str(doc),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["package_sm3"] == sealer.package_sm3(package)

    done = run_cli("inspect", str(package))
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["package_sm3"] == sealer.package_sm3(package)
    assert shown["manifest"]["cipher"] == "SM4-GCM"

    unwrap = ["unwrap", "--key", str(keys / "bid-private.pem"), "--package", str(package)]
    done = run_cli(*unwrap, "--passphrase-env", "BID_PASS", env=env)
    assert done.returncode == 0, done.stderr
    data_key = done.stdout.strip()
    assert len(data_key) == 32  # SM4: 128-bit key

    out = tmp_path / "opened"
    done = run_cli("open", "--package", str(package), "--data-key", data_key, "--out-dir", str(out))
    assert done.returncode == 0, done.stderr
    assert (out / "技术标.pdf").read_bytes() == doc.read_bytes()
    assert json.loads(done.stdout)["summary"]["bid_price"] == "12345678.90"

    # Seal errors exit 1 with the Chinese message; usage errors exit 2.
    done = run_cli(*unwrap)
    assert done.returncode == 1 and "wrong_key" in done.stderr and "口令" in done.stderr
    done = run_cli(
        "open", "--package", str(package), "--data-key", "00" * 16, "--out-dir", str(out)
    )
    assert done.returncode == 1 and "数据密钥" in done.stderr
    assert run_cli("seal", "--out", "x.zip").returncode == 2
    assert run_cli("frobnicate").returncode == 2
    done = run_cli("open", "--package", str(package), "--data-key", "zz", "--out-dir", str(out))
    assert done.returncode == 2 and "十六进制" in done.stderr
