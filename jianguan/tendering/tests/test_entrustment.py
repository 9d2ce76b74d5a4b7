"""招标委托 (招标投标法 12–13): an agency runs a project's tendering only while the project's
owner has entrusted it. The attack of issue 13 (an agency tenders any owner's project by
naming itself), the entrusted agency's work, withdrawal and expiry that stop it at once,
and the bad input each step refuses without writing anything."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.accounts.tests.factories import OrganisationFactory
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now, today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.ledger.selectors import entry_document
from jianguan.ledger.visibility import can_see
from jianguan.projects.tests.test_services import PDF, create, member, pdf
from jianguan.tendering import demo, selectors, services
from jianguan.tendering.models import Entrustment, Tender
from jianguan.tendering.tests.test_award import _opened
from jianguan.tendering.tests.test_services import _publish, _tender

API = "/api/v1/tendering"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def agencies(market):
    """Two tender agencies (one entrusted in the tests, one never) and the world."""
    a = OrganisationFactory(kind="tender_agency", name="北京兴诚招标代理有限公司")
    b = OrganisationFactory(kind="tender_agency", name="北京京南招标有限公司")
    return {
        **market,
        "agency": member(a, "agency1", ["admin", "staff"]),
        "agency_org": a,
        "rogue": member(b, "agency2", ["admin", "staff"]),
        "rogue_org": b,
    }


def _entrust(m, agency_org=None, **over):
    today = today_local()
    args = dict(
        actor=m["owner"],
        project=m["project"],
        agency=agency_org or m["agency_org"],
        scope="施工招标",
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=180),
        contract_file=pdf("委托合同.pdf"),
    )
    args.update(over)
    return services.entrustment_create(**args)


def _body(m, **over):
    body = {
        "project_id": m["project"].pk,
        "title": "大兴区第一小学扩建工程施工",
        "procedure": "open_post",
        "estimate": "30000000.00",
        "lots": [
            {"title": "施工总承包", "price_ceiling": "29800000.00", "bond_amount": "500000.00"}
        ],
    }
    body.update(over)
    return body


def _publish_as(actor, m, tender):
    return _publish({**m, "owner": actor}, tender)


def _entries(type_: str) -> int:
    return LedgerEntry.objects.filter(type=type_).count()


# --- the attack of issue 13 ---------------------------------------------------------------------


def test_unentrusted_agency_cannot_tender_another_owners_project(client, agencies, bearer):
    """The exact attack: an agency that nobody entrusted POSTs a tender for another owner's
    project, naming itself as agency. Refused (403 no_entrustment); nothing is written."""
    rogue = agencies["rogue"]
    body = _body(agencies, agency_id=agencies["rogue_org"].pk)
    r = client.post(f"{API}/tenders", body, content_type="application/json", headers=bearer(rogue))
    assert r.status_code == 403, r.content
    assert r.json()["code"] == "no_entrustment"
    assert "未受建设单位委托" in r.json()["message"] and "第十二、十三条" in r.json()["message"]
    assert not Tender.objects.exists() and _entries("tendering.tender_created") == 0
    # an agency entrusted with another project of the same owner does not get this one
    other = create(agencies, name="大兴区第二小学新建工程")
    _entrust(agencies, agencies["rogue_org"], project=other)
    r = client.post(f"{API}/tenders", body, content_type="application/json", headers=bearer(rogue))
    assert r.status_code == 403 and r.json()["code"] == "no_entrustment"
    # nor can it publish, clarify or cancel the owner's own tender
    tender = _publish(agencies, _tender(agencies))
    for call in (
        lambda: services.clarification_issue(actor=rogue, tender=tender, text="改工期"),
        lambda: services.tender_cancel(actor=rogue, tender=tender, reason="无"),
    ):
        with pytest.raises(PermissionDenied) as exc:
            call()
        assert exc.value.code == "no_entrustment"
    assert Tender.objects.get(pk=tender.pk).status == "published"


# --- the entrusted agency -----------------------------------------------------------------------


def test_owner_entrusts_over_the_api_and_the_agency_tenders(client, agencies, bearer):
    owner, agency = bearer(agencies["owner"]), bearer(agencies["agency"])
    today = today_local()
    form = {
        "project_id": agencies["project"].pk,
        "agency_id": agencies["agency_org"].pk,
        "scope": "施工招标",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=90)).isoformat(),
        "contract": SimpleUploadedFile("委托合同.pdf", PDF, content_type="application/pdf"),
    }
    r = client.post(f"{API}/entrustments", form, headers=owner)
    assert r.status_code == 201, r.content
    made = r.json()
    assert made["agency_name"] == "北京兴诚招标代理有限公司" and made["in_force"] is True
    assert made["status"] == "active" and made["status_label"] == "有效"
    entry = entry_document(LedgerEntry.objects.get(type="tendering.entrustment_created"))
    assert entry["files"] == [{"name": "entrustment_contract", "sm3": made["contract_sm3"]}]
    # the agency sees what it was entrusted with; a stranger agency does not
    assert [e["id"] for e in client.get(f"{API}/entrustments", headers=agency).json()] == [
        made["id"]
    ]
    assert client.get(f"{API}/entrustments", headers=bearer(agencies["rogue"])).json() == []
    r = client.get(f"{API}/entrustments/{made['id']}/contract.pdf", headers=agency)
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    # it cannot name another agency; without a name, it is the tender's agency itself
    body = _body(agencies, agency_id=agencies["rogue_org"].pk)
    r = client.post(f"{API}/tenders", body, content_type="application/json", headers=agency)
    assert r.status_code == 400 and r.json()["code"] == "agency_not_caller"
    r = client.post(
        f"{API}/tenders", _body(agencies), content_type="application/json", headers=agency
    )
    assert r.status_code == 201, r.content
    tender = Tender.objects.get(pk=r.json()["id"])
    assert tender.agency_id == agencies["agency_org"].pk
    assert tender.tenderer_id == agencies["project"].owner_id
    listed = client.get(f"{API}/tenders", headers=agency).json()
    assert [t["id"] for t in listed] == [tender.pk]  # its draft
    assert client.get(f"{API}/tenders", headers=bearer(agencies["rogue"])).json() == []
    tender = _publish_as(agencies["agency"], agencies, tender)
    assert tender.status == "published"
    page = client.get(f"/public/tenders/{tender.code}/").content.decode()
    assert agencies["project"].owner.name in page and "北京兴诚招标代理有限公司" in page


def test_withdrawal_stops_the_agency_at_once(agencies):
    owner, agency = agencies["owner"], agencies["agency"]
    item = _entrust(agencies)
    live = _publish_as(agency, agencies, _tender(agencies, actor=agency))
    draft = _tender(agencies, actor=agency, title="室外管网工程")
    services.clarification_issue(actor=agency, tender=live, text="补充说明一")
    assert selectors.tender_get_visible_to(actor=agency, pk=draft.pk)
    services.entrustment_withdraw(actor=owner, entrustment=item, reason="代理机构人员变动")
    entry = entry_document(LedgerEntry.objects.get(type="tendering.entrustment_withdrawn"))
    assert entry["payload"]["reason"] == "代理机构人员变动"
    refused = {
        "publish": lambda: _publish_as(agency, agencies, draft),
        "clarify": lambda: services.clarification_issue(actor=agency, tender=live, text="二"),
        "cancel": lambda: services.tender_cancel(actor=agency, tender=live, reason="终止"),
        "retender": lambda: services.tender_retender(actor=agency, tender=live),
        "create": lambda: _tender(agencies, actor=agency),
    }
    for name, call in refused.items():
        with pytest.raises(PermissionDenied) as exc:
            call()
        assert exc.value.code == "no_entrustment", name
    # its draft is no longer shown to it; the owner carries on
    with pytest.raises(Exception, match="不存在"):
        selectors.tender_get_visible_to(actor=agency, pk=draft.pk)
    services.clarification_issue(actor=owner, tender=live, text="补充说明二")
    assert _publish({**agencies}, draft).status == "published"
    assert services.tender_cancel(actor=owner, tender=live, reason="资金调整").status == "cancelled"
    with pytest.raises(Conflict) as exc:
        services.entrustment_withdraw(actor=owner, entrustment=item, reason="再次")
    assert exc.value.code == "entrustment_not_active"


def test_award_refused_after_withdrawal_and_the_owner_awards(agencies, tmp_path):
    item = _entrust(agencies)
    agency = agencies["agency"]
    prices = ["29100000.00", "28700000.00", "28950000.00"]
    tender = _opened({**agencies, "owner": agency}, tmp_path, prices)
    assert tender.status == "evaluation" and tender.agency_id == agencies["agency_org"].pk
    first = services.evaluation_conclude(actor=agency, tender=tender)[0]
    Tender.objects.filter(pk=tender.pk).update(publicity_until=now() - dt.timedelta(seconds=1))
    tender = Tender.objects.get(pk=tender.pk)
    services.entrustment_withdraw(actor=agencies["owner"], entrustment=item, reason="合同解除")
    with pytest.raises(PermissionDenied) as exc:
        services.award_decide(actor=agency, tender=tender, candidate=first)
    assert exc.value.code == "no_entrustment"
    award = services.award_decide(actor=agencies["owner"], tender=tender, candidate=first)
    assert award.supplier_id == first.bid.bidder_id


def test_expired_or_not_yet_started_entrustment_is_refused(agencies):
    agency = agencies["agency"]
    item = _entrust(agencies)
    tender = _tender(agencies, actor=agency)
    today = today_local()
    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    Entrustment.objects.filter(pk=item.pk).update(
        starts_on=yesterday - dt.timedelta(days=30), ends_on=yesterday
    )
    refused = (
        lambda: _publish_as(agency, agencies, tender),
        lambda: _tender(agencies, actor=agency),
    )
    for call in refused:
        with pytest.raises(PermissionDenied) as exc:
            call()
        assert exc.value.code == "no_entrustment"
    renewed = _entrust(agencies, starts_on=tomorrow, ends_on=tomorrow + dt.timedelta(days=30))
    with pytest.raises(PermissionDenied) as exc:  # signed, but not yet in force
        _publish_as(agency, agencies, tender)
    assert exc.value.code == "no_entrustment"
    Entrustment.objects.filter(pk=renewed.pk).update(starts_on=today)
    assert _publish_as(agency, agencies, tender).status == "published"


def test_an_agency_runs_only_its_own_tender_of_the_project(agencies):
    """Two agencies entrusted on one project (施工 and 监理): neither runs the other's tender."""
    _entrust(agencies)
    _entrust(agencies, agencies["rogue_org"], scope="监理招标")
    tender = _tender(agencies, actor=agencies["agency"])
    with pytest.raises(PermissionDenied) as exc:
        _publish_as(agencies["rogue"], agencies, tender)
    assert exc.value.code == "not_tender_agency"
    own = _tender(agencies, actor=agencies["rogue"], title="监理服务")
    assert own.agency_id == agencies["rogue_org"].pk


