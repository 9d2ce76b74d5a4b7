"""`manage.py seed_demo` run again on the seeded district adds nothing, in any table.

Each app's demo test used to run the whole command again to check its own objects; one run
here checks every model at once (and each seeder's report of what it made), so the district
is seeded a second time once per test session instead of once per app.
"""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db

# Rows a second run may legitimately add: a freshly signed tree head (the command signs one
# when the last is stale) and the sessions/tasks of the machinery, not demo content.
MAY_CHANGE = {"ledger.treehead", "sessions.session", "django_tasks_db.dbtaskresult"}


def _counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in MAY_CHANGE and model._meta.managed
    }


def test_seed_demo_again_adds_nothing_anywhere(demo_district):
    before = _counts()
    assert before["projects.project"] >= 100 and before["tendering.tender"] > 0
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    after = _counts()
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert changed == {}
    # the register's seeder says so too
    assert "'projects': 0" in out.getvalue()
