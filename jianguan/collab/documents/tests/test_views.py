"""The document pages: the project's folder tree and list, upload through the form (and its
refusals shown on the page), the document page with versions and the PDF preview frame, the
file served for the frame, the drawing register, search, transmittals with the acknowledge
button; another organisation gets 404."""

from __future__ import annotations

from django.urls import reverse

from jianguan.collab.documents import services, services_transmittals
from jianguan.collab.documents.models import DocumentVersion
from jianguan.collab.documents.tests.conftest import pdf_bytes, stored_files, upload


def _doc(site, actor=None, **kw):
    args = dict(title="施工组织设计", discipline="management", reason="报审")
    args.update(kw)
    return services.document_create(
        actor=actor or site["actors"]["contractor"],
        project=site["project"],
        upload=upload(pdf_bytes()),
        **args,
    )


def test_project_page_upload_and_document_page(
    client, login_as, site, django_capture_on_commit_callbacks
):
    gc = site["actors"]["contractor"]
    c = login_as(gc)
    pid = site["project"].pk
    page = c.get(reverse("collab_documents:project", args=[pid]))
    assert page.status_code == 200 and "上传文件" in page.content.decode()
    r = c.post(reverse("collab_documents:folder_create", args=[pid]), {"name": "施工管理"})
    assert r.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(
            reverse("collab_documents:upload", args=[pid]),
            {
                "kind": "document",
                "title": "施工组织设计",
                "discipline": "management",
                "reason": "首次上传",
                "file": upload(pdf_bytes(), "计划.pdf"),
            },
        )
    assert r.status_code == 302, r.content.decode()[:2000]
    version = DocumentVersion.objects.get()
    page = c.get(r["Location"]).content.decode()
    assert (
        'id="preview-frame"' in page
        and reverse("collab_documents:version_file", args=[version.pk]) in page
    )
    assert version.sm3 in page and "首次上传" in page
    f = c.get(reverse("collab_documents:version_file", args=[version.pk]))
    assert f.status_code == 200 and f["Content-Type"] == "application/pdf"
    assert (
        f["X-Frame-Options"] == "SAMEORIGIN"
        and "frame-ancestors 'self'" in f["Content-Security-Policy"]
    )
    assert f["X-Content-Type-Options"] == "nosniff"
    # a new version through its form
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(
            reverse("collab_documents:version_upload", args=[version.document_id]),
            {"reason": "按监理意见修改", "file": upload(pdf_bytes("二版"))},
        )
    assert r.status_code == 302
    page = c.get(reverse("collab_documents:document", args=[version.document_id])).content.decode()
    assert "已替代" in page and "按监理意见修改" in page
    # search box of the documents page
    page = c.get(reverse("collab_documents:project", args=[pid]), {"q": "礼贤镇"}).content.decode()
    assert 'id="search-results"' in page and "施工组织设计" in page


def test_refused_upload_on_the_page(client, login_as, site):
    c = login_as(site["actors"]["contractor"])
    r = c.post(
        reverse("collab_documents:upload", args=[site["project"].pk]),
        {
            "kind": "document",
            "title": "坏文件",
            "discipline": "general",
            "reason": "x",
            "file": upload(b"MZ\x90\x00" * 10, "a.pdf"),
        },
    )
    assert r.status_code == 400 and "不接受此类型的文件" in r.content.decode()
    assert DocumentVersion.objects.count() == 0 and stored_files(site["media"]) == []


def test_another_organisation_gets_404(client, login_as, site):
    v = _doc(site)
    c = login_as(site["actors"]["other_owner"])
    for url in (
        reverse("collab_documents:project", args=[site["project"].pk]),
        reverse("collab_documents:document", args=[v.document_id]),
        reverse("collab_documents:version_file", args=[v.pk]),
        reverse("collab_documents:drawings", args=[site["project"].pk]),
    ):
        assert c.get(url).status_code == 404, url


def test_drawing_register_page(client, login_as, site):
    des = site["designer"]
    a = _doc(
        site,
        actor=des,
        kind="drawing",
        title="基础平面布置图",
        drawing_number="结施-01",
        discipline="structure",
    )
    services.version_upload(
        actor=des, document=a.document, upload=upload(pdf_bytes("B")), reason="会审意见"
    )
    c = login_as(site["actors"]["owner"])
    page = c.get(reverse("collab_documents:drawings", args=[site["project"].pk])).content.decode()
    assert "结施-01" in page and "已替代" in page and 'class="current-revision">B<' in page


def test_transmittal_pages_and_acknowledge(client, login_as, site):
    des, gc = site["designer"], site["actors"]["contractor"]
    v = _doc(site, actor=des)
    c = login_as(des)
    new = reverse("collab_documents:transmittal_new", args=[site["project"].pk])
    assert c.get(new).status_code == 200
    r = c.post(
        new,
        {
            "subject": "施工图发布",
            "purpose": "construction",
            "recipients": [gc.organisation_id],
            "versions": [v.pk],
        },
    )
    assert r.status_code == 302, r.content.decode()[:1500]
    t = services_transmittals.Transmittal.objects.get()
    c.logout()
    c = login_as(gc)
    page = c.get(reverse("collab_documents:transmittal", args=[t.pk])).content.decode()
    assert 'id="acknowledge"' in page
    index = c.get(reverse("collab_documents:index")).content.decode()
    assert "待确认收到" in index
    r = c.post(reverse("collab_documents:transmittal_acknowledge", args=[t.pk]))
    assert r.status_code == 302
    page = c.get(reverse("collab_documents:transmittal", args=[t.pk])).content.decode()
    assert 'id="acknowledge"' not in page and "已确认收到" in page
    listing = c.get(
        reverse("collab_documents:transmittals", args=[site["project"].pk])
    ).content.decode()
    assert "TR-0001" in listing and "已确认" in listing


def test_project_page_links_here(client, login_as, site):
    c = login_as(site["actors"]["owner"])
    page = c.get(reverse("projects:detail", args=[site["project"].pk])).content.decode()
    assert reverse("collab_documents:project", args=[site["project"].pk]) in page


def test_image_preview_inline_and_sandboxed(client, login_as, site):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    v = services.document_create(
        actor=site["actors"]["contractor"],
        project=site["project"],
        upload=upload(buffer.getvalue(), "现场照片.png"),
        title="基坑现场照片",
        discipline="general",
        reason="留档",
    )
    c = login_as(site["actors"]["supervisor"])
    page = c.get(reverse("collab_documents:document", args=[v.document_id])).content.decode()
    assert 'id="preview-image"' in page
    f = c.get(reverse("collab_documents:version_file", args=[v.pk]))
    assert f["Content-Type"] == "image/png" and f["Content-Disposition"].startswith("inline")
    assert "sandbox" in f["Content-Security-Policy"]
    d = c.get(reverse("collab_documents:version_file", args=[v.pk]), {"download": "1"})
    assert d["Content-Disposition"].startswith("attachment")