def test_owner_names_only_an_entrusted_agency(agencies):
    with pytest.raises(ValidationFailed) as exc:
        _tender(agencies, agency=agencies["agency_org"])
    assert exc.value.code == "agency_not_entrusted"
    with pytest.raises(ValidationFailed) as exc:
        _tender(agencies, agency=agencies["orgs"]["supervisor"])
    assert exc.value.code == "bad_agency"
    assert not Tender.objects.exists()
    _entrust(agencies)
    tender = _tender(agencies, agency=agencies["agency_org"])
    assert tender.agency_id == agencies["agency_org"].pk and tender.created_by == "own1"
    # another owner, a contractor: not the tenderer at all
    for actor in (agencies["actors"]["other_owner"], agencies["actors"]["contractor"]):
        with pytest.raises(PermissionDenied):
            _tender(agencies, actor=actor)


def test_entrustment_bad_input_writes_nothing(agencies):
    today = today_local()
    cases = {
        "not_project_owner": dict(actor=agencies["actors"]["other_owner"]),
        "bad_agency": dict(agency=agencies["orgs"]["general_contractor"]),
        "dates_reversed": dict(starts_on=today, ends_on=today - dt.timedelta(days=1)),
        "entrustment_ended": dict(
            starts_on=today - dt.timedelta(days=9), ends_on=today - dt.timedelta(days=1)
        ),
        "scope_missing": dict(scope="  "),
        "bad_file_type": dict(contract_file=SimpleUploadedFile("a.pdf", PNG)),
        "missing_file": dict(contract_file=None),
        "empty_file": dict(contract_file=SimpleUploadedFile("a.pdf", b"")),
    }
    for code, over in cases.items():
        with pytest.raises((ValidationFailed, PermissionDenied)) as exc:
            _entrust(agencies, **over)
        assert exc.value.code == code
    with pytest.raises(PermissionDenied) as exc:  # the agency cannot entrust itself
        _entrust(agencies, actor=agencies["agency"])
    assert exc.value.code in ("not_project_owner", "permission_denied")
    assert not Entrustment.objects.exists() and _entries("tendering.entrustment_created") == 0
    item = _entrust(agencies)
    with pytest.raises(ValidationFailed) as exc:
        _entrust(agencies, starts_on=today + dt.timedelta(days=30))
    assert exc.value.code == "entrustment_exists" and Entrustment.objects.count() == 1
    for actor in (agencies["agency"], agencies["actors"]["other_owner"]):
        with pytest.raises(PermissionDenied):
            services.entrustment_withdraw(actor=actor, entrustment=item, reason="越权")
    with pytest.raises(ValidationFailed) as exc:
        services.entrustment_withdraw(actor=agencies["owner"], entrustment=item, reason=" ")
    assert exc.value.code == "reason_missing"
    assert Entrustment.objects.get().status == "active"


