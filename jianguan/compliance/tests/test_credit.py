"""Credit scores: records from the loop's events, exact explanations, daily publication,
scores on a past date, eligibility, manual records and the bad input they refuse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.compliance import selectors_credit as sel
from jianguan.compliance import services
from jianguan.compliance.models import CreditPublication, CreditRecord, CreditScore, Sanction
from jianguan.compliance.tests.test_sanctions import _fail
from jianguan.compliance.tests.test_services import _raise
from jianguan.core.errors import PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.ledger.selectors import entry_document
from jianguan.registry import services as registry
from jianguan.registry.selectors import eligibility
from jianguan.registry.tests.conftest import constructor

TODAY = today_local()
TOMORROW = TODAY + dt.timedelta(days=1)


def _history(org, days=400):
    """Make the organisation old enough and its records known earlier (test set-up only)."""
    org.established_on = TODAY - dt.timedelta(days=days)
    org.save(update_fields=["established_on"])


def _shift(qs, days):
    for rec in qs:
        CreditRecord.objects.filter(pk=rec.pk).update(
            occurred_on=rec.occurred_on - dt.timedelta(days=days),
            recorded_on=rec.recorded_on - dt.timedelta(days=days),
            expires_on=rec.expires_on - dt.timedelta(days=days),
        )


def _subject(org):
    return sel.Subject(organisation=org)


def test_finding_and_failed_reinspection_make_records_for_the_org_and_its_manager(site):
    gc = site["orgs"]["general_contractor"]
    manager = constructor(gc)
    registry.person_assign(
        actor=site["actors"]["contractor"],
        person=manager,
        project=site["project"],
        role="project_manager",
        start=TODAY,
    )
    order = _raise(site, severity="major")
    recs = CreditRecord.objects.filter(source_type="finding")
    assert {(r.organisation_id, r.person_id) for r in recs} == {(gc.pk, None), (None, manager.pk)}
    rec = recs.get(organisation=gc)
    assert rec.kind == "finding_major" and rec.points == Decimal("-30.00")
    assert rec.recorded_on == TODAY and rec.expires_on > TODAY and order.number in rec.description
    assert "信用评价" in rec.reference
    assert LedgerEntry.objects.filter(type="compliance.credit_recorded").count() == 2
    _fail(site, order)
    assert CreditRecord.objects.filter(kind="rectification_failed", organisation=gc).count() == 1


def test_a_record_counts_from_the_next_day_and_the_trace_sums_to_the_score(site):
    gc = site["orgs"]["general_contractor"]
    _history(gc)
    _raise(site, severity="serious", stop_work=True)
    assert sel.score_on(_subject(gc), TODAY) == Decimal("800.00")  # published before it was known
    _shift(CreditRecord.objects.filter(organisation=gc), 10)
    ex = sel.explain(_subject(gc), TODAY)
    assert len(ex.breakdown.lines) == 1
    ((rec, points),) = ex.lines()
    assert rec.kind == "finding_serious" and Decimal("-60") < points < Decimal("-58")
    assert ex.score == Decimal("800.00") + points
    assert sum(c for _, c in ex.lines()) + Decimal("800.00") == ex.score
    assert sel.score_on(_subject(gc), TODAY) == ex.score


def test_card_rule_end_to_end_through_credit(site):
    gc = site["orgs"]["general_contractor"]
    _history(gc)
    standard = registry.access_standard_define(
        actor=site["actors"]["regulator"],
        name="信用不低于720且无不良",
        criteria={"min_credit_score": "720", "no_sanctions": True},
    )
    assert eligibility(gc, standard)["passed"]
    order = _raise(site)
    _fail(site, order)
    _fail(site, order)
    yellow = Sanction.objects.get(kind="yellow")
    card = CreditRecord.objects.get(kind="yellow_card", organisation=gc)
    assert card.source_id == yellow.pk and card.expires_on >= yellow.published_to
    _shift(CreditRecord.objects.filter(organisation=gc), 1)
    result = eligibility(gc, standard)
    failed = {r["criterion"]: r["message_zh"] for r in result["reasons"] if not r["passed"]}
    assert set(failed) == {"credit_score", "sanctions"}
    score = sel.score_on(_subject(gc), TODAY)
    assert score < Decimal("720") and str(score) in failed["credit_score"]
    appeal = services.appeal_submit(
        actor=site["actors"]["contractor"], sanction=yellow, text="已整改"
    )
    services.appeal_review(
        actor=site["actors"]["regulator"], appeal=appeal, decision="revoked", note="经核实撤销"
    )
    card.refresh_from_db()
    assert card.ends_on == TOMORROW and "申诉撤销" in card.end_reason
    # the card no longer bars at once; its points stop counting from tomorrow's score
    lines = {r.kind for r, _ in sel.explain(_subject(gc), TODAY).lines()}
    assert "yellow_card" in lines
    assert LedgerEntry.objects.filter(type="compliance.credit_record_ended").count() == 1


def test_daily_publication_is_once_per_day_exact_and_ledgered(site):
    gc = site["orgs"]["general_contractor"]
    sup = site["orgs"]["supervisor"]
    _history(gc)
    _raise(site)
    _shift(CreditRecord.objects.all(), 3)
    publication = services.credit_scores_publish(on=TODAY)
    assert services.credit_scores_publish(on=TODAY).pk == publication.pk
    assert CreditPublication.objects.count() == 1
    stored = CreditScore.objects.get(organisation=gc, on=TODAY)
    ex = sel.explain(_subject(gc), TODAY)
    assert ex.stored == stored.score == ex.score and ex.verified is True
    assert stored.records == 1 and stored.bad < 0 and stored.good == 0
    assert CreditScore.objects.get(organisation=sup, on=TODAY).score == Decimal("800.00")
    # owners and regulators are not scored daily
    assert not CreditScore.objects.filter(organisation=site["orgs"]["owner"]).exists()
    entry = LedgerEntry.objects.get(type="compliance.credit_published")
    payload = entry_document(entry)["payload"]
    assert payload["digest"] == publication.digest and payload["subjects"] >= 2
    # a record made after publication does not change the published score of the day
    _raise(site, severity="serious")
    assert sel.score_on(_subject(gc), TODAY) == stored.score


def test_backfill_publishes_each_missing_day_from_the_records(site):
    gc = site["orgs"]["general_contractor"]
    _history(gc, days=60)
    _raise(site, severity="serious")
    _shift(CreditRecord.objects.all(), 20)
    made = services.credit_history_backfill(start=TODAY - dt.timedelta(days=30), end=TODAY)
    assert made == 31
    series = dict(sel.history(_subject(gc), TODAY - dt.timedelta(days=30), TODAY))
    assert series[TODAY - dt.timedelta(days=25)] == Decimal("800.00")
    assert series[TODAY - dt.timedelta(days=19)] < Decimal("800.00")
    assert series[TODAY - dt.timedelta(days=19)] < series[TODAY]  # the penalty decays
    for day in (TODAY - dt.timedelta(days=19), TODAY):
        assert sel.explain(_subject(gc), day).verified is True
    assert services.credit_history_backfill(start=TODAY - dt.timedelta(days=30), end=TODAY) == 0


def test_collect_clean_inspections_and_on_time_completion(site):
    gc = site["orgs"]["general_contractor"]
    sup = site["orgs"]["supervisor"]
    made = services.credit_records_collect(on=TOMORROW)
    assert made == 2  # the inspection found nothing against the contractor or the supervisor
    assert set(
        CreditRecord.objects.filter(kind="clean_inspection").values_list("organisation", flat=True)
    ) == {gc.pk, sup.pk}
    assert services.credit_records_collect(on=TOMORROW) == 0  # idempotent


def test_score_before_the_organisation_existed_or_in_the_future_is_refused(site):
    gc = site["orgs"]["general_contractor"]
    _history(gc, days=10)
    with pytest.raises(ValidationFailed) as exc:
        sel.score_on(_subject(gc), TODAY - dt.timedelta(days=11))
    assert exc.value.code == "before_existence" and "尚未纳入" in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        sel.explain(_subject(gc), TOMORROW)
    assert exc.value.code == "future_date"
    assert sel.credit_score_provider(gc, TOMORROW) is None  # eligibility: 无法核验


def test_manual_records_by_the_regulator_only(site):
    gc = site["orgs"]["general_contractor"]
    _history(gc)
    reg, contractor = site["actors"]["regulator"], site["actors"]["contractor"]
    award = services.credit_record_add(
        actor=reg,
        kind="award_municipal",
        organisation=gc,
        occurred_on=TODAY - dt.timedelta(days=5),
        description="北京市结构长城杯金质奖工程",
    )
    assert award.points == Decimal("30.00") and award.expires_on.year == award.occurred_on.year + 3
    before = CreditRecord.objects.count(), LedgerEntry.objects.count()
    bad = [
        (contractor, dict(kind="award_national"), PermissionDenied, "permission_denied"),
        (reg, dict(kind="yellow_card"), ValidationFailed, "credit_kind_automatic"),
        (reg, dict(kind="bribe"), ValidationFailed, "unknown_credit_kind"),
        (reg, dict(kind="wage_arrears", occurred_on=TOMORROW), ValidationFailed, "future_date"),
        (
            reg,
            dict(kind="wage_arrears", occurred_on=TODAY - dt.timedelta(days=500)),
            ValidationFailed,
            "before_existence",
        ),
        (reg, dict(kind="wage_arrears", description=" "), ValidationFailed, "description_missing"),
    ]
    for actor, over, error, code in bad:
        args = dict(
            actor=actor,
            kind="award_national",
            organisation=gc,
            occurred_on=TODAY,
            description="事由",
        )
        args.update(over)
        with pytest.raises(error) as exc:
            services.credit_record_add(**args)
        assert exc.value.code == code, over
    assert (CreditRecord.objects.count(), LedgerEntry.objects.count()) == before
    ended = services.credit_record_end(actor=reg, record_obj=award, reason="录入有误")
    assert ended.ends_on == TOMORROW
    with pytest.raises(PermissionDenied):
        services.credit_record_end(actor=contractor, record_obj=award, reason="x")


def test_person_scores(site):
    gc = site["orgs"]["general_contractor"]
    person = constructor(gc)
    services.credit_record_add(
        actor=site["actors"]["regulator"],
        kind="award_provincial",
        person=person,
        occurred_on=TODAY,
        description="全国优秀项目经理",
    )
    _shift(CreditRecord.objects.filter(person=person), 1)
    subject = sel.Subject(person=person)
    assert sel.score_on(subject, TODAY) > Decimal("800")
    services.credit_scores_publish(on=TODAY)
    assert (
        CreditScore.objects.get(person=person, on=TODAY).score == sel.explain(subject, TODAY).score
    )


def test_bad_publication_periods_follow_the_national_rule(site):
    from jianguan.compliance import credit as C
    from jianguan.rules.lookup import rule_value

    bad = rule_value("credit.bad_record_publication", on=TODAY)
    good = rule_value("credit.good_record_publication", on=TODAY)
    for kind in C.KINDS.values():
        months = rule_value(kind.validity_rule, on=TODAY)
        assert rule_value(kind.points_rule, on=TODAY) > 0
        if kind.group == C.BAD:
            assert bad["min"] <= months <= bad["max"], kind.code
        else:
            assert months <= good * 12, kind.code
