"""RFI journeys through the services: the thread and the ball, the due date from rule data,
escalation by the clock level by level (idempotent), the RFI → variation link, bad input."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.collab.rfis import services, workflow
from jianguan.collab.rfis.models import Rfi
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.ledger.models import LedgerEntry
from jianguan.rules.lookup import add_working_days, rule_value
from jianguan.workbench.notifications.models import Notification


def raise_rfi(team, **over) -> Rfi:
    args = dict(
        actor=team["actors"]["contractor"],
        project=team["project"],
        kind=workflow.TECHNICAL,
        subject="地下室外墙防水做法与图纸不符",
        question="图纸 S-03 与 A-12 的防水卷材层数不一致，以哪一张为准？",
        addressed_to_id=team["orgs"]["designer"].pk,
    )
    args.update(over)
    return services.rfi_raise(**args)


def body(entry) -> dict:
    """The ledger entry's canonical JSON (type, object, payload, files)."""
    return json.loads(bytes(entry.leaf_input))


def entries(rfi, type_):
    return LedgerEntry.objects.filter(type=type_, object_id=str(rfi.pk))


@pytest.mark.rule("rfi.answer_working_days.*", "rfi.answer_working_days.technical")
def test_journey_ask_return_resubmit_answer_close(team, clock):
    a = team["actors"]
    rfi = raise_rfi(team)
    assert rfi.number == "JH-0001" and rfi.state == workflow.OPEN
    assert rfi.court_org_id == team["orgs"]["designer"].pk
    days = rule_value("rfi.answer_working_days.technical")
    assert rfi.due_on == add_working_days(clock.day, days, provisional=True)
    assert Notification.objects.filter(user=a["designer"].user, kind="collab_rfis.rfi_new").exists()
    # the designer wants more: the ball goes back to the asker, the clock stops
    rfi = services.rfi_act(actor=a["designer"], rfi=rfi, action="return", text="请附现场照片")
    assert rfi.state == workflow.RETURNED and rfi.due_on is None
    assert rfi.court_org_id == team["orgs"]["general_contractor"].pk
    photo = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    rfi = services.rfi_act(
        actor=a["contractor"], rfi=rfi, action="resubmit", text="已附照片", files=[photo]
    )
    assert rfi.state == workflow.OPEN and rfi.due_on is not None
    rfi = services.rfi_act(actor=a["designer"], rfi=rfi, action="answer", text="以 S-03 为准")
    assert rfi.state == workflow.ANSWERED and rfi.answer == "以 S-03 为准"
    assert rfi.answered_by == a["designer"].user
    rfi = services.rfi_act(actor=a["contractor"], rfi=rfi, action="close")
    assert rfi.state == workflow.CLOSED and rfi.court_org_id is None
    assert [r.action for r in rfi.responses.all()] == [
        "submit",
        "return",
        "resubmit",
        "answer",
        "close",
    ]
    for t in ("raised", "submit", "return", "resubmit", "answer", "close"):
        assert entries(rfi, f"collab_rfis.rfi_{t}").count() == 1, t
    resubmit = entries(rfi, "collab_rfis.rfi_resubmit").get()
    assert body(resubmit)["files"][0]["sm3"] == rfi.attachments.get().sm3


@pytest.mark.rule("rfi.answer_working_days.urgent")
def test_urgent_uses_its_own_clock_and_numbers_run_per_project(team, clock):
    rfi = raise_rfi(team, kind=workflow.CONTACT, priority=workflow.URGENT)
    assert rfi.number == "LX-0001"
    assert rfi.due_on == add_working_days(
        clock.day, rule_value("rfi.answer_working_days.urgent"), provisional=True
    )
    assert raise_rfi(team, kind=workflow.CONTACT, submit=False).number == "LX-0002"


def test_answer_by_a_party_not_in_court_is_refused(team, clock):
    a = team["actors"]
    rfi = raise_rfi(team)
    for who in ("contractor", "supervisor", "owner"):
        with pytest.raises(PermissionDenied) as e:
            services.rfi_act(actor=a[who], rfi=rfi, action="answer", text="x")
        assert e.value.code == "not_in_court"
    rfi.refresh_from_db()
    assert rfi.state == workflow.OPEN and rfi.responses.count() == 1
    with pytest.raises(ValidationFailed):
        services.rfi_act(actor=a["designer"], rfi=rfi, action="answer", text="  ")
    with pytest.raises(Conflict):
        services.rfi_act(actor=a["designer"], rfi=rfi, action="close")


