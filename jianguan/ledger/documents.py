"""Reads for the public verification page of issued documents (扫码验真): the document's
row, its ledger entry, and the entry's inclusion proof checked against the signed tree head.

Everything here is public by design: it says no more than the printed document says (kind,
title, issuer, signer, its SM3, its entry index). The entry's own payload is read only to
check that it carries the same code and SM3 as the row; it is not shown.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

from jianguan.core.errors import NotFound
from jianguan.ledger import merkle, selectors, services
from jianguan.ledger.models import IssuedDocument, LedgerEntry, TreeHead

MAX_UPLOAD = 20 * 1024 * 1024  # generated documents are tens of kilobytes; a scan is not one
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


def normalise_code(code: str) -> str:
    """A code as typed from paper: case, O/0, I/L/1 and separators forgiven."""
    return (code or "").strip().upper().translate(_CONFUSABLE)


@dataclass
class Verification:
    document: IssuedDocument
    entry_matches: bool  # the ledger entry names this code and this SM3
    head: TreeHead | None
    head_signature_ok: bool = False
    included: bool = False  # inclusion proof checks against the signed head's root
    leaf_hash: str = ""
    proof: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return self.entry_matches and self.head_signature_ok and self.included


def document_by_code(code: str) -> IssuedDocument:
    normal = normalise_code(code)
    document = (
        IssuedDocument.objects.filter(code=normal).first()
        if len(normal) == services.CODE_LENGTH
        else None
    )
    if document is None:
        raise NotFound("验证码不存在：请核对文书上的验证码或重新扫码", code="document_not_found")
    return document


def verify(document: IssuedDocument) -> Verification:
    entry = LedgerEntry.objects.filter(index=document.entry_index).first()
    payload = json.loads(bytes(entry.leaf_input)).get("payload", {}) if entry else {}
    matches = (
        entry is not None
        and entry.type == services.DOCUMENT_ISSUED
        and payload.get("code") == document.code
        and payload.get("sm3") == document.sm3
    )
    try:
        head = services.head_for_serving()
    except ImproperlyConfigured:  # no signing key here and nothing signed yet
        head = None
    result = Verification(document=document, entry_matches=matches, head=head)
    if entry is None or head is None:
        return result
    result.head_signature_ok = selectors.head_signature_ok(head)
    leaf = merkle.leaf_hash(bytes(entry.leaf_input), head.hash_alg)
    result.leaf_hash = leaf.hex()
    if entry.index < head.tree_size:
        path = selectors.inclusion_proof(index=entry.index, tree_size=head.tree_size)
        result.proof = [p.hex() for p in path]
        result.included = merkle.verify_inclusion(
            head.hash_alg, leaf, entry.index, head.tree_size, path, bytes.fromhex(head.root_hash)
        )
    return result


def file_sm3(upload) -> str:
    """SM3 of an uploaded file, read in chunks and kept nowhere."""
    digest = hashlib.new("sm3")
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()
