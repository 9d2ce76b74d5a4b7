"""Cards, blacklist, procurement bans: the card rule end to end, triggers, appeals, repair."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jianguan.compliance import pdf, sanctions, selectors, services
from jianguan.compliance.models import Sanction, SanctionAppeal
from jianguan.compliance.tests.helpers import in_construction
from jianguan.compliance.tests.test_services import _answer, _raise
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.registry import services as registry
from jianguan.registry.selectors import eligibility

CJK = "\u4e00"


@pytest.fixture
def site(world):
    project = in_construction(world)
    inspection = services.inspection_create(
        actor=world["actors"]["regulator"],
        project=project,
        kind="routine",
        inspected_on=today_local(),
    )
    return {"project": project, "inspection": inspection, **world}


def _fail(site, order):
    _answer(site, order)
    return services.order_reinspect(
        actor=site["actors"]["regulator"], order=order, result="failed", note="仍不合格"
    )


def _standard(site):
    return registry.access_standard_define(
        actor=site["actors"]["regulator"], name="无不良记录", criteria={"no_sanctions": True}
    )


def _zh(exc) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)


@pytest.mark.rule("card.yellow_after_failed_rectifications")
def test_card_rule_end_to_end(site):
    """大兴区建设工程红黄牌管理政策: a yellow card after 2 consecutive failed re-inspections (one
    failure: no card; the second: the card)."""
    from jianguan.rules.lookup import rule

    assert int(rule("card.yellow_after_failed_rectifications", on=today_local()).value) == 2
    gc = site["orgs"]["general_contractor"]
    standard = _standard(site)
    assert eligibility(gc, standard)["passed"] is True
    order = _raise(site)
    _fail(site, order)
    assert not Sanction.objects.exists()
    _fail(site, order)
    yellow = Sanction.objects.get()
    assert yellow.kind == "yellow" and yellow.automatic and yellow.organisation == gc
    assert order.number in yellow.reason and yellow.reinspections.count() == 2
    assert yellow.effective_to > today_local() and yellow.published_to >= yellow.effective_to
    result = eligibility(gc, standard)
    assert result["passed"] is False
    reason = next(r for r in result["reasons"] if r["criterion"] == "sanctions")
    assert yellow.number in reason["message_zh"] and "黄牌" in reason["message_zh"]
    assert LedgerEntry.objects.filter(type="compliance.sanction_issued").count() == 1
    assert pdf.sanction_pdf(yellow).startswith(b"%PDF")
    appeal = services.appeal_submit(
        actor=site["actors"]["contractor"], sanction=yellow, text="复查时整改已完成，附照片"
    )
    with pytest.raises(PermissionDenied):
        services.appeal_review(
            actor=site["actors"]["contractor"], appeal=appeal, decision="revoked", note="自己撤销"
        )
    services.appeal_review(
        actor=site["actors"]["regulator"], appeal=appeal, decision="revoked", note="经核实撤销"
    )
    yellow.refresh_from_db()
    assert yellow.status == "revoked"
    assert eligibility(gc, standard)["passed"] is True
    types = set(LedgerEntry.objects.values_list("type", flat=True))
    assert {"compliance.appeal_submitted", "compliance.appeal_reviewed"} <= types
    # a third failure is a new streak of one: no new card
    _fail(site, order)
    assert Sanction.objects.count() == 1


def test_second_yellow_within_window_draws_red(site):
    order = _raise(site)
    for _ in range(4):
        _fail(site, order)
    kinds = sorted(Sanction.objects.values_list("kind", flat=True))
    assert kinds == ["red", "yellow", "yellow"]
    red = Sanction.objects.get(kind="red")
    assert red.source_cards.count() == 2 and red.automatic
    assert "黄牌" in red.reason


def test_upheld_appeal_keeps_the_card(site):
    gc = site["orgs"]["general_contractor"]
    card = services.card_issue(
        actor=site["actors"]["regulator"], organisation=gc, kind="red", reason="情节严重"
    )
    appeal = services.appeal_submit(actor=site["actors"]["contractor"], sanction=card, text="不服")
    with pytest.raises(Conflict):
        services.appeal_submit(actor=site["actors"]["contractor"], sanction=card, text="再次")
    services.appeal_review(
        actor=site["actors"]["regulator"], appeal=appeal, decision="upheld", note="维持"
    )
    card.refresh_from_db()
    assert card.status == "active" and selectors.sanction_reasons(gc, today_local())


def test_non_regulator_cannot_issue(site):
    gc = site["orgs"]["general_contractor"]
    for actor in ("contractor", "owner", "supervisor"):
        with pytest.raises(PermissionDenied) as exc:
            services.card_issue(
                actor=site["actors"][actor], organisation=gc, kind="yellow", reason="x"
            )
        assert exc.value.status == 403 and _zh(exc)
        with pytest.raises(PermissionDenied):
            services.blacklist_issue(
                actor=site["actors"][actor],
                organisation=gc,
                trigger="false_qualification",
                reason="x",
                evidence=["x"],
            )
        with pytest.raises(PermissionDenied):
            services.procurement_ban_issue(
                actor=site["actors"][actor], organisation=gc, years=1, reason="x"
            )
    assert not Sanction.objects.exists()


@pytest.mark.parametrize("trigger", sorted(sanctions.TRIGGERS))
def test_each_national_blacklist_trigger(site, trigger):
    gc = site["orgs"]["general_contractor"]
    today = today_local()
    entry = services.blacklist_issue(
        actor=site["actors"]["regulator"],
        organisation=gc,
        trigger=trigger,
        reason="经查属实",
        evidence=["京建罚〔2026〕1号"],
        accident_dates=[today - dt.timedelta(days=200), today - dt.timedelta(days=10)],
    )
    assert entry.kind == "blacklist" and entry.trigger == trigger
    assert sanctions.TRIGGERS[trigger] in entry.reason and "241" in entry.legal_basis
    assert entry.effective_to == sanctions.add_months(today, 12) - dt.timedelta(days=1)
    assert entry.published_to == sanctions.add_months(entry.effective_to, 36)
    assert "黑名单" in selectors.sanction_reasons(gc, today)[0]
    assert pdf.sanction_pdf(entry).startswith(b"%PDF")


def test_blacklist_bad_input(site):
    gc, reg = site["orgs"]["general_contractor"], site["actors"]["regulator"]
    today = today_local()
    cases = [
        (dict(trigger="late_for_meeting", evidence=["x"]), "unknown_trigger"),
        (dict(trigger="false_qualification", evidence=[]), "evidence_missing"),
        (
            dict(
                trigger="large_accidents",
                evidence=["x"],
                accident_dates=[today - dt.timedelta(days=500), today - dt.timedelta(days=3)],
            ),
            "too_few_accidents",
        ),
    ]
    for args, code in cases:
        with pytest.raises(ValidationFailed) as exc:
            services.blacklist_issue(actor=reg, organisation=gc, reason="经查属实", **args)
        assert exc.value.code == code and exc.value.status == 400 and _zh(exc)
    assert not Sanction.objects.exists()


def test_procurement_ban_years_from_rule_data(site):
    gc, reg = site["orgs"]["general_contractor"], site["actors"]["regulator"]
    for years in (0, 4):
        with pytest.raises(ValidationFailed) as exc:
            services.procurement_ban_issue(actor=reg, organisation=gc, years=years, reason="x")
        assert exc.value.code == "bad_ban_period" and "1至3年" in exc.value.message
    ban = services.procurement_ban_issue(
        actor=reg, organisation=gc, years=3, reason="提供虚假材料谋取中标"
    )
    assert ban.effective_to == sanctions.add_months(today_local(), 36) - dt.timedelta(days=1)
    assert "第七十七条" in ban.legal_basis


def test_appeal_after_window_refused(site):
    gc = site["orgs"]["general_contractor"]
    card = services.card_issue(
        actor=site["actors"]["regulator"], organisation=gc, kind="yellow", reason="x"
    )
    Sanction.objects.filter(pk=card.pk).update(issued_on=today_local() - dt.timedelta(days=16))
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_submit(actor=site["actors"]["contractor"], sanction=card, text="不服")
    assert exc.value.code == "appeal_window_passed" and "15日" in exc.value.message
    with pytest.raises(PermissionDenied):  # only the sanctioned party appeals
        services.appeal_submit(actor=site["actors"]["owner"], sanction=card, text="不服")
    assert not SanctionAppeal.objects.exists()


def test_repair_not_before_three_months(site):
    gc, reg = site["orgs"]["general_contractor"], site["actors"]["regulator"]
    card = services.card_issue(actor=reg, organisation=gc, kind="yellow", reason="x")
    with pytest.raises(ValidationFailed) as exc:
        services.sanction_repair(actor=reg, sanction=card, note="已整改")
    assert exc.value.code == "repair_too_early" and "3个月" in exc.value.message
    start = sanctions.add_months(today_local(), -3)
    Sanction.objects.filter(pk=card.pk).update(published_from=start, issued_on=start)
    card = services.sanction_repair(actor=reg, sanction=card, note="已整改并通过复查")
    assert card.status == "repaired" and card.published_to == today_local()
    assert selectors.sanction_reasons(gc, today_local()) == []
    assert LedgerEntry.objects.filter(type="compliance.sanction_repaired").exists()


def test_public_page_and_api_show_active_hide_revoked(site, client):
    gc, reg = site["orgs"]["general_contractor"], site["actors"]["regulator"]
    shown = services.blacklist_issue(
        actor=reg, organisation=gc, trigger="illegal_subletting", reason="转包", evidence=["x"]
    )
    hidden = services.card_issue(actor=reg, organisation=gc, kind="yellow", reason="撤销的黄牌")
    appeal = services.appeal_submit(actor=site["actors"]["contractor"], sanction=hidden, text="x")
    services.appeal_review(actor=reg, appeal=appeal, decision="revoked", note="撤销")
    r = client.get(reverse("public_sanctions:list"))
    assert r.status_code == 200
    html = r.content.decode()
    assert shown.number in html and hidden.number not in html
    assert shown.effective_to.isoformat() in html
    r = client.get(reverse("public_sanctions:list"), {"q": gc.credit_code})
    assert shown.number in r.content.decode()
    r = client.get(reverse("public_sanctions:list"), {"q": "不存在的单位"})
    assert shown.number not in r.content.decode()
    r = client.get("/api/v1/compliance/public/sanctions", {"q": gc.name})
    assert r.status_code == 200
    numbers = [x["number"] for x in r.json()["items"]]
    assert numbers == [shown.number]


def test_pages_issue_appeal_review(site, client):
    gc = site["orgs"]["general_contractor"]
    client.force_login(site["actors"]["contractor"].user)
    r = client.post(
        reverse("compliance:sanction_issue"),
        {"what": "card", "organisation": gc.pk, "kind": "yellow", "reason": "x"},
    )
    assert r.status_code == 403 and "监管部门" in r.content.decode()
    client.force_login(site["actors"]["regulator"].user)
    assert "form-blacklist" in client.get(reverse("compliance:sanctions")).content.decode()
    r = client.post(
        reverse("compliance:sanction_issue"),
        {"what": "blacklist", "organisation": gc.pk, "trigger": "bogus", "reason": "x"},
    )
    assert r.status_code == 400 and "未知的黑名单情形" in r.content.decode()
    r = client.post(
        reverse("compliance:sanction_issue"),
        {"what": "ban", "organisation": gc.pk, "years": "2", "reason": "虚假材料"},
    )
    assert r.status_code == 302
    ban = Sanction.objects.get()
    assert client.get(reverse("compliance:sanction_pdf", args=[ban.pk]))["Content-Type"] == (
        "application/pdf"
    )
    client.force_login(site["actors"]["contractor"].user)
    page = client.get(r.url).content.decode()
    assert "form-appeal" in page
    act = reverse("compliance:sanction_act", args=[ban.pk])
    assert client.post(act, {"action": "appeal", "text": "非本单位行为"}).status_code == 302
    client.force_login(site["actors"]["regulator"].user)
    assert "form-review" in client.get(r.url).content.decode()
    r2 = client.post(act, {"action": "review", "decision": "revoked", "note": "证据不足"})
    assert r2.status_code == 302
    ban.refresh_from_db()
    assert ban.status == "revoked"
    client.logout()
    public = client.get(reverse("public_sanctions:list"))
    assert public.status_code == 200 and ban.number not in public.content.decode()


def test_sanction_and_order_pages_show_their_ledger_history(site, client):
    """Every object page carries the 履历 panel (issue 3), with Chinese event labels."""
    from jianguan.ledger.services import tree_head_sign

    order = _raise(site)
    _fail(site, order)
    _fail(site, order)
    yellow = Sanction.objects.get()
    tree_head_sign(force=True)
    client.force_login(site["actors"]["regulator"].user)
    order_html = client.get(reverse("compliance:order", args=[order.pk])).content.decode()
    card_html = client.get(reverse("compliance:sanction", args=[yellow.pk])).content.decode()
    assert 'data-testid="ledger-history"' in order_html and "已校验" in order_html
    assert 'data-testid="ledger-history"' in card_html and "已校验" in card_html
