"""The evaluation method set before publication (frozen with it) and the random 下浮系数 K:
committed on the ledger when the opening starts, revealed when it ends."""

from __future__ import annotations

import secrets

from django.db import transaction

from jianguan.core.actor import SYSTEM, Actor
from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.core.timeutil import iso_utc, now
from jianguan.ledger.services import record
from jianguan.tendering import workflow
from jianguan.tendering.evaluation import config as cfg
from jianguan.tendering.evaluation import price_score
from jianguan.tendering.models import Tender
from jianguan.tendering.services.common import require_manager


def parsed(tender: Tender) -> cfg.EvaluationConfig:
    return cfg.parse(tender.evaluation_config or None)


@transaction.atomic
def tender_evaluation_set(*, actor: Actor, tender: Tender, config: dict) -> Tender:
    """Only while the tender is a draft: parameters change nothing after publication."""
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    require_manager(actor, tender)
    if tender.status != workflow.Status.DRAFT:
        raise Conflict("评标办法及参数已随招标文件发布，不得变更", code="evaluation_frozen")
    try:
        parsed_config = cfg.parse(config)
    except cfg.ConfigError as exc:
        raise ValidationFailed(str(exc), code=exc.code) from None
    tender.evaluation_config = parsed_config.raw
    tender.evaluation_method = parsed_config.method
    tender.save(update_fields=["evaluation_config", "evaluation_method", "updated_at"])
    record(
        actor=actor,
        type="tendering.evaluation_set",
        obj=tender,
        payload={"code": tender.code, "config": parsed_config.raw, "digest": parsed_config.digest},
    )
    return tender


def k_commit(tender: Tender, actor: Actor = SYSTEM) -> None:
    """At the start of the opening (in its transaction): draw the seed, commit to K."""
    config = parsed(tender)
    if config.price is None or not config.price.k_set or tender.k_commitment:
        return
    seed = secrets.token_bytes(32)
    at = iso_utc(now())
    tender.k_seed_hex = seed.hex()
    tender.k_commitment = price_score.k_commitment(config.price.k_set, seed.hex(), at)
    tender.save(update_fields=["k_seed_hex", "k_commitment", "updated_at"])
    record(
        actor=actor,
        type="tendering.k_committed",
        obj=tender,
        payload={
            "code": tender.code,
            "k_set": [str(k) for k in config.price.k_set],
            "commitment": tender.k_commitment,
            "at": at,
        },
    )


def k_reveal(tender: Tender, actor: Actor = SYSTEM) -> None:
    """When the opening ends: K from the committed seed; the seed is published to check it."""
    config = parsed(tender)
    if not tender.k_commitment or tender.k_value is not None:
        return
    tender.k_value = price_score.draw_k(config.price.k_set, bytes.fromhex(tender.k_seed_hex))
    tender.save(update_fields=["k_value", "updated_at"])
    record(
        actor=actor,
        type="tendering.k_revealed",
        obj=tender,
        payload={
            "code": tender.code,
            "k": tender.k_value,
            "seed": tender.k_seed_hex,
            "commitment": tender.k_commitment,
        },
    )
