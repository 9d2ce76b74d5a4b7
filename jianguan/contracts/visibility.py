"""Who may read the ledger entries of contract objects, and a contract's whole history with
inclusion proofs (the contract page's 存证记录 tab, its JSON export and the API).

An entry about a contract, a BoQ line, a variation, an acceptance item, a payment claim, a
payment or an evidence file is visible to the regulator and to the contract's parties (the
main contract's parties too, for a subcontract). Reviews have their own, stricter rule
(claims/visibility.py); evidence attached to a review follows the review's rule.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from django.db.models import Q

from jianguan.contracts.claims.selectors import review_visible
from jianguan.contracts.models import (
    AcceptanceItem,
    BoqItem,
    Contract,
    Evidence,
    Payment,
    PaymentClaim,
    Review,
    Variation,
)
from jianguan.contracts.selectors import contract_list_visible_to
from jianguan.core.actor import Actor
from jianguan.ledger import merkle
from jianguan.ledger.models import LedgerEntry, TreeHead
from jianguan.ledger.selectors import fetch_nodes, head_signature_ok
from jianguan.ledger.visibility import can_see, hidden_objects, register, withhold

# model name → how to find the contract id from the object id
CONTRACT_OF = {
    "contract": (Contract, "pk"),
    "boqitem": (BoqItem, "contract_id"),
    "variation": (Variation, "contract_id"),
    "acceptanceitem": (AcceptanceItem, "contract_id"),
    "paymentclaim": (PaymentClaim, "contract_id"),
    "payment": (Payment, "claim__contract_id"),
}


def _pk(object_id: str) -> int | None:
    text = str(object_id or "")
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 2**62 else None


def _sees_contract(actor: Actor, contract_id: int | None) -> bool:
    return contract_id is not None and (
        contract_list_visible_to(actor=actor).filter(pk=contract_id).exists()
    )


def _rule(model_name: str):
    model, path = CONTRACT_OF[model_name]

    def rule(actor: Actor, object_id: str) -> bool:
        pk = _pk(object_id)
        if pk is None:
            return False
        cid = model.objects.filter(pk=pk).values_list(path, flat=True).first()
        return _sees_contract(actor, cid)

    return rule


def _evidence_rule(actor: Actor, object_id: str) -> bool:
    pk = _pk(object_id)
    row = (
        Evidence.objects.filter(pk=pk).values_list("contract_id", "review_id").first()
        if pk
        else None
    )
    if row is None:
        return False
    contract_id, review_id = row
    if review_id is not None:
        return can_see(actor, "contracts", "review", str(review_id))
    return _sees_contract(actor, contract_id)


def register_all() -> None:
    for name in CONTRACT_OF:
        register("contracts", name, _rule(name))
    register("contracts", "evidence", _evidence_rule)


# --- a contract's history --------------------------------------------------------------------


def _ids(qs) -> list[str]:
    return [str(pk) for pk in qs.values_list("pk", flat=True)]


def _visible_keys(
    actor: Actor,
    contract: Contract,
    objects: dict[str, list[str]],
    reviews_of: list[Review],
    evidence_review: dict[str, int],
) -> set[tuple[str, str]]:
    """The (model, id) pairs of the contract's own objects that `can_see` would allow, decided
    per model in a few queries instead of one rule call per object: every object listed here
    belongs to `contract`, so the contract rule is the same for all of them; reviews follow
    their own rule and evidence on a review follows the review. Restrictions (the finance
    review hidden from the auditor) come from `hidden_objects`, the object form of `embargo`."""
    hidden = {(m, i) for _, m, ids in hidden_objects(actor, app="contracts") for i in ids}
    view_all = actor.can("ledger.view_all")
    sees = view_all or (actor.is_authenticated and _sees_contract(actor, contract.pk))
    out: set[tuple[str, str]] = set()
    reviews: dict[str, bool] = {}
    for review in reviews_of:
        rid = str(review.pk)
        if ("review", rid) in hidden:
            reviews[rid] = False
        elif view_all:
            reviews[rid] = True
        else:
            reviews[rid] = bool(sees and review_visible(actor, review))
        if reviews[rid]:
            out.add(("review", rid))
    for model, ids in objects.items():
        if model == "review":
            continue
        for oid in ids:
            key = (model, oid)
            if key in hidden:
                continue
            if view_all:
                out.add(key)
            elif model == "evidence" and oid in evidence_review:
                rid = str(evidence_review[oid])
                if rid in reviews:
                    ok = reviews[rid]
                else:
                    ok = can_see(actor, "contracts", "review", rid)
                if ok and actor.is_authenticated:
                    out.add(key)
            elif sees:
                out.add(key)
    return out


def contract_entries(*, actor: Actor, contract: Contract) -> list[LedgerEntry]:
    """Every ledger entry of the contract and of its variations, claims, reviews, payments,
    acceptance items and evidence that the actor may see, in log order."""
    evidence = list(Evidence.objects.filter(contract=contract).values_list("pk", "review_id"))
    reviews_of = list(
        Review.objects.filter(claim__contract=contract).select_related("claim__contract")
    )
    objects = {
        "contract": [str(contract.pk)],
        "variation": _ids(Variation.objects.filter(contract=contract)),
        "paymentclaim": _ids(PaymentClaim.objects.filter(contract=contract)),
        "review": [str(r.pk) for r in reviews_of],
        "payment": _ids(Payment.objects.filter(claim__contract=contract)),
        "acceptanceitem": _ids(AcceptanceItem.objects.filter(contract=contract)),
        "evidence": [str(pk) for pk, _ in evidence],
    }
    evidence_review = {str(pk): rid for pk, rid in evidence if rid is not None}
    where = Q(pk__in=[])
    for model, ids in objects.items():
        if ids:
            where |= Q(object_model=model, object_id__in=ids)
    entries = withhold(
        LedgerEntry.objects.filter(Q(object_app="contracts") & where), actor, app="contracts"
    ).order_by("index")
    visible = _visible_keys(actor, contract, objects, reviews_of, evidence_review)
    return [e for e in entries if (e.object_model, e.object_id) in visible]


def latest_head() -> TreeHead | None:
    """A signed head covering as much of the log as possible (signed now if a key is here)."""
    from django.core.exceptions import ImproperlyConfigured

    from jianguan.ledger import services

    try:
        return services.head_for_serving()
    except ImproperlyConfigured:
        return services.latest_head()


def with_proofs(entries: list[LedgerEntry], head: TreeHead | None) -> list[dict[str, Any]]:
    """Each entry with its document, its inclusion proof to `head` and whether the proof was
    checked here against the head's signed root (False: not yet covered by a signed head)."""
    size = head.tree_size if head is not None else 0
    covered = [e for e in entries if e.index < size]
    proofs: dict[int, list[bytes]] = {}
    ok: set[int] = set()
    if covered and head_signature_ok(head):
        root = bytes.fromhex(head.root_hash)
        need = {n for e in covered for n in merkle.inclusion_proof_nodes(e.index, size)}
        nodes = fetch_nodes(list(need))
        for e in covered:
            try:
                path = merkle.inclusion_proof(e.index, size, nodes, head.hash_alg)
            except (KeyError, ValueError):
                continue
            proofs[e.index] = path
            leaf = merkle.leaf_hash(bytes(e.leaf_input), head.hash_alg)
            if merkle.verify_inclusion(head.hash_alg, leaf, e.index, size, path, root):
                ok.add(e.index)
    return [
        {
            "index": e.index,
            "type": e.type,
            "time": e.time,
            "leaf_input_b64": base64.b64encode(bytes(e.leaf_input)).decode("ascii"),
            "document": json.loads(bytes(e.leaf_input)),
            "inclusion_proof_b64": [
                base64.b64encode(h).decode("ascii") for h in proofs.get(e.index, [])
            ],
            "verified": e.index in ok,
        }
        for e in entries
    ]


def contract_ledger_export(*, actor: Actor, contract: Contract) -> dict[str, Any]:
    """What an auditor needs to verify a contract's history offline: the signed tree head
    (signature, key id) and every visible entry with its leaf input and inclusion proof."""
    head = latest_head()
    entries = with_proofs(contract_entries(actor=actor, contract=contract), head)
    for item in entries:
        item["time"] = item["time"].isoformat()
    return {
        "contract": {
            "id": contract.pk,
            "number": contract.number,
            "title": contract.title,
            "project": contract.project.code,
        },
        "head": head.as_dict() if head is not None else None,
        "entries": entries,
    }
