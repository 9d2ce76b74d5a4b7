"""Expiring credentials reach the project warnings through the registered facts provider."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core.actor import SYSTEM
from jianguan.projects.facts import project_facts
from jianguan.projects.models import ProjectWarning
from jianguan.projects.services import participant_add, warnings_recompute
from jianguan.registry import services
from jianguan.registry.tests.conftest import constructor

pytestmark = pytest.mark.usefixtures("rules_loaded")


def licence(org, today, left, number="安许001"):
    return services.safety_licence_add(
        actor=SYSTEM,
        organisation=org,
        number=number,
        issuer="北京市住房和城乡建设委员会",
        valid_from=today - dt.timedelta(days=1000),
        valid_to=today + dt.timedelta(days=left),
    )


def credential_warning(project):
    return ProjectWarning.objects.filter(
        project=project, rule_code="credential_expiry", cleared_at__isnull=True
    ).first()


def test_participant_licence_expiring_lights_the_warning(contractor, make_project, today):
    org = contractor.organisation
    project = make_project()
    participant_add(actor=SYSTEM, project=project, organisation=org, role="general_contractor")
    licence(org, today, 400)
    warnings_recompute(project=project, today=today)
    assert credential_warning(project) is None

    licence(org, today, 5, number="安许002")  # an older licence that ends sooner is ignored
    warnings_recompute(project=project, today=today)
    assert credential_warning(project) is None


@pytest.mark.parametrize(
    ("left", "level"), [(200, None), (45, 1), (20, 2), (5, 3), (0, 4), (-1, 4)]
)
def test_levels_follow_rule_data(contractor, make_project, today, left, level):
    org = contractor.organisation
    project = make_project()
    participant_add(actor=SYSTEM, project=project, organisation=org, role="general_contractor")
    licence(org, today, left)
    warnings_recompute(project=project, today=today)
    warning = credential_warning(project)
    if level is None:
        assert warning is None
        return
    assert warning.level == level
    assert org.name in warning.reason and "安全生产许可证" in warning.reason


def test_assigned_person_certificate_is_a_fact(contractor, make_project, today):
    project = make_project()
    person = constructor(contractor.organisation, valid_to=today + dt.timedelta(days=10))
    services.person_assign(
        actor=SYSTEM, person=person, project=project, role="project_manager", start=today
    )
    facts = project_facts(project)
    (item,) = facts["credentials"]
    assert item["expires_on"] == person.valid_to and "注册建造师" in item["name"]
    warnings_recompute(project=project, today=today)
    assert credential_warning(project).level == 2
