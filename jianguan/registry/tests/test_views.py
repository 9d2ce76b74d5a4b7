"""Pages: an organisation's credentials with expiry badges and the import form; eligibility."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core.actor import SYSTEM
from jianguan.registry import services
from jianguan.registry.tests.conftest import constructor

pytestmark = pytest.mark.usefixtures("rules_loaded")


def test_credentials_page_shows_badges_and_import_form(login_as, contractor, owner, today):
    org = contractor.organisation
    services.safety_licence_add(
        actor=SYSTEM,
        organisation=org,
        number="安许001",
        issuer="北京市住建委",
        valid_from=today - dt.timedelta(days=900),
        valid_to=today - dt.timedelta(days=1),
    )
    constructor(org, valid_to=today + dt.timedelta(days=20))
    client = login_as(contractor)
    page = client.get(f"/registry/organisations/{org.pk}/").content.decode()
    assert "已过期" in page and "20 天后到期" in page and 'name="file"' in page
    client.post("/accounts/logout/")
    page = login_as(owner).get(f"/registry/organisations/{org.pk}/").content.decode()
    assert "安许001" in page and 'name="file"' not in page


def test_import_page_lists_row_errors(login_as, contractor):
    from jianguan.registry.tests.test_import import workbook

    bad = workbook([["建筑工程施工总承包", "四级", "D3", "住建部", "2024-01-01", "2029-01-01"]])
    client = login_as(contractor)
    r = client.post(f"/registry/organisations/{contractor.organisation.pk}/import/", {"file": bad})
    assert r.status_code == 400
    assert "「资质」第 2 行" in r.content.decode()


def test_eligibility_page_lists_every_reason(login_as, regulator, contractor):
    standard = services.access_standard_define(
        actor=regulator, name="两项", criteria={"safety_licence": True, "min_credit_score": "900"}
    )
    client = login_as(contractor)
    r = client.get(
        "/registry/eligibility/",
        {"organisation": contractor.organisation.pk, "standard": standard.pk},
    )
    page = r.content.decode()
    assert r.status_code == 200 and 'data-eligibility="failed"' in page
    assert 'data-criterion="safety_licence"' in page and 'data-criterion="credit_score"' in page
    assert "低于要求的 900" in page


def test_pages_need_login(client, contractor):
    r = client.get(f"/registry/organisations/{contractor.organisation.pk}/")
    assert r.status_code == 302


def test_import_page_refuses_another_organisation_with_403_before_the_form(
    login_as, owner, contractor
):
    """The owner sees the contractor's credentials but may not import them: a 403 on an empty
    form, not the form's 400."""
    r = login_as(owner).post(f"/registry/organisations/{contractor.organisation.pk}/import/", {})
    assert r.status_code == 403
