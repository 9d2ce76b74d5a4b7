"""The demo pool: 200 experts across specialties and a committee for the demo evaluation."""

from __future__ import annotations

import pytest

from jianguan.accounts.actors import actor_for
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


def test_every_demo_expert_who_scored_opens_its_workbench(demo_district, client):
    scored = Committee.objects.get(result__isnull=False)
    for m in scored.members.select_related("expert__user"):
        user = m.expert.user
        assert user is not None
        actor = actor_for(user)
        assert "expert" in actor.roles and actor.organisation_id is None  # acts as itself
        client.force_login(user)
        assert client.get("/").status_code == 200
