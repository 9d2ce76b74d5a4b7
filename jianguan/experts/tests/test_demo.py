"""The demo pool: 200 experts across specialties and a committee for the demo evaluation."""

from __future__ import annotations

import pytest

from jianguan.experts import specialties
from jianguan.experts.models import Committee, Expert

pytestmark = pytest.mark.django_db


def test_demo_pool_and_committee(demo_district):
    assert Expert.objects.count() == 200
    codes = {c for e in Expert.objects.all() for c in e.specialties}
    assert codes == set(specialties.SPECIALTIES)
    assert Expert.objects.filter(user__username="expert1").exists()
    committees = Committee.objects.all()
    assert committees.count() == 2
    assert all(c.members.count() == 5 and c.commitment for c in committees)
    # the 综合评估法 tender was scored by its committee, signed, and is in publicity
    scored = Committee.objects.get(result__isnull=False)
    assert scored.tender.status == "publicity" and scored.tender.candidates.count() == 3
    assert all(hasattr(m, "signature") for m in scored.members.all())
    assert Expert.objects.count() == 200 and Committee.objects.count() == 2
