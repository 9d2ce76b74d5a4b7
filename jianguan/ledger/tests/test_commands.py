"""ledger_sign, ledger_keygen (rotation), ledger_export + the offline verifier, ledger_audit,
and tampering: an edit made behind the triggers' back is found and named by index."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from jianguan.ledger import merkle, selectors, signing, verify
from jianguan.ledger.canonical import canonical_json
from jianguan.ledger.management.commands.ledger_audit import Command as AuditCommand
from jianguan.ledger.models import LedgerEntry, LedgerNode, LedgerState, SigningKey, TreeHead
from jianguan.ledger.services import current_tree, tree_head_sign
from jianguan.ledger.tests.conftest import drop_guard

pytestmark = pytest.mark.django_db


def audit() -> dict:
    out = io.StringIO()
    call_command("ledger_audit", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def audit_error() -> str:
    with pytest.raises(CommandError) as info:
        call_command("ledger_audit", stdout=io.StringIO())
    return str(info.value)


def export(tmp_path: Path, name: str = "bundle.json", *args: str) -> Path:
    path = tmp_path / name
    call_command("ledger_export", str(path), *args, stdout=io.StringIO(), stderr=io.StringIO())
    return path


def verify_bundle(path: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = verify.main(["--bundle", str(path)], out=out)
    return code, out.getvalue()


def sign_each(append, k: int) -> None:
    """k entries with a head signed after each (heads one apart pin failures exactly)."""
    for _ in range(k):
        append(1)
        tree_head_sign()


def raw_update(table: str, column: str, value, index: int, key: str = "index") -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE {table} SET "{column}" = %s WHERE "{key}" = %s', [value, index])


# --- signing and keys --------------------------------------------------------------------------


def test_ledger_sign_signs_once_per_growth_and_force_re_signs(append):
    append(3)
    out = io.StringIO()
    call_command("ledger_sign", stdout=out)
    assert "tree_size=3" in out.getvalue()
    call_command("ledger_sign", stdout=io.StringIO())
    assert TreeHead.objects.count() == 1
    call_command("ledger_sign", "--force", stdout=io.StringIO())
    assert TreeHead.objects.count() == 2
    head = TreeHead.objects.first()
    assert head.root_hash == current_tree().root.hex()
    assert selectors.head_signature_ok(head)


def test_the_periodic_job_signs(append):
    from jianguan.core import periodic

    job = next(j for j in periodic.jobs() if j.name == "ledger.sign_head")
    append(2)
    assert job.run() == 2
    assert TreeHead.objects.get().tree_size == 2


def test_keygen_rotation_keeps_old_heads_verifiable(client, append, settings, tmp_path):
    settings.LEDGER_SIGNING_KEY = str(tmp_path / "keys" / "ledger.pem")
    out = io.StringIO()
    call_command("ledger_keygen", stdout=out)
    assert "已创建" in out.getvalue()
    call_command("ledger_keygen", stdout=out)
    assert "已存在" in out.getvalue()
    private_before = (tmp_path / "keys" / "ledger.pem").read_bytes()

    append(3)
    old_head = tree_head_sign()
    call_command("ledger_keygen", "--rotate", stdout=io.StringIO())
    assert (tmp_path / "keys" / "ledger.pem").read_bytes() != private_before
    retired = list((tmp_path / "keys" / "retired").glob("*.pem"))
    assert [p.read_bytes() for p in retired] == [private_before]
    append(2)
    new_head = tree_head_sign()
    assert new_head.key_id != old_head.key_id

    keys = {k["key_id"]: k for k in client.get("/api/v1/ledger/keys").json()["keys"]}
    assert set(keys) == {old_head.key_id, new_head.key_id}
    old_key, new_key = keys[old_head.key_id], keys[new_head.key_id]
    assert old_key["valid_to"] is not None and new_key["valid_to"] is None
    assert old_key["valid_to"] <= new_key["valid_from"]
    for head, key in ((old_head, old_key), (new_head, new_key)):
        served = head.as_dict()
        assert signing.verify_head(key["public_key"], key["sig_alg"], served, served["signature"])
        assert selectors.head_signature_ok(head)
        assert key["valid_from"] <= head.timestamp
    assert old_head.timestamp <= old_key["valid_to"]
    # The old head does not verify under the new key: rotation is real.
    assert not signing.verify_head(
        new_key["public_key"], "ed25519", old_head.as_dict(), old_head.signature
    )
    assert audit()["heads"] == 2
    code, output = verify_bundle(export(tmp_path))
    assert code == 0, output


# --- export and audit of an honest log ---------------------------------------------------------


def test_untampered_export_verifies_offline(append, tmp_path, regulator):
    append(4)
    tree_head_sign()
    append(3)  # not yet signed: the export signs first, so the bundle covers all 7
    path = export(tmp_path)
    bundle = json.loads(path.read_text())
    assert bundle["format"] == verify.BUNDLE_FORMAT and bundle["hash_alg"] == "sm3"
    size = LedgerState.objects.get(pk=1).tree_size
    assert [e["index"] for e in bundle["entries"]] == list(range(size))
    assert bundle["heads"][-1]["tree_size"] == size
    first = bundle["entries"][0]
    assert base64.b64decode(first["leaf_input"]) == bytes(
        LedgerEntry.objects.get(index=0).leaf_input
    )
    assert len(bundle["keys"]) == 1
    code, output = verify_bundle(path)
    assert code == 0, output
    assert "RESULT: OK" in output


def test_export_without_signing_stops_at_the_latest_head(append, tmp_path):
    append(4)
    tree_head_sign()
    append(3)
    bundle = json.loads(export(tmp_path, "b.json", "--no-sign").read_text())
    assert len(bundle["entries"]) == 4 and [h["tree_size"] for h in bundle["heads"]] == [4]
    assert verify_bundle(tmp_path / "b.json")[0] == 0


def test_export_without_a_signing_key_uses_the_latest_head(append, tmp_path, settings):
    append(3)
    tree_head_sign()
    append(2)
    settings.LEDGER_SIGNING_KEY = str(tmp_path / "absent.pem")
    err = io.StringIO()
    call_command("ledger_export", str(tmp_path / "b.json"), stdout=io.StringIO(), stderr=err)
    assert "未签发新树头" in err.getvalue()
    bundle = json.loads((tmp_path / "b.json").read_text())
    assert len(bundle["entries"]) == 3
    assert verify_bundle(tmp_path / "b.json")[0] == 0


def test_one_edited_byte_of_the_bundle_fails(append, tmp_path):
    sign_each(append, 6)
    path = export(tmp_path)
    bundle = json.loads(path.read_text())
    leaf = bytearray(base64.b64decode(bundle["entries"][4]["leaf_input"]))
    leaf[leaf.index(b'"i":0') + 4] = ord("7")
    bundle["entries"][4]["leaf_input"] = base64.b64encode(bytes(leaf)).decode()
    path.write_text(json.dumps(bundle))
    code, output = verify_bundle(path)
    assert code == 1
    assert "first failing index: 4" in output


def test_audit_of_an_honest_log(append):
    sign_each(append, 5)
    append(40)
    tree_head_sign()
    result = audit()
    assert result["status"] == "ok" and result["entries"] == 45 and result["heads"] == 6
    assert result["root_hash"] == current_tree().root.hex()


def test_audit_of_an_empty_log(db):
    assert audit()["entries"] == 0
    tree_head_sign()
    assert audit()["heads"] == 1


def test_audit_reads_across_chunks(append, monkeypatch):
    from jianguan.ledger.management.commands import ledger_audit

    monkeypatch.setattr(ledger_audit, "CHUNK", 7)
    for _ in range(5):
        append(9)
        tree_head_sign()
    assert audit()["entries"] == 45


def test_audit_exits_non_zero_from_the_command_line(append):
    sign_each(append, 3)
    drop_guard("ledger_ledgerentry")
    raw_update("ledger_ledgerentry", "leaf_input", b"{}", 1)
    with pytest.raises(SystemExit) as info:
        AuditCommand().run_from_argv(["manage.py", "ledger_audit"])
    assert info.value.code == 1


# --- tampering ---------------------------------------------------------------------------------


def _edit_payload(index: int) -> bytes:
    """Rewrite entry `index`'s payload in place, as someone with database access would."""
    data = bytes(LedgerEntry.objects.get(index=index).leaf_input)
    edited = canonical_json({**json.loads(data), "payload": {"i": 999}})
    assert edited != data
    drop_guard("ledger_ledgerentry")
    raw_update("ledger_ledgerentry", "leaf_input", edited, index)
    assert bytes(LedgerEntry.objects.get(index=index).leaf_input) == edited
    return edited


