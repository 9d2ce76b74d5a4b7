"""Online verification against a live JianGuan server, with a local state file."""

from __future__ import annotations

import json
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from ..merkle import (
    leaf_hash,
    verify_inclusion,
)
from ..merkle_consistency import verify_consistency
from ..signing import b64decode_strict
from .common import (
    DEFAULT_STATE_FILE,
    SIGNED_HEAD_FIELDS,
    STATE_FORMAT,
    Report,
    _check_signed_head,
    _hex_hash,
    _is_size,
    _load_keys,
    check_leaf_input,
)

# --------------------------------------------------------------------------- online

_MAX_WITHHELD_LINES = 20

Fetch = Callable[[str, Mapping[str, str]], Any]
"""``fetch(url, headers) -> parsed JSON``; raises ``FetchError``. Injected in tests."""


class FetchError(Exception):
    """A request failed (network, HTTP status, or a body that is not JSON)."""


def http_fetch(url: str, headers: Mapping[str, str]) -> Any:
    """GET ``url`` with urllib and parse the JSON body."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"refusing non-HTTP URL {url}")
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", **headers}, method="GET"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise FetchError(f"HTTP {exc.code} for {url}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise FetchError(f"cannot reach {url}: {exc}") from exc
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FetchError(f"response from {url} is not JSON") from exc


def _load_state(path: Path) -> dict[str, Any]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"format": STATE_FORMAT, "logs": {}}
    if not isinstance(state, dict) or not isinstance(state.get("logs"), dict):
        raise ValueError(f"state file {path} is not a {STATE_FORMAT} document")
    return state


def _save_state(path: Path, state: Mapping[str, Any]) -> None:
    """Write atomically: a crash must never leave a truncated state (it is our memory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".jianguan-verify-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(state, fh, ensure_ascii=False, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def verify_online(
    base_url: str,
    report: Report,
    *,
    token: str | None = None,
    state_path: Path | str = DEFAULT_STATE_FILE,
    fetch: Fetch = http_fetch,
    check_entries: bool = True,
    trusted_key_ids: Iterable[str] | None = None,
) -> None:
    """Verify the live log at ``base_url`` (see the module docstring for the steps)."""
    trusted = frozenset(trusted_key_ids) if trusted_key_ids else None
    base = base_url.rstrip("/")
    api = f"{base}/api/v1/ledger"
    state_file = Path(state_path).expanduser()

    def get(path: str, headers: Mapping[str, str] | None = None) -> Any:
        return fetch(f"{api}{path}", headers or {})

    try:
        keys_doc = get("/keys")
        head = get("/head")
    except FetchError as exc:
        report.fail(str(exc), "无法获取树头或公钥", where="network")
        return
    keys = _load_keys(keys_doc.get("keys") if isinstance(keys_doc, dict) else None, report, trusted)
    size = head.get("tree_size") if isinstance(head, dict) else None
    where = f"head (tree_size {size})"
    if not _check_signed_head(head, where, keys, report, hash_alg=None, trusted=trusted):
        return
    if not _is_size(size):
        report.fail("tree_size is not a non-negative integer", "树头记录数无效", where=where)
        return
    hash_alg = head["hash_alg"]
    root = bytes.fromhex(head["root_hash"])
    report.info(f"head: tree_size {size}, root {head['root_hash']}, signed by {head['key_id']}")

    withheld = 0
    if check_entries:
        auth = {"Authorization": f"Bearer {token}"} if token else {}
        for i in range(size):
            if _check_online_entry(i, size, root, hash_alg, get, auth, report) == "withheld":
                withheld += 1
                if withheld <= _MAX_WITHHELD_LINES:
                    report.info(
                        f"index {i}: withheld, verified by hash / 内容不可见，已按叶哈希核验"
                    )
        if withheld > _MAX_WITHHELD_LINES:
            report.info(f"… {withheld - _MAX_WITHHELD_LINES} more withheld entries")

    try:
        state = _load_state(state_file)
    except (ValueError, OSError) as exc:
        report.fail(str(exc), "本地状态文件无法读取", where="state")
        return
    log_state = state["logs"].setdefault(base, {})
    earlier = log_state.setdefault("heads", [])
    for old in earlier:
        _check_against_old_head(old, head, get, report)
    checked = len(earlier)

    if report.ok:
        if not any(_same_head(old, head) for old in earlier):
            earlier.append({k: head[k] for k in SIGNED_HEAD_FIELDS})
        try:
            _save_state(state_file, state)
        except OSError as exc:
            report.fail(f"cannot write state file: {exc}", "无法写入本地状态文件", where="state")
            return
        report.info(
            f"OK head signature, {size if check_entries else 0} inclusion proofs"
            f"{f' ({withheld} withheld, verified by hash)' if withheld else ''}, "
            f"{checked} earlier head(s) consistent; state {state_file}"
        )


