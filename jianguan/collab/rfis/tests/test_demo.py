"""The demo's RFIs and submittals: RFIs in every state, one escalated by the clock up to the
regulator's dashboard, one turned into a variation of the demo contract (linked both ways),
a submittal approved with the stamp on its PDF and one rejected; seeding again adds nothing."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from jianguan.collab.rfis import demo, workflow
from jianguan.collab.rfis.models import Rfi, Submittal

pytestmark = pytest.mark.django_db


def test_the_demo_has_rfis_and_submittals(demo_district):
    from jianguan.contracts.models import Variation

    states = set(Rfi.objects.values_list("state", flat=True))
    assert {workflow.OPEN, workflow.ANSWERED, workflow.CLOSED, workflow.RETURNED} <= states
    assert Rfi.objects.filter(state=workflow.OPEN, escalation_level=3).exists()
    linked = Rfi.objects.get(variation_id__isnull=False)
    v = Variation.objects.get(pk=linked.variation_id)
    assert linked.number in v.cause_reference and v.contract.project_id == linked.project_id
    approved = Submittal.objects.get(state=workflow.APPROVED_WITH_COMMENTS)
    rev = approved.revisions.get()
    with rev.stamped_file.open("rb") as fh:
        assert "同意" in PdfReader(fh).pages[-1].extract_text()
    assert Submittal.objects.filter(state=workflow.REJECTED).exists()
    assert demo.seed() == {"skipped": True}
