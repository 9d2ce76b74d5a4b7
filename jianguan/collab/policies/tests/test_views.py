"""Policy pages: the regulator drafts, publishes and tracks; the targeted contractor sees the
to-confirm mark, opens (read receipt) and confirms; the public page shows published policies
only (a draft is a 404 to anonymous visitors)."""

from __future__ import annotations

from jianguan.collab.policies.models import Policy, PolicyReceipt

FORM = {
    "title": "北京市建设工程施工现场管理办法",
    "issuer": "北京市人民政府",
    "number": "北京市人民政府令第247号",
    "issued_on": "2013-05-07",
    "effective_on": "2013-07-01",
    "full_text": "施工单位应当在施工现场设置连续、密闭的围挡。",
    "tags": "文明施工，扬尘治理",
    "target_kinds": ["general_contractor"],
}


def test_pages_journey(regulator, contractor, client, login_as):
    c = login_as(regulator)
    r = c.post("/collab/policies/new/", FORM)
    assert r.status_code == 302, r.content.decode()[:2000]
    p = Policy.objects.get()
    assert p.tags == ["文明施工", "扬尘治理"]
    c.logout()
    assert client.get(f"/public/policies/{p.pk}/").status_code == 404
    c = login_as(regulator)
    assert c.post(f"/collab/policies/{p.pk}/publish/").status_code == 302
    page = c.get(f"/collab/policies/{p.pk}/tracking/").content.decode()
    assert "尚未确认的单位（1）" in page
    c.logout()
    r = client.get("/public/policies/?tag=扬尘治理")
    assert r.status_code == 200 and FORM["title"] in r.content.decode()
    assert FORM["full_text"] in client.get(f"/public/policies/{p.pk}/").content.decode()

    c = login_as(contractor)
    assert "待确认已阅" in c.get("/collab/policies/").content.decode()
    page = c.get(f"/collab/policies/{p.pk}/").content.decode()
    assert "确认已阅" in page
    receipt = PolicyReceipt.objects.get(policy=p)
    assert receipt.first_read_at is not None and receipt.acknowledged_at is None
    assert c.post(f"/collab/policies/{p.pk}/acknowledge/").status_code == 302
    receipt.refresh_from_db()
    assert receipt.acknowledged_at is not None
    assert c.post(f"/collab/policies/{p.pk}/acknowledge/").status_code == 409
    assert c.get(f"/collab/policies/{p.pk}/tracking/").status_code == 403


def test_bad_form_is_400(regulator, login_as):
    c = login_as(regulator)
    r = c.post("/collab/policies/new/", {**FORM, "effective_on": "2013-01-01"})
    assert r.status_code == 400 and "施行日期不得早于发布日期" in r.content.decode()
    assert not Policy.objects.exists()
