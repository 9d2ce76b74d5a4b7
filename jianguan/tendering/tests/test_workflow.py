"""Boundary tests of every period, ratio and count the tendering workflow applies.

Each rule is tested at its limit and one unit on each side (days, or 0.01 yuan, or one
bidder), once through the pure function in ``workflow.py`` with the numbers taken from rule
data, and once through the service that applies it. The limit always comes from rule data,
so a fault in the code (a shortened period, a moved window) or a wrong number fails here.
``@pytest.mark.rule(code)`` declares which rule codes a test covers
(``jianguan/rules/tests/test_rule_coverage.py`` holds every code the code reads to one).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.core.errors import ValidationFailed
from jianguan.core.timeutil import now
from jianguan.projects.tests.test_services import pdf
from jianguan.rules.lookup import rule
from jianguan.tendering import services, workflow
from jianguan.tendering.models import Tender
from jianguan.tendering.services.clock import tenders_advance
from jianguan.tendering.services.common import periods
from jianguan.tendering.tests.test_services import _keys, _seal, _submit, _tender

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
ART_24 = "《中华人民共和国招标投标法》第二十四条"
ART_16 = "《中华人民共和国招标投标法实施条例》第十六条"
ART_22 = "《中华人民共和国招标投标法实施条例》第二十二条"


@pytest.fixture
def rules(db):
    from jianguan.rules.services import rules_sync_from_data

    rules_sync_from_data()


def _periods() -> workflow.Periods:
    return periods(T0.date())


def _value(code: str) -> int:
    return int(rule(code, on=T0.date()).value)


def _codes(problems) -> set[str]:
    return {p.code for p in problems}


# --- 法 24: documents issued → bid deadline, at least 20 days ---------------------------------


@pytest.mark.rule("tender.documents_to_deadline_min")
def test_documents_to_deadline_at_the_limit_and_one_day_each_side(rules):
    """招标投标法第二十四条: at least 20 days from documents issued to the bid deadline."""
    p = _periods()
    n = _value("tender.documents_to_deadline_min")
    assert n == 20 and p.documents_to_deadline_days == n, "法 24: 20 日"
    assert "第二十四条" in p.documents_to_deadline_article
    for days, lawful in ((n - 1, False), (n, True), (n + 1, True)):
        problems = workflow.check_schedule(
            p, documents_from=T0, sale_end=T0 + 5 * DAY, deadline=T0 + days * DAY, now=T0
        )
        assert ("deadline_too_short" not in _codes(problems)) is lawful, f"法 24: {days} 日"
    # one second short of 20 days is short
    problems = workflow.check_schedule(
        p,
        documents_from=T0,
        sale_end=T0 + 5 * DAY,
        deadline=T0 + n * DAY - dt.timedelta(seconds=1),
        now=T0,
    )
    assert "deadline_too_short" in _codes(problems), "法 24"


def _publish(m, *, deadline_days=21, sale_days=5):
    tender = _tender(m)
    start = now() + dt.timedelta(minutes=1)
    return services.tender_publish(
        actor=m["owner"],
        tender=tender,
        documents_from=start,
        sale_end=start + sale_days * DAY,
        bid_deadline=start + deadline_days * DAY,
        documents=pdf("招标文件.pdf"),
    )


@pytest.mark.rule("tender.documents_to_deadline_min")
def test_tender_publish_refuses_19_days_and_takes_20_and_21(market):
    """招标投标法第二十四条 through tender_publish."""
    n = _value("tender.documents_to_deadline_min")
    with pytest.raises(ValidationFailed) as exc:
        _publish(market, deadline_days=n - 1)
    assert exc.value.code == "deadline_too_short" and "第二十四条" in exc.value.message, "法 24"
    for days in (n, n + 1):
        assert _publish(market, deadline_days=days).status == "published", f"法 24: {days} 日"


# --- 条例 16: sale period at least 5 days ---------------------------------------------------


@pytest.mark.rule("tender.document_sale_min")
def test_sale_period_at_the_limit_and_one_day_each_side(rules):
    """招标投标法实施条例第十六条: the documents are on sale for at least 5 days."""
    p = _periods()
    n = _value("tender.document_sale_min")
    assert n == 5 and p.sale_days == n and "第十六条" in p.sale_article, "条例 16: 5 日"
    for days, lawful in ((n - 1, False), (n, True), (n + 1, True)):
        problems = workflow.check_schedule(
            p, documents_from=T0, sale_end=T0 + days * DAY, deadline=T0 + 21 * DAY, now=T0
        )
        assert ("sale_too_short" not in _codes(problems)) is lawful, f"条例 16: {days} 日"
        if not lawful:
            assert [v.article for v in problems if v.code == "sale_too_short"] == [ART_16]


@pytest.mark.rule("tender.document_sale_min")
def test_tender_publish_refuses_a_4_day_sale_and_takes_5_and_6(market):
    """招标投标法实施条例第十六条 through tender_publish."""
    n = _value("tender.document_sale_min")
    with pytest.raises(ValidationFailed) as exc:
        _publish(market, sale_days=n - 1)
    assert exc.value.code == "sale_too_short" and "第十六条" in exc.value.message, "条例 16"
    for days in (n, n + 1):
        assert _publish(market, sale_days=days).status == "published", f"条例 16: {days} 日"


# --- 条例 17: prequalification applications at least 5 days after the sale stops ------------


@pytest.mark.rule("prequal.application_after_sale_min")
def test_prequal_application_period_at_the_limit_and_one_day_each_side(market):
    """招标投标法实施条例第十七条: at least 5 days from the end of the sale to the deadline
    for prequalification applications (tender_publish of an open_prequal tender)."""
    n = _value("prequal.application_after_sale_min")
    assert n == 5, "条例 17: 5 日"
    for gap, lawful in ((n - 1, False), (n, True), (n + 1, True)):
        tender = _tender(market, procedure="open_prequal")
        start = now() + dt.timedelta(minutes=1)
        sale_end = start + 5 * DAY
        call = dict(
            actor=market["owner"],
            tender=tender,
            documents_from=start,
            sale_end=sale_end,
            prequal_deadline=sale_end + gap * DAY,
            bid_deadline=start + 30 * DAY,
            documents=pdf("资格预审文件.pdf"),
        )
        if lawful:
            assert services.tender_publish(**call).status == "published", f"条例 17: {gap} 日"
        else:
            with pytest.raises(ValidationFailed) as exc:
                services.tender_publish(**call)
            assert exc.value.code == "prequal_too_short" and "第十七条" in exc.value.message


# --- 条例 21: a clarification at least 15 days before the deadline -------------------------


@pytest.mark.rule("clarification.before_bid_deadline_min")
def test_clarification_moves_the_deadline_only_when_less_than_15_days_remain(rules):
    """招标投标法实施条例第二十一条: a clarification that affects the bids is issued at least
    15 days before the deadline, else the deadline moves to 15 days after it."""
    p = _periods()
    n = _value("clarification.before_bid_deadline_min")
    assert n == 15 and p.clarification_days == n, "条例 21: 15 日"
    for days in (n, n + 1):
        deadline = T0 + days * DAY
        assert (
            workflow.deadline_after_clarification(p, deadline=deadline, issued_at=T0) == deadline
        ), f"条例 21: {days} 日 does not move the deadline"
    moved = workflow.deadline_after_clarification(p, deadline=T0 + (n - 1) * DAY, issued_at=T0)
    assert moved == T0 + n * DAY, "条例 21: 14 日 → the deadline moves to 15 日"


@pytest.mark.rule("clarification.before_bid_deadline_min")
def test_clarification_issue_at_the_limit_and_one_day_each_side(market):
    """招标投标法实施条例第二十一条 through clarification_issue."""
    n = _value("clarification.before_bid_deadline_min")
    tender = _publish(market, deadline_days=30)
    for days, moves in ((n + 1, False), (n, False), (n - 1, True)):
        deadline = now() + days * DAY + (dt.timedelta(minutes=5) if not moves else dt.timedelta())
        Tender.objects.filter(pk=tender.pk).update(bid_deadline=deadline)
        item = services.clarification_issue(actor=market["owner"], tender=tender, text="澄清")
        assert (item.new_deadline != item.old_deadline) is moves, f"条例 21: {days} 日"
        assert item.new_deadline - item.issued_at >= n * DAY, "条例 21"
        if moves:
            assert item.new_deadline - item.issued_at < (n + 1) * DAY


# --- 条例 22: objections to the documents at least 10 days before the deadline -------------


@pytest.mark.rule("objection.tender_documents_before_deadline")
def test_objection_window_closes_10_days_before_the_deadline(rules):
    """招标投标法实施条例第二十二条: an objection to the tender documents comes at least 10
    days before the bid deadline."""
    p = _periods()
    n = _value("objection.tender_documents_before_deadline")
    assert n == 10 and p.objection_days == n, "条例 22: 10 日"
    deadline = T0 + 30 * DAY
    for days_before in (n + 1, n):
        last = workflow.check_objection_window(
            p, deadline=deadline, now=deadline - days_before * DAY
        )
        assert last == deadline - n * DAY, f"条例 22: {days_before} 日 before is in time"
    for late in (deadline - (n - 1) * DAY, deadline - n * DAY + dt.timedelta(seconds=1)):
        with pytest.raises(workflow.TenderRuleError) as exc:
            workflow.check_objection_window(p, deadline=deadline, now=late)
        assert exc.value.code == "objection_window_passed" and exc.value.article == ART_22


@pytest.mark.rule(
    "objection.tender_documents_before_deadline",
    "objection.answer_within",
    "objection.suspends_process",
)
def test_objection_file_at_the_limit_and_one_day_each_side(market):
    """招标投标法实施条例第二十二条 through objection_file: in time 11 and 10 days before the
    deadline (the answer is due in 3 days and the process pauses), refused 9 days before."""
    n = _value("objection.tender_documents_before_deadline")
    answer = _value("objection.answer_within")
    assert answer == 3, "条例 22: 3 日内答复"
    bidder = market["bidders"][0]
    for days, in_time in ((n + 1, True), (n, True), (n - 1, False)):
        tender = _publish(market, deadline_days=30)
        margin = dt.timedelta(minutes=5) if in_time else dt.timedelta()
        Tender.objects.filter(pk=tender.pk).update(bid_deadline=now() + days * DAY + margin)
        if in_time:
            item = services.objection_file(actor=bidder, tender=tender, text="异议")
            assert item.answer_due - item.filed_at == answer * DAY, "条例 22: 3 日"
            tender.refresh_from_db()
            assert tender.paused_at == item.filed_at, "条例 22: 暂停招标投标活动"
        else:
            with pytest.raises(ValidationFailed) as exc:
                services.objection_file(actor=bidder, tender=tender, text="异议")
            assert exc.value.code == "objection_window_passed"
            assert exc.value.details["article"] == ART_22, "条例 22"


# --- 条例 26: bid bond at most 2 % of the estimate --------------------------------------------


@pytest.mark.rule("bid_bond.ratio_max")
def test_bond_cap_is_2_percent_of_the_estimate(rules):
    """招标投标法实施条例第二十六条: the bid bond is at most 2 % of the estimated price."""
    ratio = rule("bid_bond.ratio_max", on=T0.date())
    assert ratio.value == Decimal("0.02") and "第二十六条" in ratio.reference
    assert workflow.bond_cap(Decimal("30000000.00"), ratio.value) == Decimal("600000.00")
    assert workflow.bond_cap(Decimal("12345.67"), ratio.value) == Decimal("246.91")


@pytest.mark.rule("bid_bond.ratio_max")
def test_tender_create_takes_a_bond_at_the_cap_and_refuses_one_cent_more(market):
    """招标投标法实施条例第二十六条 through tender_create (estimate 30,000,000 → cap 600,000)."""
    for bond in ("599999.99", "600000.00"):
        lots = [{"title": "施工", "price_ceiling": "29800000", "bond_amount": bond}]
        assert _tender(market, lots=lots).lots.get().bond_amount == Decimal(bond), "条例 26"
    lots = [{"title": "施工", "price_ceiling": "29800000", "bond_amount": "600000.01"}]
    with pytest.raises(ValidationFailed) as exc:
        _tender(market, lots=lots)
    assert exc.value.code == "bond_too_high" and "第二十六条" in exc.value.details["article"]


# --- 法 17: an invited tender goes to at least 3 invitees ------------------------------------


@pytest.mark.rule("tender.invited_bidders_min")
def test_invited_tender_needs_3_invitees(market):
    """招标投标法第十七条: invitations go to at least 3 potential bidders."""
    n = _value("tender.invited_bidders_min")
    assert n == 3, "法 17: 3 个"
    orgs = [b.organisation for b in market["bidders"]]
    with pytest.raises(ValidationFailed) as exc:
        _tender(market, procedure="invited", invitees=orgs[: n - 1])
    assert exc.value.code == "too_few_invitees" and "第十七条" in exc.value.details["article"]
    for k in (n, n + 1):
        tender = _tender(market, procedure="invited", invitees=orgs[:k])
        assert tender.invitations.count() == k, f"法 17: {k} 个"


# --- 条例 44: fewer than 3 bidders, no opening ------------------------------------------------


@pytest.mark.rule("bidders.min")
def test_check_opening_at_3_bidders_and_one_each_side(rules):
    """招标投标法实施条例第四十四条: fewer than 3 bidders, no opening (流标)."""
    p = _periods()
    n = _value("bidders.min")
    assert n == 3 and p.min_bidders == n and "第四十四条" in p.min_bidders_article
    problem = workflow.check_opening(n - 1, p.min_bidders, p.min_bidders_article)
    assert problem is not None and problem.code == "too_few_bids", "条例 44: 2 个"
    assert problem.article == p.min_bidders_article
    for k in (n, n + 1):
        assert workflow.check_opening(k, p.min_bidders, p.min_bidders_article) is None, k


@pytest.mark.rule("bidders.min")
@pytest.mark.parametrize("count", [2, 3])
def test_the_clock_opens_with_3_bids_and_fails_with_2(market, tmp_path, count):
    """招标投标法实施条例第四十四条 through the clock at the deadline (tenders_advance)."""
    n = _value("bidders.min")
    tender = _publish(market)
    for actor in market["bidders"][:count]:
        _, public = _keys(actor, tender)
        _submit(actor, tender, _seal(tmp_path, public, f"2800000{actor.organisation_id}.00"))
    past = now() - dt.timedelta(seconds=1)
    Tender.objects.filter(pk=tender.pk).update(bid_deadline=past, next_check_at=past)
    tenders_advance()
    tender.refresh_from_db()
    if count < n:
        assert tender.status == "failed" and f"少于{n}个" in tender.failed_reason, "条例 44"
    else:
        assert tender.status == "opening", "条例 44: 3 个投标人可以开标"


# --- 条例 35: the bond comes back within 5 days of a withdrawal -------------------------------


@pytest.mark.rule("bid_bond.refund_after_withdrawal")
def test_withdrawal_sets_the_bond_refund_due_5_days_later(market, tmp_path):
    """招标投标法实施条例第三十五条: the bond is refunded within 5 days of the withdrawal."""
    from jianguan.tendering.services.common import local_date

    n = _value("bid_bond.refund_after_withdrawal")
    assert n == 5
    tender = _publish(market)
    bidder = market["bidders"][0]
    _, public = _keys(bidder, tender)
    bid = services.bid_withdraw(
        actor=bidder, bid=_submit(bidder, tender, _seal(tmp_path, public, "100.00"))
    )
    assert bid.bond_refund_due == local_date(now()) + n * DAY, "条例 35: 5 日"


# --- 办法 27: a bid that completes after the deadline is refused ------------------------------


@pytest.mark.rule("e_tendering.late_upload_rejected")
def test_upload_started_before_the_deadline_and_completed_after_it_is_refused(market, tmp_path):
    """《电子招标投标办法》第二十七条: a bid arriving after the deadline is refused, even when its
    upload started (and every chunk arrived) before the deadline: the completion time counts."""
    from jianguan.tendering import sealer
    from jianguan.tendering.models import Bid

    tender = _publish(market)
    bidder = market["bidders"][0]
    _, public = _keys(bidder, tender)
    package = _seal(tmp_path, public, "100.00")
    data = package.read_bytes()
    upload = services.upload_start(
        actor=bidder,
        tender=tender,
        lot=tender.lots.get(),
        size=len(data),
        sm3=sealer.package_sm3(package),
        bond_amount="500000",
        bond_account="0200004509200123456",
    )
    size = upload.chunk_size
    for k in range(-(-len(data) // size)):
        services.upload_chunk(
            actor=bidder, upload_id=upload.pk, number=k, data=data[k * size : (k + 1) * size]
        )
    Tender.objects.filter(pk=tender.pk).update(bid_deadline=now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationFailed) as exc:
        services.upload_complete(actor=bidder, upload_id=upload.pk)
    assert exc.value.code == "after_deadline", "办法 27"
    assert "第二十七条" in exc.value.details["article"], "办法 27"
    assert not Bid.objects.filter(tender=tender).exists()


@pytest.mark.rule("objection.suspends_process")
def test_upload_completed_while_an_objection_pauses_the_tender_is_refused(market, tmp_path):
    """招标投标法实施条例第二十二条: while an objection is unanswered the process stops; an upload
    started before the objection cannot complete during the pause."""
    from jianguan.tendering import sealer

    tender = _publish(market)
    bidder, objector = market["bidders"][:2]
    _, public = _keys(bidder, tender)
    package = _seal(tmp_path, public, "100.00")
    data = package.read_bytes()
    upload = services.upload_start(
        actor=bidder,
        tender=tender,
        lot=tender.lots.get(),
        size=len(data),
        sm3=sealer.package_sm3(package),
        bond_amount="500000",
        bond_account="0200004509200123456",
    )
    size = upload.chunk_size
    for k in range(-(-len(data) // size)):
        services.upload_chunk(
            actor=bidder, upload_id=upload.pk, number=k, data=data[k * size : (k + 1) * size]
        )
    services.objection_file(actor=objector, tender=tender, text="异议")
    with pytest.raises(ValidationFailed) as exc:
        services.upload_complete(actor=bidder, upload_id=upload.pk)
    assert exc.value.code == "tender_paused" and "第二十二条" in exc.value.details["article"]
