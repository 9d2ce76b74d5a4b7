"""The demo pool: 200 experts across specialties and a committee for the demo evaluation."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from jianguan.experts import specialties
from jianguan.experts.models import Committee, Expert

pytestmark = pytest.mark.django_db


def test_demo_pool_and_committee(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    assert Expert.objects.count() == 200
    codes = {c for e in Expert.objects.all() for c in e.specialties}
    assert codes == set(specialties.SPECIALTIES)
    assert Expert.objects.filter(user__username="expert1").exists()
    committees = Committee.objects.filter(tender__status="evaluation")
    assert committees.count() == 2
    assert all(c.members.count() == 5 and c.commitment for c in committees)
    call_command("seed_demo", stdout=io.StringIO())
    assert Expert.objects.count() == 200 and Committee.objects.count() == 2
