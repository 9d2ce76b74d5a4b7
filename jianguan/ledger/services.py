"""Writing to the log. `record()` runs inside the caller's transaction: the entry exists
if and only if the change it records does.

Sequencing: one row (`LedgerState`) is locked for the append, so indices are gapless even
with many concurrent writers (PostgreSQL row lock; SQLite serialises writers anyway).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

from jianguan.core.actor import Actor
from jianguan.core.timeutil import iso_utc, now
from jianguan.ledger import merkle, signing
from jianguan.ledger.canonical import canonical_json
from jianguan.ledger.keys import load_private, register_public
from jianguan.ledger.models import IssuedDocument, LedgerEntry, LedgerNode, LedgerState, TreeHead

HEAD_MAX_AGE = dt.timedelta(hours=1)  # an idle log still gets a fresh signature hourly
HEAD_MIN_INTERVAL = dt.timedelta(seconds=10)  # on-demand re-signing from /head, at most


class LedgerUsageError(RuntimeError):
    """A programming error: record() outside a transaction, or an unserialisable payload."""


def jsonable(value: Any) -> Any:
    """Make a payload representable in RFC 8785 JSON (no floats for money, no NaN)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        raise LedgerUsageError("浮点数不能写入存证：金额请使用 Decimal")
    if isinstance(value, dt.datetime):
        return iso_utc(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, models.Model):
        return {"model": value._meta.label_lower, "id": str(value.pk)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    raise LedgerUsageError(f"无法写入存证的数据类型：{type(value).__name__}")


def _file_refs(files: Iterable[Any]) -> list[dict[str, str]]:
    refs = []
    for item in files:
        if isinstance(item, Mapping):
            refs.append({"name": str(item["name"]), "sm3": str(item["sm3"]).lower()})
            continue
        name, content = item
        digest = hashlib.new("sm3")
        if isinstance(content, bytes | bytearray):
            digest.update(content)
        else:
            while chunk := content.read(1 << 20):
                digest.update(chunk)
            if hasattr(content, "seek"):
                content.seek(0)
        refs.append({"name": str(name), "sm3": digest.hexdigest()})
    return refs


def _frontier_map(state: LedgerState) -> dict[tuple[int, int], bytes]:
    out = {}
    for key, value in state.frontier.items():
        level, index = key.split(":")
        out[(int(level), int(index))] = bytes.fromhex(value)
    return out


def _locked_state() -> LedgerState:
    state = LedgerState.objects.select_for_update().filter(pk=1).first()
    if state is None:
        LedgerState.objects.get_or_create(pk=1, defaults={"hash_alg": settings.LEDGER_HASH_ALG})
        state = LedgerState.objects.select_for_update().get(pk=1)
    return state


def record(
    *,
    actor: Actor,
    type: str,
    obj: models.Model,
    payload: Mapping[str, Any],
    files: Iterable[Any] = (),
) -> LedgerEntry:
    """Append one entry describing a decision about `obj`, in the caller's transaction."""
    return record_many(actor=actor, items=[(type, obj, payload, files)])[0]


def record_many(
    *,
    actor: Actor,
    items: Iterable[tuple[str, models.Model, Mapping[str, Any], Iterable[Any]]],
) -> list[LedgerEntry]:
    """Append one entry per ``(type, obj, payload, files)``, in order, in the caller's
    transaction: the same entries as that many ``record()`` calls, but one lock, one read of
    the frontier and one insert of the entries and of the nodes (loading the rule data writes
    a few hundred entries at once)."""
    if not transaction.get_connection().in_atomic_block:
        raise LedgerUsageError("ledger.record() 必须在业务服务的事务内调用")
    max_type = LedgerEntry._meta.get_field("type").max_length
    org = actor.organisation
    actor_ref = {
        "user": actor.username or None,
        "organisation": getattr(org, "credit_code", None) if org is not None else None,
    }
    prepared = []
    for type, obj, payload, files in items:
        if obj.pk is None:
            raise LedgerUsageError("存证对象尚未保存")
        if not isinstance(type, str) or not type or len(type) > max_type:
            raise LedgerUsageError(f"事件类型必须是 1 到 {max_type} 个字符的字符串")
        obj_ref = {"app": obj._meta.app_label, "model": obj._meta.model_name, "id": str(obj.pk)}
        prepared.append((type, obj_ref, jsonable(dict(payload)), _file_refs(files)))
    if not prepared:
        return []
    # Lock first, then read the clock: entry times never go backwards along the index.
    state = _locked_state()
    time = now()
    alg = state.hash_alg
    index = state.tree_size
    frontier = _frontier_map(state)
    entries, nodes = [], []
    for type, obj_ref, body, refs in prepared:
        document = {
            "type": type,
            "object": obj_ref,
            "actor": actor_ref,
            "time": iso_utc(time),
            "payload": body,
            "files": refs,
        }
        try:
            leaf_input = canonical_json(document)
        except ValueError as exc:  # e.g. an integer beyond 2**53, which JSON cannot carry
            raise LedgerUsageError(f"存证内容无法规范化为 RFC 8785 JSON：{exc}") from exc
        new_nodes = merkle.append_nodes(index, merkle.leaf_hash(leaf_input, alg), frontier, alg)
        for lv, ix, h in new_nodes:
            frontier[(lv, ix)] = h
        nodes.extend(new_nodes)
        entries.append(
            LedgerEntry(
                index=index,
                leaf_input=leaf_input,
                type=type,
                object_app=obj_ref["app"],
                object_model=obj_ref["model"],
                object_id=obj_ref["id"],
                actor_user=actor_ref["user"] or "",
                actor_organisation=actor_ref["organisation"] or "",
                time=time,
            )
        )
        index += 1
    entries = LedgerEntry.objects.bulk_create(entries)
    LedgerNode.objects.bulk_create(
        LedgerNode(key=LedgerNode.make_key(lv, ix), level=lv, index=ix, hash=h)
        for lv, ix, h in nodes
    )
    state.tree_size = index
    state.frontier = {
        f"{lv}:{ix}": frontier[(lv, ix)].hex() for lv, ix in merkle.perfect_subtrees(0, index)
    }
    state.save(update_fields=["tree_size", "frontier"])
    return entries


@dataclass(frozen=True)
class TreeState:
    size: int
    root: bytes
    hash_alg: str


def current_tree() -> TreeState:
    state = LedgerState.objects.filter(pk=1).first()
    if state is None:
        alg = settings.LEDGER_HASH_ALG
        return TreeState(0, merkle.empty_root(alg), alg)
    root = merkle.root_hash(state.tree_size, _frontier_map(state), state.hash_alg)
    return TreeState(state.tree_size, root, state.hash_alg)


def latest_head() -> TreeHead | None:
    return TreeHead.objects.order_by("-id").first()


def tree_head_sign(*, force: bool = False) -> TreeHead:
    """Sign the current tree head unless the latest head already covers it and is fresh."""
    with transaction.atomic():
        state = _locked_state()
        last = latest_head()
        fresh = last is not None and now() - last.created_at < HEAD_MAX_AGE
        if last is not None and last.tree_size == state.tree_size and fresh and not force:
            return last
        private = load_private()
        register_public(private)
        root = merkle.root_hash(state.tree_size, _frontier_map(state), state.hash_alg)
        head = signing.make_head(state.tree_size, root, now(), state.hash_alg)
        signature, kid, sig_alg = signing.sign_head(private, head)
        return TreeHead.objects.create(
            tree_size=head["tree_size"],
            root_hash=head["root_hash"],
            timestamp=head["timestamp"],
            hash_alg=head["hash_alg"],
            signature=signature,
            key_id=kid,
            sig_alg=sig_alg,
        )


def head_for_serving() -> TreeHead:
    """The head `/head` serves: re-signed when the log has grown since the last one.

    `/head` is public, so an anonymous GET must not be a way to make the server sign and
    store a head per request while the log grows: on demand it re-signs at most once per
    HEAD_MIN_INTERVAL (the periodic job and `ledger_sign` are not throttled).
    """
    last = latest_head()
    if last is not None:
        state = LedgerState.objects.filter(pk=1).only("tree_size").first()
        size = state.tree_size if state else 0
        age = now() - last.created_at
        if age < HEAD_MAX_AGE and (last.tree_size == size or age < HEAD_MIN_INTERVAL):
            return last
    try:
        return tree_head_sign()
    except ImproperlyConfigured:  # no signing key here: the last signed head is still true
        if last is None:
            raise
        return last


# Crockford's base32 (no I, L, O, U): read off paper without confusing 1/I or 0/O.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 random bits: not guessable, short enough to type from a printout
DOCUMENT_ISSUED = "document.issued"


def document_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def document_url(code: str) -> str:
    from django.urls import reverse

    return settings.PUBLIC_BASE_URL + reverse("documents:verify", args=[code])


def sm3_hex(content: bytes) -> str:
    return hashlib.new("sm3", content).hexdigest()


def document_issue(
    *,
    actor: Actor,
    obj: models.Model,
    kind: str,
    kind_label: str,
    title: str,
    issuer: str,
    signer: str,
    render: Callable[[Any], bytes],
) -> tuple[IssuedDocument, bytes]:
    """The PDF of `obj`'s document of `kind`, sealed (QR code, short URL, issuer and signer)
    and recorded: its SM3 on the ledger, in the same transaction as the IssuedDocument row.

    `render(seal)` builds the bytes; rendering is deterministic (core.pdf), so the latest
    issue is rendered again with its own seal first: the same bytes mean the same document
    (downloading a notice twice is not two notices), while changed content (a new status, a
    new signer) is a new issue with a new code. The code exists before the bytes, because the
    bytes carry it; the recorded SM3 is of the final bytes.
    """
    from jianguan.core.pdf import Seal

    ref = {
        "object_app": obj._meta.app_label,
        "object_model": obj._meta.model_name,
        "object_id": str(obj.pk),
    }
    last = IssuedDocument.objects.filter(kind=kind, **ref).order_by("-id").first()
    if last is not None and (last.title, last.issuer, last.signer) == (title, issuer, signer):
        seal = Seal(last.code, document_url(last.code), last.issued_at, issuer, signer)
        content = render(seal)
        if sm3_hex(content) == last.sm3:
            return last, content
    code, issued_at = document_code(), now()
    # Rendered before the transaction: SQLite has one writer, and the PDF needs no lock.
    content = render(Seal(code, document_url(code), issued_at, issuer, signer))
    digest = sm3_hex(content)
    with transaction.atomic():
        entry = record(
            actor=actor,
            type=DOCUMENT_ISSUED,
            obj=obj,
            payload={
                "code": code,
                "kind": kind,
                "title": title,
                "issuer": issuer,
                "signer": signer,
                "sm3": digest,
                "size": len(content),
            },
            files=[{"name": f"{kind_label}.pdf", "sm3": digest}],
        )
        document = IssuedDocument.objects.create(
            code=code,
            kind=kind,
            kind_label=kind_label,
            title=title,
            issuer=issuer,
            signer=signer,
            sm3=digest,
            size=len(content),
            entry_index=entry.index,
            issued_at=issued_at,
            **ref,
        )
    return document, content
