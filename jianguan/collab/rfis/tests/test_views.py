"""The pages: the RFI log with filters, the new-RFI form, an RFI with its thread and the
actions of the party in court, the submittal register, review form and stamped download."""

from __future__ import annotations

from django.test import Client

from jianguan.collab.rfis import services, services_submittal, workflow
from jianguan.collab.rfis.models import Rfi, Submittal
from jianguan.collab.rfis.tests.conftest import pdf_upload


def login(actor) -> Client:
    c = Client()
    c.force_login(actor.user)
    return c


def test_rfi_pages_journey(team, clock):
    a, o, p = team["actors"], team["orgs"], team["project"]
    gc = login(a["contractor"])
    page = gc.get(f"/collab/rfis/projects/{p.pk}/new/")
    assert page.status_code == 200 and o["designer"].name in page.content.decode()
    r = gc.post(
        f"/collab/rfis/projects/{p.pk}/new/",
        {
            "kind": "contact",
            "subject": "临时道路占用",
            "question": "能否占用东侧绿地？",
            "addressed_to": o["owner"].pk,
            "priority": "urgent",
            "files": [pdf_upload("图.pdf")],
        },
    )
    assert r.status_code == 302
    rfi = Rfi.objects.get()
    assert rfi.attachments.count() == 1
    body = gc.get(f"/collab/rfis/rfis/{rfi.pk}/").content.decode()
    assert "待答复" in body and o["owner"].name in body and "紧急" in body
    assert 'data-action="answer"' not in body
    own = login(a["owner"])
    body = own.get(f"/collab/rfis/rfis/{rfi.pk}/").content.decode()
    assert 'data-action="answer"' in body and 'data-action="return"' in body
    assert own.get(f"/collab/rfis/attachments/{rfi.attachments.get().pk}/").status_code == 200
    # the contractor may not answer (not in court): 403
    assert (
        gc.post(f"/collab/rfis/rfis/{rfi.pk}/act/", {"action": "answer", "text": "x"}).status_code
        == 403
    )
    # an empty answer: the page again with the message, nothing saved
    r = own.post(f"/collab/rfis/rfis/{rfi.pk}/act/", {"action": "answer", "text": ""})
    assert r.status_code == 400 and "请填写答复内容" in r.content.decode()
    r = own.post(f"/collab/rfis/rfis/{rfi.pk}/act/", {"action": "answer", "text": "同意占用"})
    assert r.status_code == 302
    log = gc.get(f"/collab/rfis/projects/{p.pk}/?court=mine").content.decode()
    assert rfi.number in log
    assert rfi.number not in gc.get(f"/collab/rfis/projects/{p.pk}/?state=closed").content.decode()
    index = gc.get("/collab/rfis/").content.decode()
    assert rfi.number in index


def test_new_rfi_form_refuses_an_outsider_addressee(team, clock):
    a, o, p = team["actors"], team["orgs"], team["project"]
    r = login(a["contractor"]).post(
        f"/collab/rfis/projects/{p.pk}/new/",
        {"kind": "contact", "subject": "s", "question": "q", "addressed_to": o["outsider"].pk},
    )
    assert r.status_code == 400 and "收文单位须为本项目的参建单位" in r.content.decode()
    assert not Rfi.objects.exists()
    assert login(a["outsider"]).get(f"/collab/rfis/projects/{p.pk}/").status_code == 404


def test_submittal_pages_review_and_stamped_download(team, clock):
    a, p = team["actors"], team["project"]
    gc, sup = login(a["contractor"]), login(a["supervisor"])
    r = gc.post(
        f"/collab/rfis/projects/{p.pk}/submittals/",
        {
            "kind": "material",
            "title": "钢筋报验",
            "file": pdf_upload("x.pdf").__class__("x.docx", b"PK\x03\x04xx"),
        },
    )
    assert r.status_code == 400 and "PDF" in r.content.decode()
    r = gc.post(
        f"/collab/rfis/projects/{p.pk}/submittals/",
        {"kind": "material", "title": "钢筋报验", "file": pdf_upload()},
    )
    assert r.status_code == 302
    s = Submittal.objects.get()
    assert 'id="review-form"' not in gc.get(f"/collab/rfis/submittals/{s.pk}/").content.decode()
    assert 'id="review-form"' in sup.get(f"/collab/rfis/submittals/{s.pk}/").content.decode()
    r = sup.post(f"/collab/rfis/submittals/{s.pk}/review/", {"decision": "approved"})
    assert r.status_code == 302
    body = gc.get(f"/collab/rfis/submittals/{s.pk}/").content.decode()
    assert "下载盖章 PDF" in body and "审查通过" in body
    rev = s.revisions.get()
    got = gc.get(f"/collab/rfis/revisions/{rev.pk}/stamped/")
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert login(a["outsider"]).get(f"/collab/rfis/revisions/{rev.pk}/stamped/").status_code == 404
    register = gc.get(f"/collab/rfis/projects/{p.pk}/submittals/").content.decode()
    assert s.number in register


def test_variation_from_the_rfi_page(team, clock):
    a, o = team["actors"], team["orgs"]
    rfi = services.rfi_raise(
        actor=a["contractor"],
        project=team["project"],
        kind=workflow.TECHNICAL,
        subject="加厚底板",
        question="?",
        addressed_to_id=o["designer"].pk,
        cost_impact=True,
    )
    services.rfi_act(actor=a["designer"], rfi=rfi, action="answer", text="加厚 100mm")
    gc = login(a["contractor"])
    assert 'id="rfi-vary"' in gc.get(f"/collab/rfis/rfis/{rfi.pk}/").content.decode()
    r = gc.post(
        f"/collab/rfis/rfis/{rfi.pk}/variation/",
        {
            "contract": team["contract"].pk,
            "code": "010501004099",
            "name": "底板加厚",
            "unit": "m3",
            "unit_rate": "650",
            "quantity": "120",
        },
    )
    assert r.status_code == 302
    rfi.refresh_from_db()
    body = gc.get(f"/collab/rfis/rfis/{rfi.pk}/").content.decode()
    assert rfi.variation_id and 'id="rfi-variation"' in body and "78,000.00" in body
    _ = services_submittal  # the submittal pages are above
