"""Shared pieces of the tendering services: rule numbers, refusals, numbering, status moves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings

from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.core.timeutil import SHANGHAI
from jianguan.ledger.services import record
from jianguan.rules.lookup import rule
from jianguan.tendering import access, workflow
from jianguan.tendering.models import Bid, Tender


def refuse(exc: workflow.TenderRuleError, conflict: bool = False):
    details = {"article": exc.article} if exc.article else None
    cls = Conflict if conflict else ValidationFailed
    return cls(str(exc), code=exc.code, details=details)


def wf(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except workflow.TenderRuleError as exc:
        raise refuse(exc) from None


def violations_error(violations: list[workflow.Violation]) -> ValidationFailed:
    first = violations[0]
    return ValidationFailed(
        "；".join(str(v) for v in violations),
        code=first.code,
        details={"violations": [vars(v) for v in violations]},
    )


def periods(on: dt.date) -> workflow.Periods:
    def r(code):
        return rule(code, on=on)

    docs, sale = r("tender.documents_to_deadline_min"), r("tender.document_sale_min")
    clar, obj = (
        r("clarification.before_bid_deadline_min"),
        r("objection.tender_documents_before_deadline"),
    )
    bidders = r("bidders.min")
    return workflow.Periods(
        documents_to_deadline_days=int(docs.value),
        documents_to_deadline_article=docs.reference,
        sale_days=int(sale.value),
        sale_article=sale.reference,
        clarification_days=int(clar.value),
        clarification_article=clar.reference,
        objection_days=int(obj.value),
        objection_article=obj.reference,
        objection_answer_days=int(r("objection.answer_within").value),
        min_bidders=int(bidders.value),
        min_bidders_article=bidders.reference,
    )


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SHANGHAI).date()


def require_manager(actor: Actor, tender: Tender) -> None:
    """The tenderer (owner), or the agency running the tender under an entrustment active
    today, with the manage grant (the one check: `jianguan.tendering.access`)."""
    access.require_manage(actor, tender=tender)


def next_code(year: int) -> str:
    prefix = f"ZB-{year}-"
    last = (
        Tender.objects.filter(code__startswith=prefix)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    return f"{prefix}{(int(last.rsplit('-', 1)[1]) + 1 if last else 1):04d}"


def move(actor: Actor, tender: Tender, target: str, reason: str = "") -> Tender:
    """A status change of a locked tender, with its ledger entry."""
    source = tender.status
    tender.status = wf(workflow.check_transition, source, target)
    if target in (workflow.Status.FAILED, workflow.Status.CANCELLED):
        tender.failed_reason = reason[:500]
    tender.save()
    record(
        actor=actor,
        type="tendering.status_changed",
        obj=tender,
        payload={"code": tender.code, "from": source, "to": target, "reason": reason},
    )
    return tender


def opened_dir(bid: Bid) -> Path:
    return Path(settings.MEDIA_ROOT) / "tendering" / "opened" / str(bid.pk)
