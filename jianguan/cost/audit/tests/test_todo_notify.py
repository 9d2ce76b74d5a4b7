"""Work comes to people: each step puts the next party's to-do with its clock on their list
and notifies them; the to-do provider reads once."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core.timeutil import today_local
from jianguan.cost.audit import services as svc
from jianguan.cost.audit import services_close as close
from jianguan.workbench.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _todo(actor):
    from jianguan.cost.audit.setup import _todo

    return [(t.kind, t.due) for t in _todo(actor, today_local())]


def test_todos_and_notifications_follow_the_ball(
    deal, account, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    a, o = deal["actors"], deal["orgs"]
    with django_capture_on_commit_callbacks(execute=True):
        audit = svc.audit_engage(
            actor=a["owner"], account=account, firm=o["auditor"], reference="R"
        )
    for who in ("auditor", "finance", "contractor"):
        assert Notification.objects.filter(
            user_id=a[who].user_id, kind="cost_audit.engaged"
        ).exists(), who
    assert not Notification.objects.filter(user_id=a["owner"].user_id).exists()
    with django_assert_max_num_queries(1):
        assert _todo(a["auditor"]) == [("cost_audit.review", audit.review_due_on)]
    assert _todo(a["finance"]) == [("cost_audit.review", audit.review_due_on)]
    assert _todo(a["contractor"]) == []
    r = {x.stage: x for x in audit.reviews.all()}
    line = account.lines.get(code="BG-001")
    svc.cuts_set(actor=a["auditor"], review=r["audit"], rows=[(line.pk, "1000", "核减")])
    svc.review_submit(actor=a["finance"], review=r["finance"])
    assert _todo(a["finance"]) == [] and len(_todo(a["auditor"])) == 1
    with django_capture_on_commit_callbacks(execute=True):
        svc.review_submit(actor=a["auditor"], review=r["audit"])
    audit.refresh_from_db()
    assert Notification.objects.filter(
        user_id=a["contractor"].user_id, kind="cost_audit.merged"
    ).exists()
    assert _todo(a["contractor"]) == [("cost_audit.respond", audit.response_due_on)]
    close.cuts_respond(actor=a["contractor"], audit=audit, disputes={line.pk: "有依据"})
    audit.refresh_from_db()
    assert _todo(a["owner"]) == [("cost_audit.meeting", audit.meeting_due_on)]
    assert _todo(a["contractor"]) == []
    close.meeting_record(
        actor=a["owner"],
        audit=audit,
        held_on=today_local() - dt.timedelta(days=1),
        venue="会议室",
        attendees="各方",
        minutes="纪要",
        figures={line.pk: "1500"},
    )
    assert _todo(a["auditor"]) == [("cost_audit.report", None)]
    close.report_issue(actor=a["auditor"], audit=audit)
    assert _todo(a["auditor"]) == [] and _todo(a["owner"]) == []
