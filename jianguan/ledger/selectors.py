"""Reads of the log: entries visible to an actor, proofs, history of one object."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet

from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, PermissionDenied, ValidationFailed
from jianguan.ledger import merkle, merkle_consistency, signing
from jianguan.ledger.models import LedgerEntry, LedgerNode, LedgerState, SigningKey, TreeHead
from jianguan.ledger.visibility import entry_access, withhold

MAX_INDEX = 2**55


def _tree_size() -> tuple[int, str]:
    # values_list: the frontier JSON in the same row is not needed for a proof.
    row = LedgerState.objects.filter(pk=1).values_list("tree_size", "hash_alg").first()
    return row if row else (0, settings.LEDGER_HASH_ALG)


def fetch_nodes(ids: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    if not ids:
        return {}
    keys = [LedgerNode.make_key(lv, ix) for lv, ix in ids]
    rows = LedgerNode.objects.filter(key__in=keys).values_list("level", "index", "hash")
    return {(lv, ix): bytes(h) for lv, ix, h in rows}


def inclusion_proof(*, index: int, tree_size: int) -> list[bytes]:
    size, alg = _tree_size()
    details = {"index": index, "tree_size": tree_size, "log_size": size}
    if tree_size < 1 or tree_size > size:
        message = (
            "日志为空，尚无包含性证明"
            if size == 0
            else f"tree_size 超出范围：应在 1 到 {size} 之间"
        )
        raise ValidationFailed(message, code="bad_tree_size", details=details)
    if index < 0 or index >= tree_size:
        raise ValidationFailed(
            "index 必须小于 tree_size 且不能为负", code="bad_index", details=details
        )
    need = merkle.inclusion_proof_nodes(index, tree_size)
    return merkle.inclusion_proof(index, tree_size, fetch_nodes(need), alg)


def consistency_proof(*, first: int, second: int) -> list[bytes]:
    size, alg = _tree_size()
    details = {"first": first, "second": second, "log_size": size}
    if second > size:
        raise ValidationFailed(f"second 超出日志大小 {size}", code="bad_tree_size", details=details)
    if first < 1:
        raise ValidationFailed(
            "first 必须大于 0（空树无需一致性证明）", code="bad_tree_size", details=details
        )
    if first > second:
        raise ValidationFailed("first 不能大于 second", code="bad_tree_size", details=details)
    need = merkle_consistency.consistency_proof_nodes(first, second)
    return merkle_consistency.consistency_proof(first, second, fetch_nodes(need), alg)


def _entry_at(index: int) -> LedgerEntry:
    if index < 0 or index > MAX_INDEX:
        raise NotFound("存证记录不存在", code="entry_not_found")
    entry = LedgerEntry.objects.filter(index=index).first()
    if entry is None:
        raise NotFound("存证记录不存在", code="entry_not_found")
    return entry


@dataclass(frozen=True)
class EntryRead:
    """One entry as an actor may read it: the content, or only its leaf hash and why."""

    entry: LedgerEntry
    withheld: bool
    message: str = ""

    def leaf_hash_hex(self) -> str:
        return merkle.leaf_hash(bytes(self.entry.leaf_input), _tree_size()[1]).hex()


def entry_read(*, actor: Actor, index: int) -> EntryRead:
    """An entry for a signed-in actor: its content where the actor may read it (the object's
    rule or ledger.view_all, and no embargo), else withheld (leaf hash only, which public
    audit paths reveal anyway) so that a verifier can still prove it is in the log."""
    if not actor.is_authenticated:
        raise PermissionDenied("请先登录", code="unauthenticated")
    entry = _entry_at(index)
    readable, message = entry_access(actor, entry)
    return EntryRead(entry, not readable, message)


def entry_get_visible_to(*, actor: Actor, index: int) -> LedgerEntry:
    item = entry_read(actor=actor, index=index)
    if item.withheld:
        raise PermissionDenied(item.message, code="permission_denied")
    return item.entry


def entry_document(entry: LedgerEntry) -> dict[str, Any]:
    return json.loads(bytes(entry.leaf_input))


def entry_leaf_b64(entry: LedgerEntry) -> str:
    return base64.b64encode(bytes(entry.leaf_input)).decode("ascii")


def entries_for_object(obj: models.Model) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(
        object_app=obj._meta.app_label, object_model=obj._meta.model_name, object_id=str(obj.pk)
    ).order_by("index")


def entries_done_by(*, actor: Actor, limit: int = 10) -> list[LedgerEntry]:
    """What the actor itself did, newest first (已办): its own entries are never withheld
    from it, whatever embargo holds them from others."""
    if not actor.user_id:
        return []
    return list(LedgerEntry.objects.filter(actor_user=actor.username).order_by("-index")[:limit])


def entries_search(
    *,
    actor: Actor,
    object_app: str = "",
    object_model: str = "",
    object_id: str = "",
    type: str = "",
) -> QuerySet[LedgerEntry]:
    if not actor.can("ledger.view_all"):
        raise PermissionDenied("无权查看全部存证记录", code="permission_denied")
    qs = LedgerEntry.objects.all().order_by("-index")
    if object_app:
        qs = qs.filter(object_app=object_app)
    if object_model:
        qs = qs.filter(object_model=object_model)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if type:
        qs = qs.filter(type__startswith=type)
    # Embargoes hold even against ledger.view_all: each is a subquery of this one query.
    return withhold(qs, actor)


@dataclass(frozen=True)
class VerifiedEntry:
    entry: LedgerEntry
    document: dict[str, Any]
    verified: bool


def head_signature_ok(head: TreeHead) -> bool:
    key = SigningKey.objects.filter(key_id=head.key_id).first()
    if key is None:
        return False
    head_dict = {k: getattr(head, k) for k in signing.HEAD_FIELDS}
    return signing.verify_head(key.public_key, head.sig_alg, head_dict, head.signature)


def history_verified(
    obj: models.Model, head: TreeHead | None, *, actor: Actor | None = None
) -> list[VerifiedEntry]:
    """Entries of `obj` (less those embargoed from `actor`, when given: the page showing the
    panel already decided that the actor may see `obj`), each checked on the server by an
    inclusion proof to the signed head.

    The leaf hash is recomputed from the stored leaf input, the audit path built from the
    stored nodes (all of them fetched in one query) and checked against the head's signed
    root; anything missing or inconsistent simply leaves the entry unverified ("待签").
    """
    qs = entries_for_object(obj)
    entries = list(withhold(qs, actor) if actor is not None else qs)
    if not entries:
        return []
    size = head.tree_size if head is not None else 0
    covered = [e for e in entries if e.index < size]
    ok_indices: set[int] = set()
    if covered and head_signature_ok(head):
        root = bytes.fromhex(head.root_hash)
        need = {n for e in covered for n in merkle.inclusion_proof_nodes(e.index, size)}
        nodes = fetch_nodes(list(need))
        for entry in covered:
            try:
                path = merkle.inclusion_proof(entry.index, size, nodes, head.hash_alg)
            except (KeyError, ValueError):
                continue
            leaf = merkle.leaf_hash(bytes(entry.leaf_input), head.hash_alg)
            if merkle.verify_inclusion(head.hash_alg, leaf, entry.index, size, path, root):
                ok_indices.add(entry.index)
    return [
        VerifiedEntry(entry, json.loads(bytes(entry.leaf_input)), entry.index in ok_indices)
        for entry in entries
    ]
