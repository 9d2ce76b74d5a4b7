"""The demo's BIM: two processed revisions on one site, a clash set whose run found the duct and
the pipe through four beams, the clashes in four states, the columns and beams measured; every
one marked as demo."""

from __future__ import annotations

import pytest

from jianguan.bim import workflow
from jianguan.bim.demo import SET_NAME
from jianguan.bim.models import ClashSet, ModelQuantity, ModelRevision

pytestmark = pytest.mark.django_db


def test_the_demo_has_models_and_clashes_in_every_state(demo_district):
    revisions = ModelRevision.objects.filter(is_demo=True).order_by("pk")
    assert [r.status for r in revisions] == [workflow.READY, workflow.READY]
    assert [r.discipline for r in revisions] == ["structure", "hvac"]
    cs = ClashSet.objects.get(name=SET_NAME)
    assert cs.is_demo and cs.runs.get().status == workflow.DONE
    statuses = sorted(cs.clashes.values_list("status", flat=True))
    assert statuses == ["accepted", "assigned", "new", "resolved"]
    assert {(c.a_class, c.b_class) for c in cs.clashes.all()} == {
        ("IfcBeam", "IfcDuctSegment"),
        ("IfcBeam", "IfcPipeSegment"),
    }
    assert not cs.clashes.filter(is_demo=False).exists()
    quantities = dict(ModelQuantity.objects.values_list("code", "quantity"))
    # four columns 0.4 × 0.4 × 3.6 = 2.304 m³; beams 2 × 7.6 × 0.3 × 0.6 + 2 × 5.6 × 0.3 × 0.6
    assert float(quantities["010502001001"]) == pytest.approx(2.304, abs=0.001)
    assert float(quantities["010503002001"]) == pytest.approx(4.752, abs=0.001)
