"""Whole-process tracking audit: the owner engages the contract's audit firm, the firm leaves
opinions on what happens on the project, the owner must answer before the contract's next
payment claim goes in, the firm confirms; to-dos, notifications, ledger, the final account's
view of the opinions; and the refusals (a firm not engaged, a non-owner, empty text)."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.contracts.claims import services as claims
from jianguan.contracts.tests.test_claims import P2, new_claim, run_chain
from jianguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.cost.control import gates, services, setup, workflow
from jianguan.cost.control.models import Opinion
from jianguan.ledger.models import LedgerEntry
from jianguan.rules.lookup import add_working_days
from jianguan.workbench.notifications.models import Notification


def _raise(d, *, actor="auditor", kind=workflow.CLAIM, sid=None, text="计量依据不足，请补充"):
    return services.opinion_raise(
        actor=d["actors"][actor],
        project=d["project"],
        subject_kind=kind,
        subject_id=sid if sid is not None else d["claim"].pk,
        text=text,
    )


def _ledger(type_):
    return LedgerEntry.objects.filter(type=type_).count()


def test_journey_opinion_blocks_the_next_claim_until_the_owner_answers(
    engaged, django_capture_on_commit_callbacks
):
    d = engaged
    owner, gc, auditor = d["actors"]["owner"], d["actors"]["contractor"], d["actors"]["auditor"]
    with django_capture_on_commit_callbacks(execute=True):
        o = _raise(d)
    assert o.status == workflow.OPEN and o.contract_id == d["contract"].pk
    assert o.subject_label == d["claim"].number
    assert o.due_on == add_working_days(today_local(), 5, provisional=True)
    assert gates.unanswered_opinions(d["contract"]) == 1
    assert Notification.objects.filter(
        user_id=owner.user_id, kind="cost_control.opinion_new"
    ).exists()
    todo = [t for t in setup._todo(owner, today_local()) if t.kind == "cost_control.answer"]
    assert len(todo) == 1 and todo[0].due == o.due_on and o.number in todo[0].title

    # the claim in review goes on; the next one cannot be submitted
    claim = run_chain(d, d["claim"])
    claims.payment_record(
        actor=owner,
        claim=claim,
        amount=claim.payable_amount,
        paid_on=today_local(),
        reference="ZF-1",
    )
    second = new_claim(d, period=P2)
    with pytest.raises(Conflict) as exc:
        claims.claim_submit(actor=gc, claim=second)
    assert exc.value.code == "tracking_opinions_unanswered" and exc.value.status == 409
    second.refresh_from_db()
    assert second.status == "draft" and second.round == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.opinion_answer(actor=owner, opinion=o, text="已复核，计量依据见监理签认单")
    o.refresh_from_db()
    assert o.status == workflow.ANSWERED and o.answered_by_id == owner.user_id
    assert gates.unanswered_opinions(d["contract"]) == 0
    assert Notification.objects.filter(
        user_id=auditor.user_id, kind="cost_control.opinion_answered"
    ).exists()
    assert [t.kind for t in setup._todo(auditor, today_local())] == ["cost_control.confirm"]
    assert claims.claim_submit(actor=gc, claim=second).status == "supervisor"

    services.opinion_close(actor=auditor, opinion=o)
    o.refresh_from_db()
    assert o.status == workflow.CLOSED
    for t in ("engaged", "opinion_raised", "opinion_answered", "opinion_closed"):
        assert _ledger(f"cost_control.{t}") == 1
    shown = gates.opinions_for_contract(d["contract"])
    assert [(x["number"], x["status_label"], x["answer"]) for x in shown] == [
        (o.number, "已确认关闭", "已复核，计量依据见监理签认单")
    ]
    assert shown[0]["raised_by_name"] and shown[0]["firm_name"] == d["orgs"]["auditor"].name


def test_opinions_on_variation_review_and_payment(engaged):
    from jianguan.contracts.models import Payment, Review
    from jianguan.contracts.tests.test_variations import _raise as raise_variation

    d = engaged
    v = raise_variation(d)
    claim = run_chain(d, d["claim"])
    review = Review.objects.filter(claim=claim, submitted_at__isnull=False).first()
    pay = claims.payment_record(
        actor=d["actors"]["owner"],
        claim=claim,
        amount="1000.00",
        paid_on=today_local(),
        reference="ZF-9",
    )
    for kind, sid in (
        (workflow.VARIATION, v.pk),
        (workflow.REVIEW, review.pk),
        (workflow.PAYMENT, pay.pk),
    ):
        o = _raise(d, kind=kind, sid=sid)
        assert o.subject_kind == kind
    assert isinstance(pay, Payment)
    assert gates.unanswered_opinions(d["contract"]) == 3


def test_firm_not_engaged_is_refused_403_and_nothing_is_written(engaged):
    before = (Opinion.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(PermissionDenied) as exc:
        _raise(engaged, actor="other_auditor")
    assert exc.value.code == "not_engaged"
    with pytest.raises(PermissionDenied):  # no grant at all
        _raise(engaged, actor="owner")
    assert (Opinion.objects.count(), LedgerEntry.objects.count()) == before


def test_bad_opinions_are_refused(engaged):
    d = engaged
    before = LedgerEntry.objects.count()
    for text in ("", "   ", "x" * 4001):
        with pytest.raises(ValidationFailed):
            _raise(d, text=text)
    with pytest.raises(ValidationFailed):
        _raise(d, kind="contract")
    with pytest.raises(NotFound):
        _raise(d, sid=999999)
    assert LedgerEntry.objects.count() == before
    run_chain(d, d["claim"])
    draft = new_claim(d, period=P2)  # a draft is not yet a fact to audit
    with pytest.raises(NotFound):
        _raise(d, sid=draft.pk)
    assert Opinion.objects.count() == 0


def test_answer_only_by_the_projects_owner_and_not_empty(engaged):
    d = engaged
    o = _raise(d)
    for who in ("contractor", "auditor", "other_owner"):
        with pytest.raises(PermissionDenied):
            services.opinion_answer(actor=d["actors"][who], opinion=o, text="答复")
    with pytest.raises(ValidationFailed) as exc:
        services.opinion_answer(actor=d["actors"]["owner"], opinion=o, text="  ")
    assert exc.value.code == "empty_text"
    with pytest.raises(Conflict):  # not yet answered
        services.opinion_close(actor=d["actors"]["auditor"], opinion=o)
    services.opinion_answer(actor=d["actors"]["owner"], opinion=o, text="答复")
    with pytest.raises(Conflict):  # once only
        services.opinion_answer(actor=d["actors"]["owner"], opinion=o, text="再答复")
    with pytest.raises(PermissionDenied):
        services.opinion_close(actor=d["actors"]["other_auditor"], opinion=o)


def test_engagement_by_owner_or_finance_one_at_a_time(deal):
    d = deal
    with pytest.raises(PermissionDenied):
        services.engagement_create(
            actor=d["actors"]["other_owner"],
            project=d["project"],
            firm_id=d["orgs"]["auditor"].pk,
            reference="X",
        )
    with pytest.raises(ValidationFailed):
        services.engagement_create(
            actor=d["actors"]["owner"],
            project=d["project"],
            firm_id=d["orgs"]["owner"].pk,
            reference="X",
        )
    with pytest.raises(ValidationFailed):
        services.engagement_create(
            actor=d["actors"]["owner"],
            project=d["project"],
            firm_id=d["orgs"]["auditor"].pk,
            reference="",
        )
    with pytest.raises(ValidationFailed):
        services.engagement_create(
            actor=d["actors"]["owner"],
            project=d["project"],
            firm_id=d["orgs"]["auditor"].pk,
            reference="X",
            started_on=today_local() + dt.timedelta(days=1),
        )
    e = services.engagement_create(
        actor=d["actors"]["finance"],
        project=d["project"],
        firm_id=d["orgs"]["auditor"].pk,
        reference="CZ-1",
    )
    with pytest.raises(Conflict):
        services.engagement_create(
            actor=d["actors"]["owner"],
            project=d["project"],
            firm_id=d["orgs"]["other_auditor"].pk,
            reference="X",
        )
    services.engagement_end(actor=d["actors"]["owner"], engagement=e)
    services.engagement_create(
        actor=d["actors"]["owner"],
        project=d["project"],
        firm_id=d["orgs"]["other_auditor"].pk,
        reference="X2",
    )


@pytest.mark.rule("tracking_audit.answer_working_days")
def test_answer_clock_is_the_rules_working_days_and_overdue_the_day_after(engaged, monkeypatch):
    from jianguan.rules.lookup import rule_value

    days = int(rule_value("tracking_audit.answer_working_days"))
    o = _raise(engaged)
    assert o.due_on == add_working_days(today_local(), days, provisional=True)
    assert o.due_on > add_working_days(today_local(), days - 1, provisional=True)
    owner = engaged["actors"]["owner"]
    on_due = [t for t in setup._todo(owner, o.due_on) if t.kind == "cost_control.answer"]
    after = [
        t
        for t in setup._todo(owner, o.due_on + dt.timedelta(days=1))
        if t.kind == "cost_control.answer"
    ]
    assert not on_due[0].overdue and after[0].overdue


def test_the_tracking_firm_does_not_see_the_finance_review_before_its_own_audit(engaged):
    """双审双控: the feed keeps the finance review from an audit firm until the round's audit
    review is submitted, as the contract's own pages do."""
    from jianguan.contracts.claims import reviews
    from jianguan.contracts.models import Review
    from jianguan.cost.control import selectors

    d = engaged
    claim = d["claim"]
    for persona in ("supervisor", "owner", "finance"):
        actor = d["actors"][persona]
        review = reviews.review_start(actor=actor, claim=claim)
        reviews.review_submit(actor=actor, review=review, opinion="同意")
        claim.refresh_from_db()
    finance = Review.objects.get(claim=claim, stage="finance")
    seen = {
        (i["kind"], i["id"]) for i in selectors.feed(d["project"], actor=d["actors"]["auditor"])
    }
    assert ("review", finance.pk) not in seen
    assert ("review", finance.pk) in {
        (i["kind"], i["id"]) for i in selectors.feed(d["project"], actor=d["actors"]["owner"])
    }
    with pytest.raises(NotFound):
        _raise(d, kind=workflow.REVIEW, sid=finance.pk)
    auditor = d["actors"]["auditor"]
    review = reviews.review_start(actor=auditor, claim=claim)
    reviews.review_submit(actor=auditor, review=review, opinion="同意")
    assert _raise(d, kind=workflow.REVIEW, sid=finance.pk).subject_kind == "review"
