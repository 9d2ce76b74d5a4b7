"""Permission before validation and lookup: a caller who may not enter credit records or
review appeals is refused with a 403, never told that its body or the appeal id is wrong."""

from __future__ import annotations

from django.urls import reverse

from jianguan.core.timeutil import today_local

API = "/api/v1/compliance"


def test_a_contractor_entering_a_credit_record_gets_403_not_400_on_the_subject(
    client, world, bearer
):
    body = {"kind": "award", "occurred_on": "2026-01-05", "description": "x"}  # no subject
    r = client.post(
        f"{API}/credit/records",
        body,
        content_type="application/json",
        headers=bearer(world["actors"]["contractor"]),
    )
    assert r.status_code == 403, r.content
    assert r.json()["code"] == "permission_denied"


def test_a_missing_appeal_is_403_to_others_and_404_only_to_the_regulator(client, world, bearer):
    body = {"decision": "upheld", "note": "维持"}
    url = f"{API}/appeals/999999/review"
    r = client.post(
        url, body, content_type="application/json", headers=bearer(world["actors"]["contractor"])
    )
    assert r.status_code == 403, r.content
    assert r.json()["code"] == "not_regulator"
    r = client.post(
        url, body, content_type="application/json", headers=bearer(world["actors"]["regulator"])
    )
    assert r.status_code == 404 and r.json()["code"] == "appeal_not_found"


def test_the_credit_record_page_refuses_a_non_regulator_with_403(client, world):
    client.login(username="gc1", password="Persona-pass-2026")
    r = client.post("/compliance/credit/records/", {})
    assert r.status_code == 403


# --- pages: the access check comes before the form is read ----------------------------------


def _order_for_contractor(site):
    from jianguan.compliance import services

    reg = site["actors"]["regulator"]
    inspection = services.inspection_create(
        actor=reg, project=site["project"], kind="routine", inspected_on=today_local()
    )
    return services.finding_raise(
        actor=reg,
        inspection=inspection,
        type="safety",
        severity="general",
        description="临边防护缺失",
        responsible_organisation=site["orgs"]["general_contractor"],
    )


def test_pages_refuse_another_party_with_403_before_reading_an_empty_form(client, site):
    """The owner sees the project and the order, but neither inspects, re-inspects nor answers
    for the contractor: a 403, not the form's 400 "请检查填写的内容"."""
    order = _order_for_contractor(site)
    project = site["project"]
    client.force_login(site["actors"]["owner"].user)
    for url in (
        reverse("compliance:inspection_create", args=[project.pk]),
        reverse("compliance:order_answer", args=[order.pk]),
        reverse("compliance:order_reinspect", args=[order.pk]),
    ):
        r = client.post(url, {})
        assert r.status_code == 403, (url, r.status_code)
    # the supervisor may inspect but not answer; the contractor may answer but not inspect
    client.force_login(site["actors"]["supervisor"].user)
    assert client.post(reverse("compliance:order_answer", args=[order.pk]), {}).status_code == 403
    client.force_login(site["actors"]["contractor"].user)
    r = client.post(reverse("compliance:inspection_create", args=[project.pk]), {})
    assert r.status_code == 403
    # the party whose step it is still gets the form's own 400
    assert client.post(reverse("compliance:order_answer", args=[order.pk]), {}).status_code == 400


def test_risk_pages_refuse_a_visible_non_party_with_403_before_the_form(client, site):
    project = site["project"]
    client.force_login(site["actors"]["supervisor"].user)  # sees the project, no risk grant
    for name in ("compliance:risk_assess", "compliance:risk_plan"):
        assert client.post(reverse(name, args=[project.pk]), {}).status_code == 403
    client.force_login(site["actors"]["owner"].user)
    assert client.post(reverse("compliance:risk_plan", args=[project.pk]), {}).status_code == 400


def test_the_sanction_issue_page_refuses_a_non_regulator_with_403_on_an_empty_form(client, site):
    client.force_login(site["actors"]["contractor"].user)
    r = client.post(reverse("compliance:sanction_issue"), {})
    assert r.status_code == 403 and "只能由监管部门作出" in r.content.decode()
    client.force_login(site["actors"]["regulator"].user)
    assert client.post(reverse("compliance:sanction_issue"), {}).status_code == 400


def test_a_party_raising_a_finding_gets_403_before_its_form_is_read(client, site, bearer):
    """Only the inspecting organisation raises findings: a contractor of the project is refused
    with 403 even when the responsible organisation it names does not exist (it was a 400
    `unknown_organisation`, which told it the inspection exists and what the form needs)."""
    from jianguan.compliance import services

    inspection = services.inspection_create(
        actor=site["actors"]["regulator"],
        project=site["project"],
        kind="routine",
        inspected_on=today_local(),
    )
    form = {
        "type": "safety",
        "severity": "general",
        "description": "临边防护缺失",
        "responsible_organisation_id": "999999",
    }
    url = f"{API}/inspections/{inspection.pk}/findings"
    r = client.post(url, form, headers=bearer(site["actors"]["contractor"]))
    assert r.status_code == 403, r.content
    r = client.post(url, form, headers=bearer(site["actors"]["regulator"]))
    assert r.status_code == 400 and r.json()["code"] == "unknown_organisation"