def test_entrustment_api_refusals_and_visibility(client, agencies, bearer):
    owner = bearer(agencies["owner"])
    today = today_local()
    form = {
        "project_id": agencies["project"].pk,
        "agency_id": agencies["agency_org"].pk,
        "scope": "施工招标",
        "starts_on": today.isoformat(),
        "ends_on": (today - dt.timedelta(days=3)).isoformat(),
        "contract": SimpleUploadedFile("委托合同.pdf", PDF, content_type="application/pdf"),
    }
    r = client.post(f"{API}/entrustments", form, headers=owner)
    assert r.status_code == 400 and r.json()["code"] == "dates_reversed"
    form["ends_on"], form["contract"] = "2099-13-01", SimpleUploadedFile("x.pdf", PDF)
    assert client.post(f"{API}/entrustments", form, headers=owner).status_code == 400
    form["ends_on"] = (today + dt.timedelta(days=30)).isoformat()
    form["contract"] = SimpleUploadedFile("x.pdf", PNG)
    r = client.post(f"{API}/entrustments", form, headers=owner)
    assert r.status_code == 400 and r.json()["code"] == "bad_file_type"
    form["contract"] = SimpleUploadedFile("x.pdf", PDF)
    r = client.post(f"{API}/entrustments", form, headers=bearer(agencies["agency"]))
    assert r.status_code in (403, 404)
    assert not Entrustment.objects.exists()
    form["contract"] = SimpleUploadedFile("x.pdf", PDF)
    eid = client.post(f"{API}/entrustments", form, headers=owner).json()["id"]
    url = f"{API}/entrustments/{eid}/withdraw"
    r = client.post(
        url, {"reason": "越权"}, content_type="application/json", headers=bearer(agencies["agency"])
    )
    assert r.status_code == 403
    r = client.post(
        url, {"reason": "越权"}, content_type="application/json", headers=bearer(agencies["rogue"])
    )
    assert r.status_code == 404 and r.json()["code"] == "entrustment_not_found"
    r = client.post(url, {"reason": "合同解除"}, content_type="application/json", headers=owner)
    assert r.status_code == 200 and r.json()["status"] == "withdrawn" and not r.json()["in_force"]
    r = client.post(url, {"reason": "合同解除"}, content_type="application/json", headers=owner)
    assert r.status_code == 409 and r.json()["code"] == "entrustment_not_active"
    regulator = bearer(agencies["actors"]["regulator"])
    assert [e["id"] for e in client.get(f"{API}/entrustments", headers=regulator).json()] == [eid]


