"""The state of a ledger entry's object that decides who may read the entry (matrix.toml [[ledger]])."""

from __future__ import annotations

OPENED = {"opening", "evaluation", "publicity"}
AWARDED = {"awarded", "contracted"}


def _tender_state(status: str) -> str:
    if status == "draft":
        return "draft"
    if status in OPENED:
        return "opened"
    if status in AWARDED:
        return "awarded"
    if status in ("failed", "cancelled"):
        return "closed"
    return "before_opening"


def state_of(entry) -> str:
    app, model, oid = entry.object_app, entry.object_model, entry.object_id
    if app == "tendering" and model == "tender":
        from jianguan.tendering.models import Tender

        t = Tender.objects.filter(pk=oid).first()
        return _tender_state(t.status) if t else "any"
    if app == "tendering" and model == "bid":
        from jianguan.tendering.models import Bid

        b = Bid.objects.select_related("tender").filter(pk=oid).first()
        return _tender_state(b.tender.status) if b else "any"
    if app == "experts" and model in ("committee", "member"):
        from jianguan.experts.models import Committee, Member

        if model == "member":
            m = Member.objects.select_related("committee__tender").filter(pk=oid).first()
            tender = m.committee.tender if m else None
        else:
            c = Committee.objects.select_related("tender").filter(pk=oid).first()
            tender = c.tender if c else None
        if tender is None:
            return "any"
        return "awarded" if tender.status in AWARDED else "before_award"
    if app == "contracts" and entry.type.startswith("contracts.review_"):
        from jianguan.contracts.models import Review

        r = Review.objects.select_related("claim").filter(pk=oid).first()
        if r is not None and getattr(r, "stage", "") == "finance":
            audit_done = Review.objects.filter(
                claim=r.claim, stage="audit", submitted_at__isnull=False
            ).exists()
            return "after_audit" if audit_done else "finance_before_audit"
    return "any"
