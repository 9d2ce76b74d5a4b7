"""The demo register that `manage.py seed_demo` loads: every stage, the whole district, once."""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command

from jianguan.projects.demo.catalogue import BOX
from jianguan.projects.models import (
    CompletionSignature,
    Finding,
    KeyNode,
    Project,
    ProjectLead,
    ProjectWarning,
    WarrantyClock,
)
from jianguan.projects.workflow import FIVE_PARTIES, ORDER, Stage

pytestmark = pytest.mark.django_db

AFTER_CONSTRUCTION = [s.value for s in ORDER[ORDER.index(Stage.COMPLETION_ACCEPTANCE) :]]


def test_seed_demo_loads_the_register_once(demo_district):

    projects = list(Project.objects.select_related("town"))
    assert len(projects) >= 100
    assert len({p.name for p in projects}) == len(projects)
    stages = Counter(p.stage for p in projects)
    assert set(stages) == {s.value for s in Stage}, stages
    assert len({p.town_id for p in projects}) >= 15
    west, south, east, north = (Decimal(str(v)) for v in BOX)
    for p in projects:
        assert west <= p.longitude <= east and south <= p.latitude <= north, p
        assert abs(p.longitude - p.town.longitude) < Decimal("0.05"), p
        assert abs(p.latitude - p.town.latitude) < Decimal("0.05"), p
        assert Decimal("1000000") <= p.budget <= Decimal("10000000000"), p
        assert p.owner.kind == "owner"

    # Every stage was reached through the services, so its guards held on the way.
    late = [p for p in projects if p.stage in AFTER_CONSTRUCTION]
    assert late
    for p in late:
        parties = set(
            ProjectLead.objects.filter(project=p, ended_on__isnull=True).values_list(
                "party", flat=True
            )
        )
        assert parties == set(FIVE_PARTIES), p
        assert not p.key_nodes.exclude(status="passed").exists(), p
        assert p.completion_date is not None
        assert p.completion_date == max(
            CompletionSignature.objects.filter(project=p).values_list("signed_on", flat=True)
        )
        assert p.approval_document and p.design_review_document and p.construction_permit
        assert bool(p.completion_filing) == (p.stage != "completion_acceptance"), p
    assert WarrantyClock.objects.filter(project__stage__in=["warranty", "archived"]).exists()
    lead = ProjectLead.objects.first()
    assert lead.authorisation_file.read(5) == b"%PDF-"
    assert ProjectLead.objects.filter(replaced_by__isnull=False).exists()  # kept on record

    # Key nodes passed, pending and failed (with open findings); history of re-inspections.
    nodes = Counter(KeyNode.objects.values_list("status", flat=True))
    assert nodes["passed"] and nodes["pending"] and nodes["failed"], nodes
    assert Finding.objects.filter(closed_at__isnull=True).exists()
    assert Finding.objects.filter(closed_at__isnull=False).exists()
    ongoing = Project.objects.filter(stage="construction")
    assert KeyNode.objects.filter(project__in=ongoing, status="passed").exists()

    # Warnings of every level, each with its reason; a site working without a permit.
    levels = Counter(p.warning_level for p in Project.objects.all())
    assert {1, 2, 3, 4} <= set(levels), levels
    active = ProjectWarning.objects.filter(cleared_at__isnull=True)
    assert {w.level for w in active} == {1, 2, 3, 4}
    assert all(w.reason for w in active)
    assert active.filter(rule_code="no_construction_permit").exists()

    # (Running it again changes nothing: tests/test_demo_idempotent.py, for every table.)

    # Everything above is on the ledger, and the ledger verifies.
    out = io.StringIO()
    call_command("ledger_audit", stdout=out)
    assert '"status": "ok"' in out.getvalue()