def test_entrustment_ledger_entries_follow_the_object(agencies):
    item = _entrust(agencies)
    who = {
        "owner": True,
        "agency": True,
        "regulator": True,
        "rogue": False,
        "contractor": False,
        "other_owner": False,
    }
    actors = {**agencies["actors"], "agency": agencies["agency"], "rogue": agencies["rogue"]}
    for name, expected in who.items():
        assert can_see(actors[name], "tendering", "entrustment", str(item.pk)) is expected, name


def test_entrustment_pages(client, agencies, login_as):
    owner = login_as(agencies["owner"])
    page = owner.get("/tendering/").content.decode()
    assert 'id="btn-entrustments"' in page
    page = owner.get("/tendering/entrustments/").content.decode()
    assert 'id="form-entrust"' in page and "北京兴诚招标代理有限公司" in page
    today = today_local()
    post = {
        "project": str(agencies["project"].pk),
        "agency": str(agencies["agency_org"].pk),
        "scope": "施工招标",
        "starts_on": today.isoformat(),
        "ends_on": (today - dt.timedelta(days=1)).isoformat(),
        "contract": SimpleUploadedFile("委托合同.pdf", PDF, content_type="application/pdf"),
    }
    r = owner.post("/tendering/entrustments/", post)
    assert r.status_code == 400 and "委托截止日不得早于委托起始日" in r.content.decode()
    post["ends_on"] = (today + dt.timedelta(days=60)).isoformat()
    post["contract"] = SimpleUploadedFile("委托合同.pdf", PDF, content_type="application/pdf")
    r = owner.post("/tendering/entrustments/", post)
    assert r.status_code == 302, r.content.decode()[:800]
    item = Entrustment.objects.get()
    page = owner.get("/tendering/entrustments/").content.decode()
    assert f'data-withdraw="{item.pk}"' in page and 'data-status="in_force"' in page
    assert owner.get(f"/tendering/entrustments/{item.pk}/contract/").status_code == 200
    # the owner may name the entrusted agency when it creates a tender itself
    new = owner.get("/tendering/new/").content.decode()
    assert f'value="{agencies["agency_org"].pk}">北京兴诚招标代理有限公司' in new
    owner.post("/accounts/logout/")
    agency = login_as(agencies["agency"])
    page = agency.get("/tendering/entrustments/").content.decode()
    assert agencies["project"].name in page and 'id="form-entrust"' not in page
    assert "data-withdraw" not in page
    page = agency.get("/tendering/new/").content.decode()
    assert agencies["project"].code in page and 'id="agency-note"' in page
    r = agency.post(
        "/tendering/new/",
        {
            "project": str(agencies["project"].pk),
            "title": "小学扩建施工",
            "procedure": "open_post",
            "estimate": "30000000",
            "price_ceiling": "29800000",
            "bond_amount": "500000",
        },
    )
    assert r.status_code == 302, r.content.decode()[:800]
    tender = Tender.objects.get()
    assert tender.agency_id == agencies["agency_org"].pk
    assert agency.post(
        f"/tendering/entrustments/{item.pk}/withdraw/", {"reason": "x"}
    ).status_code in (302, 403)
    assert Entrustment.objects.get().status == "active"
    services.entrustment_withdraw(actor=agencies["owner"], entrustment=item, reason="解除")
    r = agency.post(f"/tendering/{tender.pk}/act/", {"action": "cancel", "reason": "终止"})
    assert r.status_code in (403, 404) and Tender.objects.get().status == "draft"


def test_demo_entrustment_is_made_once(agencies):
    first = demo._entrust(agencies["owner"], agencies["agency"], agencies["project"])
    again = demo._entrust(agencies["owner"], agencies["agency"], agencies["project"])
    assert first.pk == again.pk and Entrustment.objects.count() == 1
    assert first.scope == "施工招标" and first.contract_sm3


def test_the_agency_withdrawing_its_own_entrustment_gets_a_403_page(client, agencies, login_as):
    """Only the owner withdraws: the agency is refused with a 403, not a flash message on a
    redirect that reads like a handled request."""
    item = _entrust(agencies)
    agency = login_as(agencies["agency"])
    r = agency.post(f"/tendering/entrustments/{item.pk}/withdraw/", {"reason": "不干了"})
    assert r.status_code == 403
    assert Entrustment.objects.get().status == "active"
