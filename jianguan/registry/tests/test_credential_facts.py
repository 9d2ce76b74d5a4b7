"""The credential facts the warnings read are those of the day the warnings are computed for:
a registered person whose assignment ended before that day is not the project's any more, one
whose assignment runs on that day still is (before, the selector used the real today, so a
recompute for another day picked the wrong people)."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.projects.facts import provided_facts
from jianguan.registry.models import PersonAssignment
from jianguan.registry.selectors import credential_facts_batch
from jianguan.registry.tests.conftest import constructor

ON = dt.date(2026, 6, 1)
DAY = dt.timedelta(days=1)


def _names(facts: dict) -> set[str]:
    return {c["name"] for c in facts["credentials"] if c["kind"] != "资质"}


@pytest.mark.parametrize(
    ("end", "counted"), [(ON - DAY, False), (ON, True), (ON + DAY, True), (None, True)]
)
def test_assignments_are_those_active_on_the_day_of_the_recompute(
    rules_loaded, contractor, make_project, end, counted
):
    project = make_project()
    person = constructor(contractor.organisation, valid_to=dt.date(2030, 12, 31))
    PersonAssignment.objects.create(
        person=person, project=project, role="project_manager", start=ON - 100 * DAY, end=end
    )
    got = credential_facts_batch([project], today=ON)[project.pk]
    assert any("王建华" in n for n in _names(got)) is counted
    # the registry hands the day through: the same answer through the projects facts registry
    via = provided_facts([project], today=ON)[project.pk]
    assert any("王建华" in n for n in _names(via)) is counted
