"""Public ledger interfaces (documented in the README; outside scripts rely on them)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja import Router, Schema

from jianguan.core.api_schemas import ErrorOut
from jianguan.core.errors import DomainError, ValidationFailed
from jianguan.ledger import selectors, services
from jianguan.ledger.models import SigningKey

router = Router(tags=["可信存证"])


class HeadOut(Schema):
    tree_size: int
    root_hash: str
    timestamp: str
    hash_alg: str
    signature: str
    key_id: str
    sig_alg: str


class EntryOut(Schema):
    index: int
    leaf_input: str
    entry: dict[str, Any]


class EntryWithheldOut(Schema):
    """An entry the actor may not read (embargoed or simply not visible): its leaf hash only,
    enough to check its inclusion proof; never its leaf input or content."""

    index: int
    withheld: bool
    leaf_hash: str
    message: str


class InclusionOut(Schema):
    index: int
    tree_size: int
    audit_path: list[str]


class ConsistencyOut(Schema):
    first: int
    second: int
    consistency_path: list[str]


class KeyOut(Schema):
    key_id: str
    sig_alg: str
    public_key: str
    valid_from: str
    valid_to: str | None


class KeysOut(Schema):
    keys: list[KeyOut]


ERR = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
LIMIT = 2**62


_INTEGER = re.compile(r"-?[0-9]{1,19}")


def _int(name: str, raw: str | None) -> int:
    """Parse by hand so that every bad value is a 400 with our error shape.

    ASCII digits only: ``str.isdigit`` also accepts "²" or "١", which ``int()`` then
    rejects or reads differently (that was a 500), and "--5" slipped past ``lstrip("-")``.
    """
    if raw is None or raw.strip() == "":
        raise ValidationFailed(
            f"缺少参数 {name}", code="missing_parameter", details={"parameter": name}
        )
    text = raw.strip()
    if not _INTEGER.fullmatch(text):
        raise ValidationFailed(
            f"参数 {name} 必须是十进制整数",
            code="bad_integer",
            details={"parameter": name, "value": raw[:40]},
        )
    value = int(text)
    if value < 0 or value > LIMIT:
        raise ValidationFailed(
            f"参数 {name} 超出范围：应在 0 到 {LIMIT} 之间",
            code="out_of_range",
            details={"parameter": name, "value": raw[:40]},
        )
    return value


class LedgerUnsigned(DomainError):
    status = 503
    code = "ledger_unsigned"


@router.get("/head", response={200: HeadOut, 503: ErrorOut}, auth=None, summary="最新签名树头")
def head(request: HttpRequest):
    try:
        return services.head_for_serving().as_dict()
    except ImproperlyConfigured as exc:
        raise LedgerUnsigned("尚无签名树头：服务器未配置存证签名私钥", details=str(exc)) from exc


@router.get("/keys", response={200: KeysOut}, auth=None, summary="树头签名公钥")
def keys(request: HttpRequest):
    from jianguan.core.timeutil import iso_utc

    return {
        "keys": [
            {
                "key_id": k.key_id,
                "sig_alg": k.sig_alg,
                "public_key": k.public_key,
                "valid_from": iso_utc(k.valid_from),
                "valid_to": iso_utc(k.valid_to) if k.valid_to else None,
            }
            for k in SigningKey.objects.order_by("valid_from")
        ]
    }


@router.get(
    "/entries/{index}", response={200: EntryOut | EntryWithheldOut, **ERR}, summary="存证记录"
)
def entry(request: HttpRequest, index: str):
    item = selectors.entry_read(actor=request.actor, index=_int("index", index))
    if item.withheld:
        return EntryWithheldOut(
            index=item.entry.index,
            withheld=True,
            leaf_hash=item.leaf_hash_hex(),
            message=item.message,
        )
    return EntryOut(
        index=item.entry.index,
        leaf_input=selectors.entry_leaf_b64(item.entry),
        entry=selectors.entry_document(item.entry),
    )


@router.get(
    "/proof/inclusion", response={200: InclusionOut, **ERR}, auth=None, summary="包含性证明"
)
def proof_inclusion(request: HttpRequest, index: str | None = None, tree_size: str | None = None):
    i, n = _int("index", index), _int("tree_size", tree_size)
    path = selectors.inclusion_proof(index=i, tree_size=n)
    return {"index": i, "tree_size": n, "audit_path": [h.hex() for h in path]}


@router.get(
    "/proof/consistency", response={200: ConsistencyOut, **ERR}, auth=None, summary="一致性证明"
)
def proof_consistency(request: HttpRequest, first: str | None = None, second: str | None = None):
    m, n = _int("first", first), _int("second", second)
    path = selectors.consistency_proof(first=m, second=n)
    return {"first": m, "second": n, "consistency_path": [h.hex() for h in path]}
