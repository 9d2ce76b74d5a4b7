"""Fixtures of investment control and tracking audit: the contracts tests' `deal` (a project in
construction, a signed main contract, owner, contractor, supervisor, finance bureau, its audit
firm and another firm), with the firm engaged for tracking audit and a submitted claim."""

from __future__ import annotations

import pytest

from jianguan.contracts.tests.conftest import deal  # noqa: F401  (shared fixture)
from jianguan.projects.tests.test_services import world  # noqa: F401


@pytest.fixture
def engaged(deal):  # noqa: F811
    from jianguan.contracts.claims import services as claims
    from jianguan.contracts.tests.test_claims import new_claim
    from jianguan.cost.control import services

    e = services.engagement_create(
        actor=deal["actors"]["owner"],
        project=deal["project"],
        firm_id=deal["orgs"]["auditor"].pk,
        reference="DXSJ-2026-001",
    )
    claim = claims.claim_submit(actor=deal["actors"]["contractor"], claim=new_claim(deal))
    return {**deal, "engagement": e, "claim": claim}
