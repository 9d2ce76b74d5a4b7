"""The policy push journey: the regulator drafts, attaches a PDF and publishes; the targeted
organisations (kinds and/or towns) get receipts, a to-do item and a notification; a member's
first read and an acknowledgement are recorded; tracking counts them; bad input is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.collab.policies import selectors, services, workflow
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.core.todo import todo_for
from jianguan.ledger.models import LedgerEntry

D = dt.date(2026, 3, 1)


def draft(reg, **over):
    args = dict(
        actor=reg,
        title="保障农民工工资支付条例",
        issuer="国务院",
        number="国务院令第724号",
        issued_on=D,
        effective_on=D,
        full_text="施工总承包单位应当开设农民工工资专用账户。",
        tags=["农民工工资"],
        target_kinds=["general_contractor"],
    )
    args.update(over)
    return services.policy_create(**args)


def pdf(data=b"%PDF-1.4\n%%EOF\n"):
    return SimpleUploadedFile("a.pdf", data, "application/pdf")


def test_publish_receipts_todo_read_acknowledge(
    regulator, contractor, supervisor, django_capture_on_commit_callbacks
):
    from jianguan.workbench.notifications.models import Notification

    p = draft(regulator)
    services.policy_attachment_add(actor=regulator, policy=p, file=pdf(), name="条例全文")
    with django_capture_on_commit_callbacks(execute=True):
        p = services.policy_publish(actor=regulator, policy=p)
    assert p.status == workflow.PUBLISHED
    assert list(p.receipts.values_list("organisation_id", flat=True)) == [
        contractor.organisation_id
    ]
    assert Notification.objects.filter(
        user_id=contractor.user_id, kind="policies.published"
    ).exists()
    assert not Notification.objects.filter(user_id=supervisor.user_id).exists()
    assert LedgerEntry.objects.filter(type="policies.policy_published").count() == 1
    titles = [i.title for i in todo_for(contractor, today_local())]
    assert "确认已阅政策：保障农民工工资支付条例" in titles
    assert not [i for i in todo_for(supervisor, today_local()) if i.kind == "policies.acknowledge"]

    services.policy_read(actor=contractor, policy=p)
    t = selectors.tracking(actor=regulator, policy=p)
    assert (t["targeted"], t["read"], t["acknowledged"], t["read_percent"]) == (1, 1, 0, "100%")
    r = services.policy_acknowledge(actor=contractor, policy=p)
    assert r.acknowledged_at and r.acknowledged_by_id == contractor.user_id
    assert not [i for i in todo_for(contractor, today_local()) if i.kind == "policies.acknowledge"]
    with pytest.raises(Conflict) as exc:
        services.policy_acknowledge(actor=contractor, policy=p)
    assert exc.value.code == "already_acknowledged"
    t = selectors.tracking(actor=regulator, policy=p)
    assert t["acknowledged_percent"] == "100%" and t["pending"] == []


def test_non_targeted_organisation_cannot_acknowledge(regulator, contractor, supervisor):
    p = services.policy_publish(actor=regulator, policy=draft(regulator))
    with pytest.raises(PermissionDenied) as exc:
        services.policy_acknowledge(actor=supervisor, policy=p)
    assert exc.value.code == "not_targeted"
    assert services.policy_read(actor=supervisor, policy=p) is None


def test_town_targeting(regulator, make_persona):
    from jianguan.accounts.tests.factories import OrganisationFactory, TownFactory

    town, other = TownFactory(name="黄村镇"), TownFactory(name="西红门镇")
    inside = OrganisationFactory(kind="owner", town=town)
    OrganisationFactory(kind="owner", town=other)
    OrganisationFactory(kind="supervisor", town=town)
    p = draft(regulator, target_kinds=["owner"], town_ids=[town.pk])
    p = services.policy_publish(actor=regulator, policy=p)
    assert list(p.receipts.values_list("organisation_id", flat=True)) == [inside.pk]


def test_bad_input_and_permissions(regulator, contractor):
    with pytest.raises(PermissionDenied):
        draft(contractor)
    with pytest.raises(ValidationFailed) as exc:
        draft(regulator, effective_on=D - dt.timedelta(days=1))
    assert exc.value.code == "bad_dates"
    with pytest.raises(ValidationFailed) as exc:
        draft(regulator, target_kinds=["pirates"])
    assert exc.value.code == "unknown_kind"
    with pytest.raises(ValidationFailed):
        draft(regulator, town_ids=[987654])
    p = draft(regulator)
    with pytest.raises(ValidationFailed) as exc:
        services.policy_attachment_add(actor=regulator, policy=p, file=pdf(b"\x89PNG....."))
    assert exc.value.code == "bad_file_type"
    assert not p.attachments.exists()
    with pytest.raises(Conflict):
        services.policy_repeal(actor=regulator, policy=p, reason="x")
    p = services.policy_publish(actor=regulator, policy=p)
    with pytest.raises(Conflict) as exc:
        services.policy_update(actor=regulator, policy=p, title="改")
    assert exc.value.code == "not_draft"
    with pytest.raises(ValidationFailed):
        services.policy_repeal(actor=regulator, policy=p, reason=" ")
    p = services.policy_repeal(actor=regulator, policy=p, reason="已被新规定替代")
    assert p.status == workflow.REPEALED
    with pytest.raises(Conflict):
        services.policy_acknowledge(actor=contractor, policy=p)


def test_drafts_are_the_regulators(regulator, contractor):
    p = draft(regulator)
    assert not selectors.visible_to(contractor).filter(pk=p.pk).exists()
    assert selectors.visible_to(regulator).filter(pk=p.pk).exists()
    assert not selectors.public().filter(pk=p.pk).exists()