def test_bad_input_nothing_half_saved(team, clock):
    a, o = team["actors"], team["orgs"]
    with pytest.raises(ValidationFailed) as e:
        raise_rfi(team, addressed_to_id=o["outsider"].pk)
    assert e.value.code == "addressee_not_in_project"
    with pytest.raises(ValidationFailed) as e:
        raise_rfi(team, addressed_to_id=o["general_contractor"].pk)
    assert e.value.code == "addressee_is_self"
    with pytest.raises(ValidationFailed):
        raise_rfi(team, kind="letter")
    with pytest.raises(ValidationFailed):
        raise_rfi(team, subject=" ")
    with pytest.raises(ValidationFailed):
        raise_rfi(team, cost_impact=True, cost_estimate="12.345")
    with pytest.raises(ValidationFailed) as e:
        raise_rfi(team, cost_estimate="100")
    assert e.value.code == "estimate_without_cost"
    with pytest.raises(ValidationFailed):
        raise_rfi(team, files=[SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 10)])
    with pytest.raises(PermissionDenied):
        raise_rfi(team, actor=a["outsider"], addressed_to_id=o["designer"].pk)
    with pytest.raises(PermissionDenied):
        raise_rfi(team, actor=a["regulator"])
    assert not Rfi.objects.exists()


def _sweep_at(clock, day):
    clock.day = day
    return services.clock_sweep(today=day)


@pytest.mark.rule("rfi.remind_before_working_days")
@pytest.mark.rule("rfi.escalate_level*_working_days")
@pytest.mark.rule("rfi.escalate_level1_working_days")
@pytest.mark.rule("rfi.escalate_level2_working_days")
@pytest.mark.rule("rfi.escalate_level3_working_days")
def test_escalation_by_the_clock_level_by_level(team, clock):
    a = team["actors"]
    rfi = raise_rfi(team, kind=workflow.CONTACT)
    due = rfi.due_on
    assert _sweep_at(clock, rfi.remind_on - dt.timedelta(days=1)) == {"reminded": 0, "escalated": 0}
    # the reminder, once, to the party in court
    assert _sweep_at(clock, rfi.remind_on)["reminded"] == 1
    assert _sweep_at(clock, rfi.remind_on)["reminded"] == 0
    assert (
        Notification.objects.filter(user=a["designer"].user, kind="collab_rfis.reminder").count()
        == 1
    )
    levels = [
        add_working_days(due, rule_value(f"rfi.escalate_level{n}_working_days"), provisional=True)
        for n in (1, 2, 3)
    ]
    # on the due date nothing escalates; the day before level 1 neither
    _sweep_at(clock, due)
    _sweep_at(clock, levels[0] - dt.timedelta(days=1))
    rfi.refresh_from_db()
    assert rfi.escalation_level == 0
    # level 1: the addressee's heads
    assert _sweep_at(clock, levels[0])["escalated"] == 1
    rfi.refresh_from_db()
    assert rfi.escalation_level == 1
    heads = Notification.objects.filter(kind="collab_rfis.escalated")
    assert set(heads.values_list("user__username", flat=True)) == {"des1"}
    assert _sweep_at(clock, levels[0])["escalated"] == 0  # idempotent
    # level 2: the owner
    _sweep_at(clock, levels[1])
    rfi.refresh_from_db()
    assert rfi.escalation_level == 2
    assert heads.filter(user=a["owner"].user).count() == 1
    # level 3: the regulator's dashboard (督办) and its inspectors
    _sweep_at(clock, levels[2])
    rfi.refresh_from_db()
    assert rfi.escalation_level == 3
    assert heads.filter(user=a["regulator"].user).count() == 1
    assert _sweep_at(clock, levels[2] + dt.timedelta(days=30))["escalated"] == 0
    assert entries(rfi, "collab_rfis.rfi_escalated").count() == 3
    from jianguan.collab.rfis import selectors

    assert rfi in selectors.escalated_to_regulator(actor=a["regulator"])["rfis"]
    from jianguan.core.todo import todo_for

    kinds = {i.kind for i in todo_for(a["regulator"], levels[2])}
    assert "collab_rfis.supervise" in kinds
    # answered: the clock stops and the item leaves the regulator's list
    services.rfi_act(actor=a["designer"], rfi=rfi, action="answer", text="按 A-12")
    rfi.refresh_from_db()
    assert rfi.escalation_level == 0 and rfi.due_on is None
    assert not selectors.escalated_to_regulator(actor=a["regulator"])["rfis"]


