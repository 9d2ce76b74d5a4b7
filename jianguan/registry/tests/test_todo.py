"""An organisation's records keepers are asked to renew a credential before it lapses (待办):
from the furthest credential-expiry warning threshold in rule data (a project would turn blue),
overdue once lapsed, gone once a renewed certificate is on file; other organisations and
members without the right to keep the records see nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core.todo import todo_for
from jianguan.registry.tests.test_expiry import licence
from jianguan.registry.tests.test_services import qual
from jianguan.rules.lookup import rule_value

pytestmark = pytest.mark.usefixtures("rules_loaded")


def _items(actor, today):
    return [i for i in todo_for(actor, today) if i.kind == "registry.credential_renew"]


def test_renewal_is_asked_from_the_furthest_threshold_and_stops_once_renewed(
    contractor, owner, make_persona, today
):
    org = contractor.organisation
    horizon = max(rule_value("warning.credential_expiry_days", on=today).values())
    q = qual(contractor, org, today, valid_to=today + dt.timedelta(days=horizon + 1))
    assert _items(contractor, today) == []  # a day beyond the threshold: not yet
    assert [i.due for i in _items(contractor, today + dt.timedelta(days=1))] == [q.valid_to]
    (item,) = _items(contractor, q.valid_to)
    assert not item.overdue and "建筑工程施工总承包" in item.title and "即将到期" in item.title
    assert item.url == f"/registry/organisations/{org.pk}/"
    (item,) = _items(contractor, q.valid_to + dt.timedelta(days=1))
    assert item.overdue and "已过期" in item.title
    # another organisation, and a member who does not keep the records, are not asked
    assert _items(owner, q.valid_to) == []
    reviewer = make_persona("gc_reviewer", roles=("reviewer",), organisation=org)
    assert _items(reviewer, q.valid_to) == []
    # the renewed certificate (same category, later date) supersedes the old one
    qual(contractor, org, today, number="D211000002", valid_to=today + dt.timedelta(days=1500))
    assert _items(contractor, q.valid_to) == []


def test_an_expiring_safety_licence_is_asked_too(contractor, today):
    lic = licence(contractor.organisation, today, 10)
    (item,) = _items(contractor, today)
    assert lic.number in item.title and item.due == lic.valid_to and not item.overdue
