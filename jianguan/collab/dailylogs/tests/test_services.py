"""The daily log journey through the services: a draft prefilled from attendance, photos, the
author's signature with the content's SM3 in the ledger, no edit after signing (an addendum
instead), one log per day, only the project's contractor/supervisor write, and the supervisor's
log raising a finding."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.collab.dailylogs import selectors, services, workflow
from jianguan.collab.dailylogs.tests.conftest import DAY, photo
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.ledger.models import LedgerEntry


def test_journey_prefill_sign_ledger_addendum(site, attendance):
    gc = site["actors"]["contractor"]
    log = services.log_create(
        actor=gc,
        project=site["project"],
        kind=workflow.CONSTRUCTION,
        log_date=DAY,
        weather_am="sunny",
        temp_min=-3,
        temp_max=6,
        equipment=[{"name": "塔吊", "count": 1}],
        work_done="二层顶板钢筋绑扎",
    )
    assert log.status == workflow.DRAFT
    assert {(r["trade"], r["count"], r["from_attendance"]) for r in log.manpower} == {
        ("rebar_worker", 2, True),
        ("electrician", 1, True),
    }
    services.log_photo_add(actor=gc, log=log, photo=photo(), caption="钢筋")
    log = services.log_update(actor=gc, log=log, issues="无")
    assert log.issues == "无" and log.work_done == "二层顶板钢筋绑扎"
    log = services.log_sign(actor=gc, log=log)
    assert log.status == workflow.SIGNED and len(log.content_sm3) == 64
    entry = LedgerEntry.objects.get(type="dailylogs.log_signed", object_id=str(log.pk))
    assert log.content_sm3.encode() in bytes(entry.leaf_input)
    assert LedgerEntry.objects.filter(type="dailylogs.photo_added").count() == 1

    with pytest.raises(Conflict) as exc:
        services.log_update(actor=gc, log=log, issues="改")
    assert exc.value.code == "log_signed"
    with pytest.raises(Conflict):
        services.log_photo_add(actor=gc, log=log, photo=photo())
    with pytest.raises(Conflict):
        services.log_sign(actor=gc, log=log)

    add = services.log_create(
        actor=gc,
        project=site["project"],
        kind=workflow.CONSTRUCTION,
        log_date=DAY,
        addendum_of=log,
        manpower=[],
        issues="更正：塔吊 2 台",
    )
    assert add.addendum_of == log and add.log_date == DAY
    assert LedgerEntry.objects.filter(type="dailylogs.addendum_created").count() == 1


def test_no_attendance_leaves_manpower_empty(site):
    log = services.log_create(
        actor=site["actors"]["contractor"],
        project=site["project"],
        kind=workflow.CONSTRUCTION,
        log_date=DAY,
    )
    assert log.manpower == []


def test_duplicate_log_is_409(site):
    gc = site["actors"]["contractor"]
    args = dict(actor=gc, project=site["project"], kind=workflow.CONSTRUCTION, log_date=DAY)
    services.log_create(**args)
    with pytest.raises(Conflict) as exc:
        services.log_create(**args)
    assert exc.value.code == "duplicate_log"


def test_bad_input(site):
    gc = site["actors"]["contractor"]
    base = dict(actor=gc, project=site["project"], kind=workflow.CONSTRUCTION)
    with pytest.raises(ValidationFailed) as exc:
        services.log_create(**base, log_date=today_local() + dt.timedelta(days=1))
    assert exc.value.code == "future_date"
    with pytest.raises(ValidationFailed) as exc:
        services.log_create(**base, log_date=DAY, manpower=[{"trade": "x", "count": 1}])
    assert exc.value.code == "unknown_trade"
    with pytest.raises(ValidationFailed):
        services.log_create(**base, log_date=DAY, temp_min=9, temp_max=1)
    log = services.log_create(**base, log_date=DAY)
    with pytest.raises(ValidationFailed) as exc:
        services.log_photo_add(actor=gc, log=log, photo=photo(b"%PDF-1.4 not an image"))
    assert exc.value.code == "bad_file_type"
    assert not log.photos.exists()
    with pytest.raises(ValidationFailed):  # the addendum of a draft
        services.log_create(**base, log_date=DAY, addendum_of=log)


def test_only_the_projects_writers_and_the_author(site):
    p = site["project"]
    with pytest.raises(PermissionDenied) as exc:  # the supervisor writes no 施工日志
        services.log_create(
            actor=site["actors"]["supervisor"], project=p, kind=workflow.CONSTRUCTION, log_date=DAY
        )
    assert exc.value.code == "not_log_writer"
    with pytest.raises(PermissionDenied):  # another supervisor firm is no party
        services.log_create(
            actor=site["actors"]["other_supervisor"],
            project=p,
            kind=workflow.SUPERVISION,
            log_date=DAY,
        )
    with pytest.raises(PermissionDenied):  # the owner has no grant
        services.log_create(
            actor=site["actors"]["owner"], project=p, kind=workflow.CONSTRUCTION, log_date=DAY
        )
    log = services.log_create(
        actor=site["actors"]["supervisor"], project=p, kind=workflow.SUPERVISION, log_date=DAY
    )
    with pytest.raises(PermissionDenied) as exc:
        services.log_sign(actor=site["actors"]["contractor"], log=log)
    assert exc.value.code == "not_author"


def test_drafts_are_the_writers_own(site):
    p = site["project"]
    log = services.log_create(
        actor=site["actors"]["contractor"], project=p, kind=workflow.CONSTRUCTION, log_date=DAY
    )
    owner = site["actors"]["owner"]
    assert not selectors.logs_of(actor=owner, project=p).exists()
    services.log_sign(actor=site["actors"]["contractor"], log=log)
    assert selectors.logs_of(actor=owner, project=p).count() == 1


def test_supervisor_log_raises_a_finding(site):
    from jianguan.compliance.models import RectificationOrder

    sup = site["actors"]["supervisor"]
    log = services.log_create(
        actor=sup, project=site["project"], kind=workflow.SUPERVISION, log_date=DAY
    )
    order = services.log_finding_raise(
        actor=sup,
        log=log,
        type="safety",
        severity="general",
        description="临边防护缺失",
        responsible_organisation=site["orgs"]["general_contractor"],
    )
    log.refresh_from_db()
    assert log.finding_order_id == order.pk
    assert RectificationOrder.objects.get(pk=order.pk).finding.description == "临边防护缺失"
    assert LedgerEntry.objects.filter(type="dailylogs.finding_raised").exists()
    with pytest.raises(Conflict):
        services.log_finding_raise(
            actor=sup,
            log=log,
            type="safety",
            severity="general",
            description="again",
            responsible_organisation=site["orgs"]["general_contractor"],
        )
    clog = services.log_create(
        actor=site["actors"]["contractor"],
        project=site["project"],
        kind=workflow.CONSTRUCTION,
        log_date=DAY,
    )
    with pytest.raises(ValidationFailed):
        services.log_finding_raise(
            actor=sup,
            log=clog,
            type="safety",
            severity="general",
            description="x",
            responsible_organisation=site["orgs"]["general_contractor"],
        )


def test_todo_missing_and_unsigned(site):
    from jianguan.core.todo import todo_for

    gc = site["actors"]["contractor"]
    today = today_local()
    kinds = [i.kind for i in todo_for(gc, today) if i.kind.startswith("dailylogs.")]
    assert kinds == ["dailylogs.missing"]
    from jianguan.collab.dailylogs.workflow import previous_workday
    from jianguan.rules.lookup import is_workday

    day = previous_workday(today, is_workday)
    services.log_create(actor=gc, project=site["project"], kind=workflow.CONSTRUCTION, log_date=day)
    items = [i for i in todo_for(gc, today) if i.kind.startswith("dailylogs.")]
    assert [i.kind for i in items] == ["dailylogs.unsigned"]