def test_a_late_sweep_still_takes_every_level_in_order(team, clock):
    rfi = raise_rfi(team, kind=workflow.CONTACT)
    out = _sweep_at(clock, rfi.due_on + dt.timedelta(days=60))
    assert out == {"reminded": 1, "escalated": 3}
    levels = [
        body(e)["payload"]["level"]
        for e in entries(rfi, "collab_rfis.rfi_escalated").order_by("index")
    ]
    assert levels == [1, 2, 3]


def test_overdue_rfi_is_a_project_warning(team, clock):
    from jianguan.collab.rfis.setup import WARNING_CODE, _batch_facts, check_overdue

    rfi = raise_rfi(team)
    project = team["project"]
    day = rfi.due_on + dt.timedelta(days=6)
    facts = _batch_facts([project], today=day)[project.pk]
    level, reason = check_overdue(facts, day, {WARNING_CODE: rule_value(WARNING_CODE)})
    assert level == 2 and rfi.number in reason and "6 天" in reason
    assert (
        check_overdue(_batch_facts([project], today=rfi.due_on)[project.pk], rfi.due_on, {}) is None
    )


def _answered_with_cost(team):
    a = team["actors"]
    rfi = raise_rfi(team, cost_impact=True, cost_estimate="86000.00", schedule_impact_days=5)
    return services.rfi_act(actor=a["designer"], rfi=rfi, action="answer", text="增设一道防水层")


LINE = {
    "code": "010904001099",
    "name": "增设防水卷材",
    "unit": "m2",
    "unit_rate": "86.00",
    "quantity": "1000",
}


def test_rfi_with_cost_impact_becomes_a_variation_linked_both_ways(team, clock):
    from jianguan.contracts.models import Variation

    rfi = _answered_with_cost(team)
    variation = services.rfi_raise_variation(
        actor=team["actors"]["contractor"], rfi=rfi, contract_id=team["contract"].pk, lines=[LINE]
    )
    rfi.refresh_from_db()
    assert rfi.variation_id == variation.pk
    v = Variation.objects.get(pk=variation.pk)
    assert rfi.number in v.cause_reference and v.cause == "design_change"
    assert v.amount == Decimal("86000.00")
    assert body(entries(rfi, "collab_rfis.rfi_variation").get())["payload"]["variation"] == v.number
    with pytest.raises(Conflict) as e:
        services.rfi_raise_variation(
            actor=team["actors"]["contractor"],
            rfi=rfi,
            contract_id=team["contract"].pk,
            lines=[LINE],
        )
    assert e.value.code == "already_varied"


def test_variation_refused_without_cost_or_before_answer_or_other_contract(team, clock):
    a = team["actors"]
    plain = raise_rfi(team)
    with pytest.raises(Conflict):
        services.rfi_raise_variation(
            actor=a["contractor"], rfi=plain, contract_id=team["contract"].pk, lines=[LINE]
        )
    costly = raise_rfi(team, cost_impact=True)
    with pytest.raises(Conflict) as e:
        services.rfi_raise_variation(
            actor=a["contractor"], rfi=costly, contract_id=team["contract"].pk, lines=[LINE]
        )
    assert e.value.code == "not_answered"
    answered = _answered_with_cost(team)
    with pytest.raises(ValidationFailed):
        services.rfi_raise_variation(
            actor=a["contractor"], rfi=answered, contract_id=0, lines=[LINE]
        )
    with pytest.raises(PermissionDenied):  # the designer is no party of the contract
        services.rfi_raise_variation(
            actor=a["designer"], rfi=answered, contract_id=team["contract"].pk, lines=[LINE]
        )
    answered.refresh_from_db()
    assert answered.variation_id is None


def test_drafts_are_the_askers_own(team, clock):
    from jianguan.collab.rfis import selectors
    from jianguan.core.errors import NotFound

    rfi = raise_rfi(team, submit=False)
    assert rfi.state == workflow.DRAFT and rfi.due_on is None
    assert selectors.rfi_get(actor=team["actors"]["contractor"], pk=rfi.pk)
    with pytest.raises(NotFound):
        selectors.rfi_get(actor=team["actors"]["designer"], pk=rfi.pk)
    rfi = services.rfi_act(actor=team["actors"]["contractor"], rfi=rfi, action="submit")
    assert selectors.rfi_get(actor=team["actors"]["designer"], pk=rfi.pk)
