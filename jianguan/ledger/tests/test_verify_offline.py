"""The standalone verifier: offline bundles, the online mode with a fake server, no Django."""

from __future__ import annotations

import base64
import copy
import importlib.util
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from jianguan.ledger.canonical import canonical_json
from jianguan.ledger.merkle import leaf_hash
from jianguan.ledger.merkle_memory import InMemoryTree
from jianguan.ledger.signing import (
    format_timestamp,
    generate_private_key_pem,
    key_id,
    load_private_key,
    make_head,
    public_key_pem,
    sig_alg_of,
    sign_head,
)
from jianguan.ledger.verify import FetchError, main, make_bundle

REPO_ROOT = Path(__file__).resolve().parents[3]
T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
HAVE_GMSSL = importlib.util.find_spec("gmssl_pyx") is not None


def entry_input(i: int, note: str = "") -> bytes:
    return canonical_json(
        {
            "type": "project.updated",
            "object": f"project:{i % 7}",
            "actor": "user:3",
            "time": format_timestamp(T0 + timedelta(seconds=i)),
            "payload": {"n": i, "note": note or "工程进度更新"},
            "files": [{"sha256": "ab" * 32, "name": f"f{i}.pdf"}] if i % 4 == 0 else [],
        }
    )


def signed_head(pem: bytes, tree: InMemoryTree, size: int, minute: int) -> dict[str, Any]:
    head = make_head(size, tree.root(size), T0 + timedelta(minutes=minute), tree.hash_alg)
    signature, kid, alg = sign_head(pem, head)
    return {**head, "signature": signature, "key_id": kid, "sig_alg": alg}


def key_record(pem: bytes, valid_to: str | None = None) -> dict[str, Any]:
    public = public_key_pem(pem)
    return {
        "key_id": key_id(public),
        "sig_alg": sig_alg_of(load_private_key(pem)),
        "public_key": public,
        "valid_from": "2026-01-01T00:00:00.000Z",
        "valid_to": valid_to,
    }


def build_bundle(
    n: int = 30,
    head_sizes: tuple[int, ...] = (5, 12, 30),
    sig_alg: str = "ed25519",
    hash_alg: str = "sm3",
    pem: bytes | None = None,
) -> dict[str, Any]:
    pem = pem or generate_private_key_pem(sig_alg)
    tree = InMemoryTree(hash_alg)
    raws = [entry_input(i) for i in range(n)]
    tree.extend(raws)
    heads = [signed_head(pem, tree, s, minute) for minute, s in enumerate(head_sizes)]
    return make_bundle(
        hash_alg, [(r, tree.leaf_hash(i)) for i, r in enumerate(raws)], heads, [key_record(pem)]
    )


def run_bundle(tmp_path: Path, bundle: dict[str, Any], *extra: str) -> tuple[int, str]:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    code = main(["--bundle", str(path), *extra], out=out)
    return code, out.getvalue()


@pytest.fixture(scope="module")
def good_bundle() -> dict[str, Any]:
    return build_bundle()


