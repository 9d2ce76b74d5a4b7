"""Pages: project inspections page, order detail with its forms, the PDF; and the API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jianguan.compliance import services
from jianguan.compliance.models import RectificationOrder
from jianguan.compliance.tests.helpers import PDF, building_items, in_construction, jpeg
from jianguan.core.timeutil import today_local


@pytest.fixture
def site(world):
    return {"project": in_construction(world), **world}


def _login(client, actor):
    client.force_login(actor.user)
    return client


def _post_inspection(client, site, **over):
    data = {
        "kind": "routine",
        "inspected_on": today_local().isoformat(),
        "type": "safety",
        "severity": "general",
        "description": "安全帽佩戴不规范",
        "location": "1号楼",
        "responsible": str(site["orgs"]["general_contractor"].pk),
        "photos": [jpeg()],
    }
    data.update(over)
    return client.post(reverse("compliance:inspection_create", args=[site["project"].pk]), data)


def test_regulator_inspects_from_the_page_and_gets_a_pdf(client, site):
    _login(client, site["actors"]["regulator"])
    page = client.get(reverse("compliance:project", args=[site["project"].pk]))
    assert page.status_code == 200 and "开展检查并下达整改通知单" in page.content.decode()
    response = _post_inspection(client, site)
    order = RectificationOrder.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "compliance:order", args=[order.pk]
    )
    detail = client.get(response.url)
    assert detail.status_code == 200 and order.number in detail.content.decode()
    pdf = client.get(reverse("compliance:order_pdf", args=[order.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(reverse("compliance:index")).status_code == 200
    photo = order.finding.photos.get()
    assert f"/files/photo/{photo.pk}/" in detail.content.decode()
    r = client.get(reverse("compliance:order_file", args=[order.pk, "photo", photo.pk]))
    assert r.status_code == 200 and r["X-Content-SM3"] == photo.sm3
    assert b"".join(r.streaming_content).startswith(b"\xff\xd8")  # the JPEG itself
    for kind, fid in (("photo", photo.pk + 1), ("evidence", photo.pk), ("exe", photo.pk)):
        r = client.get(reverse("compliance:order_file", args=[order.pk, kind, fid]))
        assert r.status_code == 404 and "文件不存在" in r.content.decode()
    # an organisation that may not see the order may not fetch its files either
    _login(client, site["actors"]["other_owner"])
    r = client.get(reverse("compliance:order_file", args=[order.pk, "photo", photo.pk]))
    assert r.status_code in (403, 404)


def test_bad_photo_on_the_page_is_a_400_in_chinese(client, site):
    _login(client, site["actors"]["regulator"])
    bad = SimpleUploadedFile("x.pdf", PDF, content_type="image/jpeg")
    response = _post_inspection(client, site, photos=[bad])
    assert (
        response.status_code == 400 and "现场照片须为 JPEG、PNG 文件" in response.content.decode()
    )
    assert not RectificationOrder.objects.exists()


def test_contractor_answers_on_the_page_and_regulator_fails_it(client, site):
    reg = site["actors"]["regulator"]
    inspection = services.inspection_create(
        actor=reg, project=site["project"], kind="special", inspected_on=today_local()
    )
    order = services.finding_raise(
        actor=reg,
        inspection=inspection,
        type="quality",
        severity="major",
        description="混凝土蜂窝麻面",
        responsible_organisation=site["orgs"]["general_contractor"],
    )
    _login(client, site["actors"]["contractor"])
    url = reverse("compliance:order_answer", args=[order.pk])
    assert (
        "回复整改情况" in client.get(reverse("compliance:order", args=[order.pk])).content.decode()
    )
    assert client.post(url, {"text": "已修补", "files": [jpeg()]}).status_code == 302
    _login(client, reg)
    evidence = order.answers.get().files.get()
    page = client.get(reverse("compliance:order", args=[order.pk])).content.decode()
    assert f"/files/evidence/{evidence.pk}/" in page
    r = client.get(reverse("compliance:order_file", args=[order.pk, "evidence", evidence.pk]))
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    url = reverse("compliance:order_reinspect", args=[order.pk])
    response = client.post(url, {"result": "failed", "note": ""})
    assert response.status_code == 400 and "复查意见" in response.content.decode()
    assert client.post(url, {"result": "failed", "note": "仍有麻面"}).status_code == 302
    assert RectificationOrder.objects.get().status == "failed"


def test_api_risk_and_order_loop(client, site):
    reg = site["actors"]["regulator"]
    _login(client, reg)
    project = site["project"]
    base = "/api/v1/compliance"
    response = client.put(
        f"{base}/projects/{project.pk}/risk",
        {"items": building_items(likelihood=3, impact=4), "responsible_person": ""},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert (
        response.json()["level"] == "major" and response.json()["ready_for_construction"] is False
    )
    response = client.post(
        f"{base}/projects/{project.pk}/inspections",
        {"kind": "routine", "inspected_on": today_local().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 201
    inspection_id = response.json()["id"]
    response = client.post(
        f"{base}/inspections/{inspection_id}/findings",
        {
            "type": "arson",
            "severity": "general",
            "description": "x",
            "responsible_organisation_id": site["orgs"]["general_contractor"].pk,
        },
    )
    assert response.status_code == 400 and response.json()["code"] == "unknown_finding_type"
    response = client.post(
        f"{base}/inspections/{inspection_id}/findings",
        {
            "type": "labour",
            "severity": "general",
            "description": "工资公示牌缺失",
            "responsible_organisation_id": site["orgs"]["general_contractor"].pk,
        },
    )
    assert response.status_code == 201, response.content
    order_id = response.json()["id"]
    _login(client, site["actors"]["contractor"])
    response = client.post(
        f"{base}/orders/{order_id}/answer", {"text": "已补设", "files": [jpeg()]}
    )
    assert response.status_code == 200 and response.json()["status"] == "answered"
    _login(client, reg)
    response = client.post(
        f"{base}/orders/{order_id}/reinspect",
        {"result": "failed", "note": "内容不全"},
        content_type="application/json",
    )
    assert response.json()["status"] == "failed"
    gc = site["orgs"]["general_contractor"].pk
    response = client.get(f"{base}/organisations/{gc}/consecutive-failures")
    assert response.json()["consecutive_failures"] == 1
    assert client.get(f"{base}/orders/{order_id}/pdf").content.startswith(b"%PDF")


def test_owner_files_a_serious_risk_and_its_plan_on_the_page(client, world):
    from jianguan.compliance.models import RiskAssessment
    from jianguan.compliance.tests.helpers import create

    project = create(world)
    _login(client, world["actors"]["owner"])
    page = client.get(reverse("compliance:project", args=[project.pk]))
    assert page.status_code == 200 and "深基坑" in page.content.decode()
    data = {f"{k}_{code}": "2" for code in building_items() for k in ("l", "i")}
    data.update({"l_deep_excavation": "5", "i_deep_excavation": "4"})
    url = reverse("compliance:risk_assess", args=[project.pk])
    assert client.post(url, data).status_code == 302
    assert RiskAssessment.objects.get().level == "serious"
    page = client.get(reverse("compliance:project", args=[project.pk])).content.decode()
    assert "须上传应急预案" in page
    plan_url = reverse("compliance:risk_plan", args=[project.pk])
    bad = client.post(plan_url, {"responsible_person": "王工", "emergency_plan": jpeg()})
    assert bad.status_code == 400 and "应急预案须为 PDF 文件" in bad.content.decode()
    plan = SimpleUploadedFile("p.pdf", PDF, content_type="application/pdf")
    assert (
        client.post(plan_url, {"responsible_person": "王工", "emergency_plan": plan}).status_code
        == 302
    )
    assert RiskAssessment.objects.get().ready