def test_an_edited_payload_is_found_by_the_audit_and_the_verifier(append, tmp_path):
    append(8)
    tree_head_sign()
    before = audit()
    _edit_payload(3)

    message = audit_error()
    assert re.search(r"序号 3 的叶哈希", message), message

    code, output = verify_bundle(export(tmp_path))
    assert code == 1, output
    assert "FAIL index 3:" in output and "first failing index: 3" in output
    # The server-side view of the signed head is unchanged: the edit cannot re-sign history.
    assert TreeHead.objects.get().root_hash == before["root_hash"]


def test_a_leaf_rewritten_with_its_stored_hash_is_still_named(append, tmp_path):
    """A more careful forger also fixes the stored leaf hash: the parent node and the signed
    heads give it away, and heads one apart pin the index."""
    sign_each(append, 8)
    edited = _edit_payload(3)
    drop_guard("ledger_ledgernode")
    raw_update("ledger_ledgernode", "hash", merkle.leaf_hash(edited, "sm3"), 3, key="key")

    message = audit_error()
    assert "序号 2 至 3 的子树节点（层 1）" in message and message.endswith("序号 3"), message

    code, output = verify_bundle(export(tmp_path))
    assert code == 1
    assert "first failing index: 3" in output, output


def test_a_deleted_entry_is_a_named_gap(append):
    sign_each(append, 5)
    drop_guard("ledger_ledgerentry")
    with connection.cursor() as cursor:
        cursor.execute('DELETE FROM ledger_ledgerentry WHERE "index" = 2')
    assert "序号 2 缺失" in audit_error()