def fresh(bundle: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(bundle)


# --------------------------------------------------------------------------- offline


def test_valid_bundle_verifies(tmp_path: Path, good_bundle: dict[str, Any]) -> None:
    code, out = run_bundle(tmp_path, good_bundle)
    assert code == 0, out
    assert "RESULT: OK" in out and "FAIL" not in out
    assert good_bundle["keys"][0]["key_id"] in out


@pytest.mark.parametrize("hash_alg", ["sm3", "sha256"])
@pytest.mark.parametrize(
    "sig_alg",
    ["ed25519", pytest.param("sm2", marks=pytest.mark.skipif(not HAVE_GMSSL, reason="gmssl"))],
)
def test_algorithms(tmp_path: Path, hash_alg: str, sig_alg: str) -> None:
    code, out = run_bundle(tmp_path, build_bundle(12, (1, 7, 12), sig_alg, hash_alg))
    assert code == 0, out


def test_flipped_byte_in_leaf_input_names_the_index(
    tmp_path: Path, good_bundle: dict[str, Any]
) -> None:
    bundle = fresh(good_bundle)
    raw = bytearray(base64.b64decode(bundle["entries"][17]["leaf_input"]))
    pos = raw.index(b'"n":17') + 5
    raw[pos] ^= 0x01  # 17 -> 16: still canonical JSON, just a different entry
    bundle["entries"][17]["leaf_input"] = base64.b64encode(bytes(raw)).decode()
    code, out = run_bundle(tmp_path, bundle)
    assert code == 1
    assert "FAIL index 17: leaf hash mismatch" in out
    assert "索引 17 号记录的叶哈希不符" in out
    assert "first failing index: 17" in out


def test_leaf_input_and_hash_rewritten_together_caught_by_heads(
    tmp_path: Path, good_bundle: dict[str, Any]
) -> None:
    bundle = fresh(good_bundle)
    forged = entry_input(17, note="伪造")
    bundle["entries"][17]["leaf_input"] = base64.b64encode(forged).decode()
    bundle["entries"][17]["leaf_hash"] = leaf_hash(forged, "sm3").hex()
    code, out = run_bundle(tmp_path, bundle)
    assert code == 1
    # Heads at 5, 12, 30: the entry is somewhere in [12, 30).
    assert "FAIL index 12" in out and "[12, 30)" in out
    # With a signed head after every entry the index is exact.
    exact = build_bundle(30, tuple(range(1, 31)))
    exact["entries"][17]["leaf_input"] = base64.b64encode(forged).decode()
    exact["entries"][17]["leaf_hash"] = leaf_hash(forged, "sm3").hex()
    code, out = run_bundle(tmp_path, exact)
    assert code == 1
    assert "FAIL index 17: entry altered" in out
    assert "first failing index: 17" in out


def test_edited_head_root_fails(tmp_path: Path, good_bundle: dict[str, Any]) -> None:
    bundle = fresh(good_bundle)
    root = bundle["heads"][1]["root_hash"]
    bundle["heads"][1]["root_hash"] = ("0" if root[0] != "0" else "1") + root[1:]
    code, out = run_bundle(tmp_path, bundle)
    assert code == 1
    assert "FAIL head #1 (tree_size 12): signature does not verify" in out


def test_wrong_key_fails(tmp_path: Path, good_bundle: dict[str, Any]) -> None:
    # Another key published under the right-looking record: ids no longer match.
    bundle = fresh(good_bundle)
    bundle["keys"][0]["public_key"] = public_key_pem(generate_private_key_pem())
    code, out = run_bundle(tmp_path, bundle)
    assert code == 1 and "key_id does not match the public key" in out
    # Another key with its own correct id: the heads' signatures and key ids fail.
    bundle = fresh(good_bundle)
    bundle["keys"] = [key_record(generate_private_key_pem())]
    code, out = run_bundle(tmp_path, bundle)
    assert code == 1 and "unknown key_id" in out
    # The same bundle re-signed by a forger verifies on its own, but not against a pin.
    forged = build_bundle()
    assert run_bundle(tmp_path, forged)[0] == 0
    pinned = good_bundle["keys"][0]["key_id"]
    code, out = run_bundle(tmp_path, forged, "--trusted-key-id", pinned)
    assert code == 1 and "not a --trusted-key-id" in out
    assert run_bundle(tmp_path, good_bundle, "--trusted-key-id", pinned)[0] == 0


def test_key_validity_window(tmp_path: Path, good_bundle: dict[str, Any]) -> None:
    bundle = fresh(good_bundle)
    bundle["keys"][0]["valid_to"] = format_timestamp(T0 + timedelta(seconds=30))
    code, out = run_bundle(tmp_path, bundle)
    assert code == 1
    assert "head #1 (tree_size 12): timestamp" in out and "outside the validity" in out


def test_gap_and_uncovered_entries(tmp_path: Path, good_bundle: dict[str, Any]) -> None:
    bundle = fresh(good_bundle)
    del bundle["entries"][10]
    code, out = run_bundle(tmp_path, bundle)
    assert code == 1 and "FAIL index 10: entry at position 10 has index 11" in out
    bundle = fresh(good_bundle)
    bundle["heads"].pop()
    code, out = run_bundle(tmp_path, bundle)
    assert code == 1 and "entries 12..29 are not covered by any signed head" in out
    bundle = fresh(good_bundle)
    bundle["heads"] = []
    assert run_bundle(tmp_path, bundle)[0] == 1
    bundle = fresh(good_bundle)
    bundle["heads"][0], bundle["heads"][1] = bundle["heads"][1], bundle["heads"][0]
    code, out = run_bundle(tmp_path, bundle)
    assert code == 1 and "ascending" in out


def _mutations(value: Any) -> list[Any]:
    """Every single-character substitution of a string (a same-alphabet neighbour)."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int):
        return [value + 1, value - 1]
    out = []
    for pos, ch in enumerate(value):
        if ch in "0123456789abcdef" and pos < len(value):
            repl = "0123456789abcdef"[("0123456789abcdef".index(ch) + 1) % 16]
        elif ch.isalnum() or ch in "+/=":
            repl = "B" if ch == "A" else "A"
        else:
            repl = "x" if ch != "x" else "y"
        out.append(value[:pos] + repl + value[pos + 1 :])
    return out


@pytest.mark.parametrize(
    ("section", "item", "fields"),
    [
        ("entries", 3, ["index", "leaf_input", "leaf_hash"]),
        ("entries", 29, ["leaf_input", "leaf_hash"]),
        ("heads", 1, ["tree_size", "root_hash", "timestamp", "hash_alg", "signature", "key_id"]),
        ("heads", 2, ["sig_alg", "signature"]),
        ("keys", 0, ["key_id", "sig_alg", "public_key"]),
    ],
)
def test_every_single_character_edit_is_detected(
    section: str, item: int, fields: list[str], good_bundle: dict[str, Any]
) -> None:
    from jianguan.ledger.verify import Report, verify_bundle

    checked = 0
    for name in fields:
        for mutated in _mutations(good_bundle[section][item][name]):
            bundle = fresh(good_bundle)
            bundle[section][item][name] = mutated
            report = Report(io.StringIO())
            verify_bundle(bundle, report)
            assert not report.ok, (section, item, name, mutated)
            if section == "entries":
                assert report.first_failing_index() == item, (name, mutated)
            checked += 1
    assert checked > 20


def test_runs_as_module_without_django(tmp_path: Path, good_bundle: dict[str, Any]) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(good_bundle), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(REPO_ROOT)
    proc = subprocess.run(
        [sys.executable, "-m", "jianguan.ledger.verify", "--bundle", str(path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "RESULT: OK" in proc.stdout
    check = (
        "import sys, jianguan.ledger.verify, jianguan.ledger.merkle, jianguan.ledger.merkle_consistency, "
        "jianguan.ledger.merkle_memory, jianguan.ledger.signing, jianguan.ledger.sm2keys, "
        "jianguan.ledger.canonical; "
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')); "
        "assert not bad, bad; print('no django')"
    )
    proc = subprocess.run(
        [sys.executable, "-c", check], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0 and "no django" in proc.stdout, proc.stderr
    bundle = fresh(good_bundle)
    bundle["entries"][4]["leaf_hash"] = "00" * 32
    path.write_text(json.dumps(bundle), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "jianguan.ledger.verify", "--bundle", str(path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1 and "FAIL index 4" in proc.stdout


# --------------------------------------------------------------------------- online

BASE = "https://jg.example.gov.cn"
API = "/api/v1/ledger"


class FakeLog:
    """An in-memory ledger server answering the five GET endpoints like the Django API."""

    def __init__(self, pem: bytes, hash_alg: str = "sm3", token: str = "tok") -> None:
        self.pem = pem
        self.tree = InMemoryTree(hash_alg)
        self.raws: list[bytes] = []
        self.token = token
        self.head: dict[str, Any] = {}
        self.minute = 0
        self.corrupt_inclusion: int | None = None
        self.requests: list[str] = []

    def append(self, raws: list[bytes]) -> FakeLog:
        for raw in raws:
            self.raws.append(raw)
            self.tree.append(raw)
        self.minute += 1
        self.head = signed_head(self.pem, self.tree, self.tree.size, self.minute)
        return self

    def __call__(self, url: str, headers: dict[str, str]) -> Any:
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == BASE
        path, query = parts.path, {k: int(v[0]) for k, v in parse_qs(parts.query).items()}
        self.requests.append(path)
        if path == f"{API}/head":
            return dict(self.head)
        if path == f"{API}/keys":
            return {"keys": [key_record(self.pem)]}
        if path.startswith(f"{API}/entries/"):
            if headers.get("Authorization") != f"Bearer {self.token}":
                raise FetchError(f"HTTP 401 for {url}")
            i = int(path.rsplit("/", 1)[1])
            raw = self.raws[i]
            return {
                "index": i,
                "leaf_input": base64.b64encode(raw).decode(),
                "entry": json.loads(raw),
            }
        if path == f"{API}/proof/inclusion":
            i, n = query["index"], query["tree_size"]
            proof = [p.hex() for p in self.tree.inclusion_proof(i, n)]
            if i == self.corrupt_inclusion:
                proof[0] = "00" * 32
            return {"index": i, "tree_size": n, "audit_path": proof}
        if path == f"{API}/proof/consistency":
            m, n = query["first"], query["second"]
            proof = [p.hex() for p in self.tree.consistency_proof(m, n)]
            return {"first": m, "second": n, "consistency_path": proof}
        raise FetchError(f"HTTP 404 for {url}")


def run_online(log: FakeLog, state: Path, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--url", BASE + "/", "--state", str(state), *extra], fetch=log, out=out)
    return code, out.getvalue()


def test_online_first_and_later_runs(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    log = FakeLog(generate_private_key_pem()).append([entry_input(i) for i in range(9)])
    code, out = run_online(log, state, "--token", "tok")
    assert code == 0, out
    assert log.requests.count(f"{API}/proof/inclusion") == 9
    saved = json.loads(state.read_text())
    assert [h["tree_size"] for h in saved["logs"][BASE]["heads"]] == [9]

    log.append([entry_input(i) for i in range(9, 21)])
    code, out = run_online(log, state, "--token", "tok")
    assert code == 0, out
    assert f"{API}/proof/consistency" in log.requests
    log.append([entry_input(21)])
    code, out = run_online(log, state, "--no-entries")
    assert code == 0, out
    saved = json.loads(state.read_text())
    assert [h["tree_size"] for h in saved["logs"][BASE]["heads"]] == [9, 21, 22]


def test_online_detects_rewritten_history(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    pem = generate_private_key_pem()
    honest = FakeLog(pem).append([entry_input(i) for i in range(10)])
    assert run_online(honest, state, "--token", "tok")[0] == 0
    before = state.read_text()
    # Same key, same size plus more, but entry 3 rewritten: a fork the state file catches.
    forked = FakeLog(pem).append([entry_input(i, note="改写" if i == 3 else "") for i in range(14)])
    code, out = run_online(forked, state, "--token", "tok")
    assert code == 1
    assert "consistency proof 10 -> 14 fails" in out
    assert state.read_text() == before  # a bad head is never recorded
    # Same size, different root.
    same_size = FakeLog(pem).append([entry_input(i, note="x" if i == 0 else "") for i in range(10)])
    code, out = run_online(same_size, state, "--no-entries")
    assert code == 1 and "forked" in out
    # Rollback to fewer entries.
    shorter = FakeLog(pem).append([entry_input(i) for i in range(4)])
    code, out = run_online(shorter, state, "--no-entries")
    assert code == 1 and "log shrank from 10 to 4" in out


def test_online_detects_bad_inclusion_signature_and_auth(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    log = FakeLog(generate_private_key_pem()).append([entry_input(i) for i in range(8)])
    log.corrupt_inclusion = 5
    code, out = run_online(log, state, "--token", "tok")
    assert code == 1
    assert "FAIL index 5: inclusion proof does not verify" in out
    assert "first failing index: 5" in out
    assert not state.exists()

    log.corrupt_inclusion = None
    code, out = run_online(log, state)  # no token: entries are refused
    assert code == 1 and "HTTP 401" in out

    log.head["root_hash"] = "ab" * 32
    code, out = run_online(log, state, "--token", "tok")
    assert code == 1 and "signature does not verify" in out

    other = FakeLog(generate_private_key_pem()).append([entry_input(0)])
    other.head["key_id"] = "00" * 16
    code, out = run_online(other, state, "--token", "tok")
    assert code == 1 and "unknown key_id" in out


def test_online_network_failure(tmp_path: Path) -> None:
    def broken(url: str, headers: dict[str, str]) -> Any:
        raise FetchError(f"cannot reach {url}: connection refused")

    out = io.StringIO()
    code = main(["--url", BASE, "--state", str(tmp_path / "s.json")], fetch=broken, out=out)
    assert code == 1 and "connection refused" in out.getvalue()
