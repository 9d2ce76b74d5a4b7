"""The contracts of a tender as the OCDS snapshot wants them (ocds_contract.ContractIn)."""

from __future__ import annotations

from jianguan.core.timeutil import iso_utc

STATUS = {"draft": "pending", "signing": "pending", "signed": "active", "approved": "active"}


def tender_contracts(tender) -> list[dict]:
    from jianguan.contracts.models import Contract
    from jianguan.tendering.models import Award

    awards = list(Award.objects.filter(tender=tender).values_list("pk", flat=True))
    out = []
    for c in Contract.objects.filter(award_id__in=awards, kind="main").order_by("pk"):
        out.append(
            {
                "id": c.number,
                "award_id": f"award-{c.award_id}",
                "value": str(c.price),
                "status": STATUS.get(
                    c.status, "terminated" if c.status == "terminated" else "active"
                ),
                "title": c.title,
                "date_signed": (
                    iso_utc(max(c.employer_signed_at, c.contractor_signed_at))
                    if c.employer_signed_at and c.contractor_signed_at
                    else None
                ),
            }
        )
    return out
