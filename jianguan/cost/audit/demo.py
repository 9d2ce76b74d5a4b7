"""The demo district's settlement audits, continuing cost_settlement's final accounts through
the services in a believable past: the first final account the owner has accepted goes
through the whole audit (appointed by the owner; the finance bureau and the audit firm cut it
independently; the contractor disputes one cut; the owner's meeting settles it; the firm
issues the report with its reduction rate); a second, if there is one, is left in review with
the firm's draft cuts, so that the reviewers' to-do lists have work with a clock. Idempotent."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from decimal import Decimal

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import Membership
from jianguan.core.demo import clock
from jianguan.core.timeutil import now, today_local

PACKAGES = ("jianguan.cost", "jianguan.compliance")


def _member(org_id: int | None, *roles: str):
    if org_id is None:
        return None
    rows = Membership.objects.filter(organisation_id=org_id, is_active=True).select_related("user")
    for m in rows.order_by("pk"):
        if not roles or set(m.roles or ()) & set(roles):
            return actor_for(m.user, org_id)
    return None


def _cuts(account, share: Decimal, every: int, reason: str, skip: int = 0) -> list:
    """Every `every`-th auditable line (skipping `skip`), cut to `share` of its claim."""
    lines = account.lines.filter(stage_settled=False, claimed_amount__gt=0).order_by("sequence")
    rows = []
    for i, (pk, claimed) in enumerate(lines.values_list("pk", "claimed_amount")):
        if (i + skip) % every == 0:
            rows.append((pk, (claimed * share).quantize(Decimal("0.01")), reason))
    return rows


def _full_audit(account, start: dt.datetime, span: dt.timedelta | None) -> str:
    from jianguan.cost.audit import services, services_close

    c = account.contract
    owner = _member(c.employer_id, "admin", "signer")
    finance = _member(c.finance_bureau_id, "reviewer", "staff", "admin")
    firm = _member(c.auditor_id, "reviewer", "staff", "admin")
    contractor = _member(c.contractor_id, "admin", "signer", "staff")
    if not all((owner, finance, firm, contractor)):
        return "skipped"

    def at(days: int):  # day `days` of a 40-day audit, scaled to the span (none: today, in order)
        return clock(start + span * days / 40, *PACKAGES) if span else nullcontext()

    with at(0):
        audit = services.audit_engage(
            actor=owner, account=account, firm=c.auditor_id, reference="京兴建审委〔2026〕031号"
        )
    reviews = {r.stage: r for r in audit.reviews.all()}
    with at(20):
        rows = _cuts(account, Decimal("0.96"), 3, "按竣工图复核工程量，超出部分核减")
        if rows:
            services.cuts_set(actor=finance, review=reviews["finance"], rows=rows)
        services.review_submit(
            actor=finance, review=reviews["finance"], opinion="经评审，按审定金额办理结算。"
        )
    with at(26):
        rows = _cuts(account, Decimal("0.94"), 4, "综合单价套用定额子目有误，按合同单价调整", 1)
        if rows:
            services.cuts_set(actor=firm, review=reviews["audit"], rows=rows)
        services.review_submit(actor=firm, review=reviews["audit"], opinion="审计复核意见见明细。")
    audit.refresh_from_db()
    if audit.state == "responding":
        first = audit.results.order_by("-claimed_amount").first()
        with at(30):
            services_close.cuts_respond(
                actor=contractor,
                audit=audit,
                disputes={first.line_id: "该部分工程量有监理签认的隐蔽验收记录为证"},
            )
        audit.refresh_from_db()
        figure = ((first.claimed_amount + first.proposed_amount) / 2).quantize(Decimal("0.01"))
        held = start + span * 36 / 40 if span else now()
        with at(36):
            services_close.meeting_record(
                actor=owner,
                audit=audit,
                held_on=min(held.date(), today_local()),
                venue="建设单位三楼会议室",
                attendees="建设单位、施工单位、审计机构、财政评审机构、监理单位",
                minutes=(
                    "施工单位提供隐蔽验收记录，监理单位确认其中一半工程量有签认；"
                    "各方同意该项按送审与初审审定的中间值结算，其余审减施工单位均已确认。"
                ),
                figures={first.line_id: figure},
            )
    audit.refresh_from_db()
    with at(40):
        services_close.report_issue(actor=firm, audit=audit)
    return "reported"


def _in_review(account, start: dt.datetime | None) -> str:
    from jianguan.cost.audit import services

    c = account.contract
    finance = _member(c.finance_bureau_id, "admin", "staff")
    firm = _member(c.auditor_id, "reviewer", "staff", "admin")
    appointer = finance or _member(c.employer_id, "admin", "signer")
    if not (appointer and firm):
        return "skipped"
    with clock(start, *PACKAGES) if start else nullcontext():
        audit = services.audit_engage(
            actor=appointer, account=account, firm=c.auditor_id, reference="京兴财审委〔2026〕112号"
        )
        review = audit.reviews.get(stage="audit")
        rows = _cuts(account, Decimal("0.95"), 5, "签证内容与现场记录不符部分核减")[:20]
        if rows:
            services.cuts_set(actor=firm, review=review, rows=rows)
    return "in_review"


def _own_account():
    """cost_settlement's demo found no second contract to complete: complete one here and
    have its final account drawn up, submitted and accepted, through the settlement's
    services (seeding this part on its own, as agreed)."""
    from django.db import transaction

    from jianguan.contracts.models import Contract
    from jianguan.cost.settlement import services
    from jianguan.cost.settlement.demo import _actors, _complete

    candidates = Contract.objects.filter(
        kind="main",
        status__in=("signed", "approved"),
        final_account__isnull=True,
        supervisor__isnull=False,
        auditor__isnull=False,
        finance_bureau__isnull=False,
        boq_items__isnull=False,
    ).distinct()
    for contract in candidates.order_by("number")[:30]:
        b = _actors(contract)
        if not (b["owner"] and b["gc"] and b["sup"]):
            continue
        try:
            with transaction.atomic():
                if not _complete(contract, b["gc"], b["sup"]):
                    raise LookupError
                account = services.final_account_create(actor=b["gc"], contract=contract)
                services.final_account_submit(actor=b["gc"], account=account)
                return services.final_account_owner_review(
                    actor=b["owner"], account=account, decision="accept", opinion="同意送结算审计"
                )
        except LookupError:
            continue
    return None


def _waiting() -> list:
    from jianguan.cost.settlement.models import FinalAccount

    return list(
        FinalAccount.objects.filter(status="owner_reviewed", settlement_audit__isnull=True)
        .select_related("contract")
        .exclude(contract__finance_bureau=None)
        .exclude(contract__auditor=None)
        .order_by("pk")
    )


def seed() -> dict:
    from jianguan.cost.audit.models import SettlementAudit
    from jianguan.cost.settlement.models import FinalAccount

    if SettlementAudit.objects.exists():  # seeded before: `seed_demo` again adds nothing
        return {"skipped": "already seeded"}
    waiting = _waiting()
    if not waiting and not FinalAccount.objects.filter(settlement_audit__isnull=False).exists():
        made = _own_account()
        waiting = [made] if made is not None else []
    done = {}
    today = now()
    for i, account in enumerate(waiting[:2]):
        accepted = account.owner_reviewed_at or today - dt.timedelta(days=60)
        # the audit begins after the owner's acceptance and ends before today: its steps
        # take up to 40 days, compressed when the acceptance is more recent, all today (in
        # order) when it was today
        start = accepted + dt.timedelta(hours=2)
        span = min(dt.timedelta(days=40), (today - start) - dt.timedelta(hours=1))
        span = span if span > dt.timedelta(0) else None
        if i == 0:
            done[account.number] = _full_audit(account, start, span)
        else:
            done[account.number] = _in_review(account, start + span / 2 if span else None)
    return {"settlement_audits": done}
