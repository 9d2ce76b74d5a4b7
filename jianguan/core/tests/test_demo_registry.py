"""The demo seeder registry (jianguan.core.demo): every app's demo, in the district's timeline."""

from __future__ import annotations

import pytest

from jianguan.core import demo


def test_every_app_registers_its_seeder_in_the_district_timeline():
    """Organisations before the register, tenders before their committees, contracts after
    their awards; then the inboxes (from everyone's to-do list) and the search index (of
    everything seeded)."""
    assert [s.name for s in demo.seeders()] == [
        "accounts",
        "registry",
        "projects",
        "compliance",
        "experts",
        "tendering",
        "committees",
        "smartsite_images",
        "hazard",
        "bim",  # models uploaded and clash-checked before the contract's payment claims
        "contracts",
        "smartsite_workers",
        "smartsite_wages",
        "smartsite_environment",
        "collab_schedule",  # the register's key nodes as milestones, then work planned on them
        "collab_tasks",  # tasks and meetings linked to findings, clashes and claims seeded above
        "collab_documents",
        "collab_rfis",  # an RFI with a cost impact becomes a variation of the seeded contract
        "collab_dailylogs",  # manpower prefilled from the seeded attendance
        "collab_policies",
        "cost_payments",  # an advance before the claims it is recovered from
        "cost_settlement",  # the final account after the payments it deducts
        "cost_audit",  # the audit of the final account seeded just before
        "cost_control",  # tracking audit opinions on the claims and variations seeded above
        "notifications",
        "search_index",
    ]
    assert all(callable(_load(s)) for s in demo.seeders())


def _load(seeder: demo.Seeder):
    import importlib

    module, _, attr = seeder.path.partition(":")
    return getattr(importlib.import_module(module), attr)


def test_two_seeders_cannot_share_a_place(monkeypatch):
    monkeypatch.setattr(demo, "_SEEDERS", dict(demo._SEEDERS))
    with pytest.raises(ValueError, match="share order 10"):
        demo.register_seeder("another", "jianguan.accounts.demo:seed", order=10)
    with pytest.raises(ValueError, match="module:function"):
        demo.register_seeder("another", "jianguan.accounts.demo.seed", order=11)
    demo.register_seeder("another", "jianguan.accounts.demo:seed", order=11)
    assert [s.name for s in demo.seeders()][:3] == ["accounts", "another", "registry"]
