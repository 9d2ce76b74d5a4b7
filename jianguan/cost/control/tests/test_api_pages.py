"""The API and pages of investment control and tracking audit: figures by hand on a real
contract with a pending variation and the owner's contingency, the cost-overrun warning on
those figures, the plan and payment plan with bad amounts refused, the district summary in a
fixed number of queries, the tracking feed and opinions over the API (403 for a firm not
engaged, 403 for a non-owner's answer, 400 for empty text), and every page rendering."""

from __future__ import annotations

import json
import re
from decimal import Decimal as D

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jianguan.contracts.models import Contract
from jianguan.contracts.tests.test_variations import _raise as raise_variation
from jianguan.cost.control import district, selectors, services, setup
from jianguan.cost.control.models import Opinion
from jianguan.ledger.models import LedgerEntry

URL = "/api/v1/cost/control"


def send(client, method, path, headers, body=None):
    if method == "get":
        return client.get(URL + path, headers=headers)
    return getattr(client, method)(
        URL + path, data=json.dumps(body or {}), content_type="application/json", headers=headers
    )


def login(actor) -> Client:
    c = Client()
    c.force_login(actor.user)
    return c


def test_figures_by_hand_and_the_overrun_warning_on_them(engaged, client, bearer):
    from jianguan.projects.models import Project, ProjectWarning
    from jianguan.projects.services import warnings_recompute
    from jianguan.rules.lookup import rule

    d = engaged
    project, contract = d["project"], d["contract"]
    price = contract.price
    Contract.objects.filter(pk=contract.pk).update(current_value=price + D("5000.00"))
    v = raise_variation(d)  # submitted, awaiting the supervisor: pending
    owner = bearer(d["actors"]["owner"])
    r = send(
        client,
        "put",
        f"/projects/{project.pk}/plan",
        owner,
        {"budget_amount": "", "contingency": "20000"},
    )
    assert r.status_code == 200, r.content
    f = r.json()
    assert D(f["contract_price"]) == price
    assert D(f["variations_approved"]) == D("5000.00")
    assert D(f["variations_pending"]) == v.amount
    assert D(f["forecast"]) == price + D("5000.00") + v.amount + D("20000.00")
    assert D(f["estimate"]) == project.budget
    assert D(f["forecast_deviation"]) == D(f["forecast"]) - project.budget

    # the register's warning weighs the forecast: a contingency that takes the forecast to the
    # yellow factor of the estimate raises it; without it the contracts' figures stand
    levels = {k: D(v) for k, v in rule("warning.cost_overrun_factor").value.items()}
    base = price + D("5000.00") + v.amount
    target = (project.budget * levels["yellow"]).quantize(D("0.01")) + D("0.01")
    services.cost_plan_update(
        actor=d["actors"]["owner"], project=project, budget_amount=None, contingency=target - base
    )
    assert setup._batch_facts([project])[project.pk] == {
        "contract_value": price,
        "variations_value": target - price,
    }
    warnings_recompute(project=Project.objects.get(pk=project.pk))
    w = ProjectWarning.objects.get(
        project=project, rule_code="cost_overrun", cleared_at__isnull=True
    )
    assert w.level >= 2

    # bad amounts: nothing changed
    before = LedgerEntry.objects.count()
    for bad in (
        {"contingency": "NaN"},
        {"contingency": "-1"},
        {"budget_amount": "Infinity"},
        {"contingency": "1.234"},
    ):
        r = send(client, "put", f"/projects/{project.pk}/plan", owner, bad)
        assert r.status_code == 400 and r.json()["code"] == "bad_amount", bad
    r = send(
        client,
        "put",
        f"/projects/{project.pk}/payment-plan",
        owner,
        {"months": [{"month": "2026-13", "amount": "1"}]},
    )
    assert r.status_code == 400
    r = send(
        client,
        "put",
        f"/projects/{project.pk}/payment-plan",
        owner,
        {"months": [{"month": "2026-03", "amount": "-5"}]},
    )
    assert r.status_code == 400
    assert LedgerEntry.objects.count() == before
    # the contractor may not plan (403 before the body is read); another owner does not see it
    r = send(
        client,
        "put",
        f"/projects/{project.pk}/plan",
        bearer(d["actors"]["contractor"]),
        {"contingency": "NaN"},
    )
    assert r.status_code == 403
    r = send(client, "get", f"/projects/{project.pk}/figures", bearer(d["actors"]["other_owner"]))
    assert r.status_code == 404

    r = send(
        client,
        "put",
        f"/projects/{project.pk}/payment-plan",
        owner,
        {
            "months": [
                {"month": "2026-03", "amount": "100000"},
                {"month": "2026-04", "amount": "250000.50"},
            ]
        },
    )
    assert r.status_code == 200, r.content
    rows = {m["month"]: m for m in r.json()}
    assert D(rows["2026-04-01"]["plan_cum"]) == D("350000.50")

    page = login(d["actors"]["owner"]).get(f"/cost/control/projects/{project.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "预测总投资" in html
    assert not re.search(r"<script(?![^>]*src=)", html)  # CSP: no inline script
    bad = login(d["actors"]["owner"]).post(
        f"/cost/control/projects/{project.pk}/plan/", {"contingency": "abc"}
    )
    assert bad.status_code == 400 and "预留不可预见费" in bad.content.decode()


def test_district_summary_sums_in_a_fixed_number_of_queries(engaged, client, bearer):
    from jianguan.projects.tests.test_services import create

    d = engaged
    services.cost_plan_update(
        actor=d["actors"]["owner"], project=d["project"], budget_amount="1", contingency="100"
    )
    with CaptureQueriesContext(connection) as one:
        small = district.summary()
    for i in range(5):
        create(d, name=f"道路工程{i}", type="road")
    with CaptureQueriesContext(connection) as many:
        big = district.summary()
    assert len(many.captured_queries) == len(one.captured_queries) <= 10
    assert big["total"]["count"] == small["total"]["count"] + 5
    own = selectors.project_figures(d["project"])
    assert small["total"]["forecast"] == own.forecast
    types = {t["name"]: t["count"] for t in big["by_type"]}
    assert (
        types["市政基础设施工程"] == 5 if "市政基础设施工程" in types else sum(types.values()) == 6
    )
    reg = bearer(d["actors"]["regulator"])
    r = send(client, "get", f"/district?type=road&town={d['town'].pk}", reg)
    assert r.status_code == 200 and r.json()["total"]["count"] == 5
    assert send(client, "get", "/district?type=nonsense", reg).status_code == 400
    assert send(client, "get", "/district", bearer(d["actors"]["owner"])).status_code == 403
    page = login(d["actors"]["regulator"]).get("/cost/control/district/?type=road")
    assert page.status_code == 200 and "按乡镇街道" in page.content.decode()


def test_tracking_over_the_api_and_pages(engaged, client, bearer):
    d = engaged
    p = d["project"]
    aud, other = bearer(d["actors"]["auditor"]), bearer(d["actors"]["other_auditor"])
    r = send(client, "get", f"/projects/{p.pk}/tracking", aud)
    assert r.status_code == 200 and [i["kind"] for i in r.json()] == ["claim"]
    assert send(client, "get", f"/projects/{p.pk}/tracking", other).status_code == 403
    body = {"subject_kind": "claim", "subject_id": d["claim"].pk, "text": "请补充计量依据"}
    r = send(client, "post", f"/projects/{p.pk}/opinions", other, body)
    assert r.status_code == 403 and r.json()["code"] == "not_engaged"
    r = send(client, "post", f"/projects/{p.pk}/opinions", aud, {**body, "text": ""})
    assert r.status_code == 400
    r = send(
        client, "post", f"/projects/{p.pk}/opinions", aud, {**body, "subject_kind": "nonsense"}
    )
    assert r.status_code == 400
    r = send(client, "post", f"/projects/{p.pk}/opinions", aud, body)
    assert r.status_code == 201, r.content
    o = r.json()
    assert o["status_label"] == "待建设单位答复" and o["firm_name"] == d["orgs"]["auditor"].name
    path = f"/opinions/{o['id']}"
    assert send(client, "get", path, other).status_code == 404
    r = send(client, "post", path + "/answer", bearer(d["actors"]["contractor"]), {"text": "答复"})
    assert r.status_code == 403
    r = send(client, "post", path + "/answer", aud, {"text": "答复"})
    assert r.status_code == 403
    owner = bearer(d["actors"]["owner"])
    r = send(client, "post", path + "/answer", owner, {"text": ""})
    assert r.status_code == 400 and r.json()["code"] == "empty_text"
    assert Opinion.objects.get(pk=o["id"]).status == "open"

    # pages: the feed, the opinion and the owner's answer form, the answer posted
    page = login(d["actors"]["auditor"]).get(f"/cost/control/projects/{p.pk}/tracking/")
    assert page.status_code == 200 and d["claim"].number in page.content.decode()
    assert (
        login(d["actors"]["other_auditor"])
        .get(f"/cost/control/projects/{p.pk}/tracking/")
        .status_code
        == 403
    )
    owner_c = login(d["actors"]["owner"])
    page = owner_c.get(f"/cost/control/opinions/{o['id']}/")
    assert page.status_code == 200 and 'id="answer-form"' in page.content.decode()
    empty = owner_c.post(f"/cost/control/opinions/{o['id']}/answer/", {"text": " "})
    assert empty.status_code == 400
    done = owner_c.post(f"/cost/control/opinions/{o['id']}/answer/", {"text": "已补充"})
    assert done.status_code == 302
    r = send(client, "post", path + "/close", aud)
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert owner_c.get("/cost/control/").status_code == 200
    assert login(d["actors"]["auditor"]).get("/cost/control/").status_code == 200
    assert login(d["actors"]["contractor"]).get("/cost/control/").status_code == 403


def test_demo_seeds_an_engagement_with_an_answered_and_an_open_opinion(engaged):
    from jianguan.cost.control import demo

    Opinion.objects.all().delete()
    from jianguan.cost.control.models import Engagement

    Engagement.objects.all().delete()
    out = demo.seed()
    assert out["answered"] and out["open"], out
    statuses = sorted(Opinion.objects.values_list("status", flat=True))
    assert statuses == ["closed", "open"]
    assert demo.seed() == {"skipped": True}
    texts = " ".join(Opinion.objects.values_list("text", flat=True))
    assert "演示" not in texts