def test_an_edited_index_column_is_found(append):
    """Search and visibility use the columns; they must agree with the hashed leaf."""
    (entry,) = append(1)
    drop_guard("ledger_ledgerentry")
    raw_update("ledger_ledgerentry", "object_id", "999999", entry.index)
    assert f"序号 {entry.index} 的索引列" in audit_error()


def test_an_edited_entry_time_is_found(append):
    entries = append(2)
    drop_guard("ledger_ledgerentry")
    LedgerEntry.objects.filter(pk=entries[1].pk).update(time=entries[0].time.replace(year=2020))
    assert "序号 1 的索引列" in audit_error()


def test_a_forged_head_is_found(append):
    append(3)
    head = tree_head_sign()
    drop_guard("ledger_treehead")
    TreeHead.objects.filter(pk=head.pk).update(root_hash="ab" * 32)
    assert "树头签名无效" in audit_error()


def test_a_rewritten_first_leaf_is_pinned_by_the_first_head(append):
    """Leaf 0 and its stored hash rewritten: the head of size 1 (its root is that leaf hash)
    no longer matches, before the parent node is even reached."""
    sign_each(append, 4)
    edited = _edit_payload(0)
    drop_guard("ledger_ledgernode")
    raw_update("ledger_ledgernode", "hash", merkle.leaf_hash(edited, "sm3"), 0, key="key")
    message = audit_error()
    assert "树头 tree_size=1" in message and message.endswith("序号 0"), message


def test_a_corrupted_frontier_is_found(append):
    append(5)
    state = LedgerState.objects.get(pk=1)
    key = next(iter(state.frontier))
    LedgerState.objects.filter(pk=1).update(frontier={**state.frontier, key: "00" * 32})
    assert "frontier" in audit_error()


def test_a_stray_node_is_found(append):
    append(4)
    LedgerNode.objects.create(key=LedgerNode.make_key(5, 9), level=5, index=9, hash=b"\0" * 32)
    assert "节点数" in audit_error()


def test_a_head_beyond_the_log_is_found(append):
    append(2)
    head = tree_head_sign()
    drop_guard("ledger_ledgerentry", "ledger_ledgernode")
    with connection.cursor() as cursor:
        cursor.execute('DELETE FROM ledger_ledgerentry WHERE "index" = 1')
        cursor.execute("DELETE FROM ledger_ledgernode WHERE key IN (1, %s)", [1 << 56])
    LedgerState.objects.filter(pk=1).update(tree_size=1)
    assert f"tree_size={head.tree_size} 超出日志长度 1" in audit_error()


def test_signing_key_table_tampering_is_found(append):
    append(1)
    head = tree_head_sign()
    other = signing.public_key_pem(signing.load_private_key(signing.generate_private_key_pem()))
    SigningKey.objects.filter(key_id=head.key_id).update(public_key=other)
    assert "树头签名无效" in audit_error()
