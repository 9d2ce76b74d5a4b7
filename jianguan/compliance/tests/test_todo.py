"""Rectification orders come to the people who must act on them (待办): the responsible
organisation sees the order to answer with its due date (overdue once the date has passed), the
inspecting organisation sees it to re-inspect once answered, and nobody else sees either — on
the dashboard and in ``GET /api/v1/me/todo``."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.compliance import services
from jianguan.compliance.tests.helpers import PDF, jpeg
from jianguan.core.timeutil import today_local
from jianguan.core.todo import todo_for

TODO = "/api/v1/me/todo"


def _order(site):
    return services.finding_raise(
        actor=site["actors"]["regulator"],
        inspection=site["inspection"],
        type="safety",
        severity="general",
        description="临边防护缺失",
        location="3号楼5层东侧",
        responsible_organisation=site["orgs"]["general_contractor"],
        photos=[jpeg()],
    )


def _kinds(actor, today=None):
    return [(i.kind, i.overdue) for i in todo_for(actor, today or today_local())]


def test_the_responsible_organisation_answers_and_the_inspector_reinspects(site, client, bearer):
    order = _order(site)
    actors = site["actors"]
    contractor, regulator = actors["contractor"], actors["regulator"]
    assert ("compliance.order_answer", False) in _kinds(contractor)
    assert not [k for k, _ in _kinds(regulator) if k.startswith("compliance.")]
    for outsider in (actors["owner"], actors["supervisor"], actors["other_owner"]):
        assert not [k for k, _ in _kinds(outsider) if k.startswith("compliance.")]
    # past the due date it is overdue, and first in the list
    late = _kinds(contractor, order.due_on + dt.timedelta(days=1))
    assert late[0] == ("compliance.order_answer", True)
    assert ("compliance.order_answer", False) in _kinds(contractor, order.due_on)

    body = client.get(TODO, headers=bearer(contractor)).json()
    (item,) = [i for i in body["items"] if i["kind"] == "compliance.order_answer"]
    assert item["kind_label"] == "整改待回复" and order.number in item["title"]
    assert item["url"] == f"/compliance/orders/{order.pk}/" and item["due"] == str(order.due_on)
    assert client.get(item["url"], headers=bearer(contractor)).status_code in (200, 302)

    services.order_answer(
        actor=contractor,
        order=order,
        text="已补设临边防护栏杆",
        files=[SimpleUploadedFile("e.pdf", PDF, content_type="application/pdf")],
    )
    assert not [k for k, _ in _kinds(contractor) if k.startswith("compliance.")]
    assert ("compliance.order_reinspect", False) in _kinds(regulator)
    body = client.get(TODO, headers=bearer(regulator)).json()
    assert body["count"] >= 1 and any(
        i["kind"] == "compliance.order_reinspect" and order.number in i["title"]
        for i in body["items"]
    )

    services.order_reinspect(actor=regulator, order=order, result="failed", note="栏杆高度不足")
    assert ("compliance.order_answer", False) in _kinds(contractor)  # back to the contractor
    assert not [k for k, _ in _kinds(regulator) if k.startswith("compliance.")]


def test_the_dashboard_starts_with_the_todo_list(site, client):
    order = _order(site)
    client.force_login(_user(site["actors"]["contractor"]))
    page = client.get("/").content.decode()
    assert 'data-testid="todo"' in page and order.number in page and "整改待回复" in page
    # the sidebar carries the counts: the dashboard entry all of them, compliance its own
    assert 'data-badge="dashboard"' in page and 'data-badge="compliance"' in page


def test_every_page_carries_the_badges_and_they_follow_the_work(site, client, monkeypatch):
    from django.test import Client

    order = _order(site)
    contractor = site["actors"]["contractor"]
    client.force_login(_user(contractor))
    # a page other than the dashboard, asked first (nothing gathered yet), then again (kept)
    for _ in range(2):
        page = client.get("/compliance/").content.decode()
        assert 'data-badge="dashboard"' in page and 'data-badge="compliance"' in page
    inspector = Client()
    inspector.force_login(_user(site["actors"]["regulator"]))
    assert 'data-badge="compliance"' not in inspector.get("/compliance/").content.decode()
    # the contractor does the work on the order's page: its own badge drops at once
    r = client.post(
        f"/compliance/orders/{order.pk}/answer/",
        {
            "text": "已补设临边防护栏杆",
            "files": SimpleUploadedFile("e.pdf", PDF, "application/pdf"),
        },
    )
    assert r.status_code == 302
    page = client.get("/compliance/").content.decode()
    assert 'data-badge="compliance"' not in page
    # work handed to someone else: the inspector's kept counts stand until their time limit
    # (BADGE_TTL_SECONDS), its dashboard shows the new item at once
    assert 'data-badge="compliance"' not in inspector.get("/compliance/").content.decode()
    assert 'data-badge="compliance"' in inspector.get("/").content.decode()
    monkeypatch.setattr("jianguan.web.context.BADGE_TTL_SECONDS", 0)  # the time limit passed
    assert 'data-badge="compliance"' in inspector.get("/compliance/").content.decode()


def test_anonymous_has_no_todo_list(client):
    r = client.get(TODO)
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"


def _user(actor):
    from jianguan.accounts.models import User

    return User.objects.get(pk=actor.user_id)


def test_what_i_did_is_listed_in_words_on_the_dashboard(site, client):
    from jianguan.ledger.labels import label

    order = _order(site)
    contractor = site["actors"]["contractor"]
    services.order_answer(
        actor=contractor,
        order=order,
        text="已补设临边防护栏杆",
        files=[SimpleUploadedFile("e.pdf", PDF, content_type="application/pdf")],
    )
    client.force_login(_user(contractor))
    page = client.get("/").content.decode()
    done = page[page.index('data-testid="done"') :]
    assert label("compliance.order_answered") in done and order.number in done
    assert "compliance.order_answered" not in done  # words, not codes
    # the regulator's own list holds its inspection and finding, not the contractor's answer
    client.force_login(_user(site["actors"]["regulator"]))
    page = client.get("/").content.decode()
    done = page[page.index('data-testid="done"') :]
    assert label("compliance.finding_raised") in done
    assert label("compliance.order_answered") not in done
