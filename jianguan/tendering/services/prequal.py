"""资格预审 for the procedure that has it: applications checked against the access standard
at once (every reason kept), the tenderer's review, and the move to bidding — or 流标 when
fewer than three pass (实施条例 19)."""

from __future__ import annotations

from django.db import transaction

from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import now
from jianguan.ledger.services import record
from jianguan.registry.selectors import eligibility
from jianguan.rules.lookup import rule
from jianguan.tendering import workflow
from jianguan.tendering.models import PrequalApplication, Tender
from jianguan.tendering.ocds.services import ocds_release
from jianguan.tendering.services.common import local_date, move, require_manager


def _prequal_tender(tender: Tender) -> Tender:
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if not tender.procedure_class.prequalification:
        raise Conflict("本项目不进行资格预审", code="no_prequalification")
    return tender


@transaction.atomic
def prequal_apply(*, actor: Actor, tender: Tender) -> PrequalApplication:
    require(actor, "tendering.bid")
    tender = _prequal_tender(tender)
    at = now()
    if tender.status != workflow.Status.PUBLISHED or at >= tender.prequal_deadline:
        raise ValidationFailed(
            f"资格预审申请截止时间（{tender.prequal_deadline:%Y-%m-%d %H:%M}）已过或尚未发布",
            code="prequal_closed",
        )
    if actor.organisation_id in (tender.tenderer_id, tender.agency_id):
        raise ValidationFailed("招标人及其代理机构不得申请", code="tenderer_cannot_bid")
    if PrequalApplication.objects.filter(
        tender=tender, applicant_id=actor.organisation_id
    ).exists():
        raise Conflict("本单位已提交资格预审申请", code="already_applied")
    if tender.access_standard is not None:
        result = eligibility(actor.organisation, tender.access_standard, on=local_date(at))
        eligible, reasons = result["passed"], result["reasons"]
    else:
        eligible, reasons = True, []
    application = PrequalApplication.objects.create(
        tender=tender,
        applicant_id=actor.organisation_id,
        applied_at=at,
        eligible=eligible,
        reasons=reasons,
    )
    record(
        actor=actor,
        type="tendering.prequal_applied",
        obj=tender,
        payload={
            "code": tender.code,
            "applicant": actor.organisation.credit_code,
            "eligible": eligible,
            "reasons": reasons,
        },
    )
    return application


@transaction.atomic
def prequal_review(
    *, actor: Actor, application: PrequalApplication, qualified: bool, note: str = ""
) -> PrequalApplication:
    application = PrequalApplication.objects.select_for_update().get(pk=application.pk)
    tender = _prequal_tender(application.tender)
    require_manager(actor, tender)
    if tender.status != workflow.Status.PREQUALIFICATION:
        raise Conflict("申请截止后方可审查资格预审申请", code="not_reviewing")
    note = (note or "").strip()
    if qualified and not application.eligible:
        raise ValidationFailed("申请人不符合准入标准，不能通过资格预审", code="not_eligible")
    if not qualified and not note:
        raise ValidationFailed("不通过资格预审须说明理由", code="note_required")
    application.qualified, application.review_note = qualified, note[:500]
    application.reviewed_by = actor.username
    application.save()
    record(
        actor=actor,
        type="tendering.prequal_reviewed",
        obj=tender,
        payload={
            "code": tender.code,
            "applicant": application.applicant.credit_code,
            "qualified": qualified,
            "note": application.review_note,
        },
    )
    return application


@transaction.atomic
def prequal_close(*, actor: Actor, tender: Tender) -> Tender:
    """Unreviewed applications follow their eligibility check; then bidding or 流标.
    Who may close comes first: a non-manager learns nothing about the procedure or state."""
    require_manager(actor, tender)
    tender = _prequal_tender(tender)
    if tender.status != workflow.Status.PREQUALIFICATION:
        raise Conflict("招标项目不在资格预审审查阶段", code="not_reviewing")
    for application in PrequalApplication.objects.filter(tender=tender, qualified__isnull=True):
        application.qualified = application.eligible
        application.save(update_fields=["qualified", "updated_at"])
    passed = PrequalApplication.objects.filter(tender=tender, qualified=True).count()
    minimum = rule("prequal.passed_min", on=local_date(now()))
    if passed < int(minimum.value):
        tender.next_check_at = None
        tender = move(
            actor,
            tender,
            workflow.Status.FAILED,
            f"通过资格预审的申请人少于{minimum.value}个（{passed}个），应当重新招标"
            f"（{minimum.reference}）",
        )
        ocds_release(tender=tender, tag="tenderCancellation", actor=actor)
        return tender
    tender.next_check_at = tender.bid_deadline
    return move(actor, tender, workflow.Status.BIDDING, f"资格预审结束，{passed}家通过")