def _same_head(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return all(a.get(k) == b.get(k) for k in SIGNED_HEAD_FIELDS)


def _check_online_entry(
    i: int,
    size: int,
    root: bytes,
    hash_alg: str,
    get: Callable[..., Any],
    auth: Mapping[str, str],
    report: Report,
) -> str | None:
    """Check one entry's inclusion proof: "ok", "withheld" (the server withholds its content
    from this token and serves its leaf hash, which the proof then vouches for) or None."""
    try:
        doc = get(f"/entries/{i}", auth)
        proof = get(f"/proof/inclusion?index={i}&tree_size={size}")
    except FetchError as exc:
        report.fail(str(exc), f"无法获取索引 {i} 号记录或其包含证明", index=i)
        return None
    if not isinstance(doc, dict) or doc.get("index") != i:
        report.fail("server returned another entry", f"服务器返回的不是索引 {i} 号记录", index=i)
        return None
    withheld = doc.get("withheld") is True
    if withheld:
        try:
            leaf = _hex_hash(doc.get("leaf_hash"), hash_alg)
        except ValueError as exc:
            report.fail(
                f"withheld entry's leaf_hash invalid: {exc}",
                f"索引 {i} 号记录（内容不可见）的叶哈希无效",
                index=i,
            )
            return None
    else:
        try:
            raw = b64decode_strict(doc.get("leaf_input"))  # type: ignore[arg-type]
            check_leaf_input(raw)
        except ValueError as exc:
            report.fail(f"leaf_input invalid: {exc}", f"索引 {i} 号记录内容无效", index=i)
            return None
        leaf = leaf_hash(raw, hash_alg)
    try:
        if proof.get("index") != i or proof.get("tree_size") != size:
            raise ValueError("proof is for another index or tree size")
        path = [_hex_hash(p, hash_alg) for p in proof["audit_path"]]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        report.fail(
            f"inclusion proof malformed: {exc}", f"索引 {i} 号记录的包含证明格式错误", index=i
        )
        return None
    if not verify_inclusion(hash_alg, leaf, i, size, path, root):
        report.fail(
            "inclusion proof does not verify against the signed head",
            f"索引 {i} 号记录的包含证明与签名树头不符",
            index=i,
        )
        return None
    return "withheld" if withheld else "ok"


def _check_against_old_head(
    old: Mapping[str, Any], head: Mapping[str, Any], get: Callable[..., Any], report: Report
) -> None:
    """Consistency (RFC 9162 §2.1.4) from a head seen earlier to the current one."""
    first, second = old.get("tree_size"), head["tree_size"]
    where = f"earlier head (tree_size {first}, {old.get('timestamp')})"
    if old.get("hash_alg") != head["hash_alg"] or not _is_size(first):
        report.fail(
            "earlier head uses another hash_alg or is malformed", "历史树头无效", where=where
        )
        return
    try:
        old_root = _hex_hash(old.get("root_hash"), head["hash_alg"])
    except ValueError:
        report.fail("earlier head root_hash malformed", "历史树头根哈希无效", where=where)
        return
    new_root = bytes.fromhex(head["root_hash"])
    if first > second:
        report.fail(
            f"log shrank from {first} to {second} entries: rollback or fork",
            f"日志记录数从 {first} 减少到 {second}：疑似回滚或分叉",
            where=where,
        )
        return
    if first == 0:
        return  # the empty tree is a prefix of every tree; RFC 9162 defines no proof
    if first == second:
        if old_root != new_root:
            report.fail(
                "same tree_size, different root: the log forked",
                "记录数相同但根哈希不同：日志出现分叉",
                where=where,
            )
        return
    try:
        doc = get(f"/proof/consistency?first={first}&second={second}")
        if doc.get("first") != first or doc.get("second") != second:
            raise ValueError("proof is for other tree sizes")
        path = [_hex_hash(p, head["hash_alg"]) for p in doc["consistency_path"]]
    except FetchError as exc:
        report.fail(str(exc), "无法获取一致性证明", where=where)
        return
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        report.fail(f"consistency proof malformed: {exc}", "一致性证明格式错误", where=where)
        return
    if not verify_consistency(head["hash_alg"], first, second, old_root, new_root, path):
        report.fail(
            f"consistency proof {first} -> {second} fails: history was rewritten",
            f"从 {first} 到 {second} 的一致性证明失败：历史记录被改写",
            where=where,
        )
