"""The services of document management: the upload journey, the SM3 of every version in the
ledger, new versions that keep the history, drawing revisions, refused files that leave nothing
behind, search (the documents page's and the global one) over PDF text in Chinese, who may see
what, and the transmittal journey with its to-do item and notifications."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from jianguan.collab.documents import selectors, services, services_transmittals
from jianguan.collab.documents.models import Document, DocumentVersion, ExtractedText, Folder
from jianguan.collab.documents.tests.conftest import pdf_bytes, sm3, stored_files, upload
from jianguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jianguan.core.todo import todo_for
from jianguan.ledger.models import LedgerEntry
from jianguan.projects.tests.test_services import member

TODAY = dt.date(2026, 12, 7)


def _doc(entry) -> dict:
    return json.loads(bytes(entry.leaf_input))


def _create(site, data=None, actor=None, **kw):
    args = dict(title="施工组织设计", discipline="management", reason="报监理审查")
    args.update(kw)
    return services.document_create(
        actor=actor or site["actors"]["contractor"],
        project=site["project"],
        upload=upload(data if data is not None else pdf_bytes()),
        **args,
    )


def test_upload_journey_and_sm3_in_the_ledger(site, django_capture_on_commit_callbacks):
    data = pdf_bytes()
    gc = site["actors"]["contractor"]
    folder = services.folder_create(actor=gc, project=site["project"], name="施工管理")
    with django_capture_on_commit_callbacks(execute=True):
        v1 = _create(site, data, folder=folder, number="SZ-001")
    assert v1.label == "V1" and v1.seq == 1 and v1.file_type == "pdf"
    assert v1.sm3 == sm3(data) and v1.size == len(data)
    assert v1.document.current_id == v1.pk and v1.document.folder == folder
    with v1.file.open("rb") as fh:
        assert sm3(fh.read()) == sm3(data)  # the stored file is the uploaded one
    entry = LedgerEntry.objects.get(type="collab_documents.version_uploaded", object_id=str(v1.pk))
    body = _doc(entry)
    assert body["payload"]["sm3"] == sm3(data)
    assert {"name": "file.pdf", "sm3": sm3(data)} in body["files"]
    assert body["payload"]["reason"] == "报监理审查"
    assert LedgerEntry.objects.filter(
        type="collab_documents.document_created", object_id=str(v1.document_id)
    ).exists()
    # the text was extracted after commit
    assert ExtractedText.objects.get(version=v1).status == "done"
    assert "礼贤镇" in ExtractedText.objects.get(version=v1).text


def test_new_version_keeps_history(site):
    v1 = _create(site)
    data2 = pdf_bytes("施工组织设计（修订）")
    v2 = services.version_upload(
        actor=site["actors"]["contractor"],
        document=v1.document,
        upload=upload(data2),
        reason="按监理意见修改第三章",
    )
    v1.refresh_from_db()
    document = Document.objects.get(pk=v1.document_id)
    assert document.current_id == v2.pk and v2.label == "V2" and v2.seq == 2
    assert v1.superseded and not v2.superseded
    assert [v.label for v in selectors.versions_of(document)] == ["V2", "V1"]
    assert v1.file.name != v2.file.name and v1.file.storage.exists(v1.file.name)
    entry = LedgerEntry.objects.get(type="collab_documents.version_uploaded", object_id=str(v2.pk))
    assert _doc(entry)["payload"]["sm3"] == sm3(data2)
    assert _doc(entry)["payload"]["supersedes"] == "V1"
    with pytest.raises(ValidationFailed) as exc:
        services.version_upload(
            actor=site["actors"]["contractor"],
            document=document,
            upload=upload(pdf_bytes()),
            reason="",
        )
    assert exc.value.code == "missing_field"
    with pytest.raises(ValidationFailed) as exc:
        services.version_upload(
            actor=site["actors"]["contractor"],
            document=document,
            upload=upload(pdf_bytes()),
            reason="x",
            label="V1",
        )
    assert exc.value.code == "duplicate_label"


def test_drawing_revisions_and_register(site):
    des = site["designer"]
    a = _create(
        site,
        actor=des,
        kind="drawing",
        title="基础平面布置图",
        drawing_number="结施-01",
        scale="1:100",
        sheet="A1",
        discipline="structure",
    )
    assert a.label == "A"
    b = services.version_upload(
        actor=des, document=a.document, upload=upload(pdf_bytes("B")), reason="图纸会审第 3 条"
    )
    assert b.label == "B"
    with pytest.raises(ValidationFailed) as exc:
        services.version_upload(
            actor=des, document=a.document, upload=upload(pdf_bytes()), reason="x", label="A"
        )
    assert exc.value.code == "revision_backwards"
    with pytest.raises(ValidationFailed) as exc:
        services.version_upload(
            actor=des, document=a.document, upload=upload(pdf_bytes()), reason="x", label="b?"
        )
    assert exc.value.code == "invalid_revision"
    with pytest.raises(ValidationFailed) as exc:
        _create(
            site,
            actor=des,
            kind="drawing",
            title="重复",
            drawing_number="结施-01",
            discipline="structure",
        )
    assert exc.value.code == "duplicate_drawing"
    rows = selectors.drawing_register(actor=site["actors"]["owner"], project_id=site["project"].pk)
    assert len(rows) == 1
    assert rows[0]["drawing"].current.label == "B"
    assert [(v.label, v.superseded) for v in rows[0]["revisions"]] == [("B", False), ("A", True)]


@pytest.mark.parametrize(
    "data,name,code",
    [
        (b"MZ\x90\x00" + b"\x00" * 100, "report.pdf", "bad_file_type"),  # an executable named .pdf
        (b"<html><script>alert(1)</script></html>", "a.html", "bad_file_type"),
        (b"", "empty.pdf", "empty_file"),
    ],
)
def test_refused_files_leave_nothing_behind(site, data, name, code):
    before = (
        Document.objects.count(),
        DocumentVersion.objects.count(),
        LedgerEntry.objects.count(),
    )
    with pytest.raises(ValidationFailed) as exc:
        services.document_create(
            actor=site["actors"]["contractor"],
            project=site["project"],
            upload=upload(data, name),
            title="坏文件",
            discipline="general",
        )
    assert exc.value.code == code and exc.value.message
    assert (
        Document.objects.count(),
        DocumentVersion.objects.count(),
        LedgerEntry.objects.count(),
    ) == before
    assert stored_files(site["media"]) == []


def test_over_the_size_limit(site, settings):
    v1 = _create(site)
    settings.COLLAB_DOCUMENT_MAX_BYTES = 1000
    files_before = len(stored_files(site["media"]))
    with pytest.raises(services.TooLarge) as exc:
        services.version_upload(
            actor=site["actors"]["contractor"],
            document=v1.document,
            upload=upload(pdf_bytes()),
            reason="太大",
        )
    assert exc.value.status == 413 and exc.value.code == "file_too_large"
    assert "MB" in exc.value.message
    assert DocumentVersion.objects.filter(document=v1.document).count() == 1
    assert len(stored_files(site["media"])) == files_before


def test_failure_after_storing_removes_the_file(site, monkeypatch):
    real = services.record

    def boom(**kwargs):
        if kwargs["type"] == "collab_documents.version_uploaded":  # the file is stored by now
            raise RuntimeError("ledger down")
        return real(**kwargs)

    monkeypatch.setattr(services, "record", boom)
    with pytest.raises(RuntimeError):
        _create(site)
    assert DocumentVersion.objects.count() == 0 and Document.objects.count() == 0
    assert stored_files(site["media"]) == []


def test_who_may_write_and_see(site, make_persona):
    outsider = site["actors"]["other_owner"]
    with pytest.raises(PermissionDenied):
        _create(site, actor=outsider)
    with pytest.raises(PermissionDenied):
        services.folder_create(
            actor=site["actors"]["regulator"], project=site["project"], name="监管"
        )
    v1 = _create(site)
    with pytest.raises(NotFound):
        selectors.document_get(actor=outsider, pk=v1.document_id)
    with pytest.raises(NotFound):
        selectors.version_get(actor=outsider, pk=v1.pk)
    assert selectors.document_get(actor=site["actors"]["regulator"], pk=v1.document_id)
    assert selectors.version_get(actor=site["actors"]["supervisor"], pk=v1.pk)


def test_folders(site):
    gc = site["actors"]["contractor"]
    top = services.folder_create(actor=gc, project=site["project"], name="设计文件")
    sub = services.folder_create(actor=gc, project=site["project"], name="施工图", parent=top)
    assert sub.path == "/设计文件/施工图"
    with pytest.raises(ValidationFailed) as exc:
        services.folder_create(actor=gc, project=site["project"], name="施工图", parent=top)
    assert exc.value.code == "duplicate_folder"
    with pytest.raises(ValidationFailed):
        services.folder_create(actor=gc, project=site["project"], name="a/b")
    assert Folder.objects.filter(project=site["project"]).count() == 2


def test_chinese_pdf_text_found_by_both_searches(site, django_capture_on_commit_callbacks):
    from jianguan.workbench.search.query import search

    with django_capture_on_commit_callbacks(execute=True):
        v = _create(site, title="施工组织设计总说明")
    # a word only in the PDF's text, not in the title
    hits, terms = selectors.search(
        actor=site["actors"]["owner"], project_id=site["project"].pk, query="礼贤镇 污水处理"
    )
    assert [h["document"].pk for h in hits] == [v.document_id]
    assert "礼贤" in hits[0]["snippet"]
    result = search(actor=site["actors"]["owner"], query="钻孔灌注桩")
    groups = {g.kind: g for g in result.groups}
    assert (
        "project_documents" in groups
        and groups["project_documents"].items[0].object_id == v.document_id
    )
    # another owner's member finds nothing of this project
    other = search(actor=site["actors"]["other_owner"], query="钻孔灌注桩")
    assert all(g.kind != "project_documents" or not g.items for g in other.groups)
    assert (
        selectors.search(
            actor=site["actors"]["owner"], project_id=site["project"].pk, query="不存在的词语组合"
        )[0]
        == []
    )


def test_transmittal_journey_with_todo(site, django_capture_on_commit_callbacks):
    from jianguan.workbench.notifications.models import Notification

    des, gc, sup = site["designer"], site["actors"]["contractor"], site["actors"]["supervisor"]
    v = _create(
        site,
        actor=des,
        kind="drawing",
        title="基础平面布置图",
        drawing_number="结施-01",
        discipline="structure",
    )
    with django_capture_on_commit_callbacks(execute=True):
        t = services_transmittals.transmittal_send(
            actor=des,
            project=site["project"],
            subject="结施-01 发布",
            purpose="construction",
            version_ids=[v.pk],
            recipient_ids=[gc.organisation_id, sup.organisation_id],
        )
    assert t.number == "TR-0001"
    assert Notification.objects.filter(
        user_id=gc.user_id, kind="collab_documents.transmittal_received"
    ).exists()
    items = [i for i in todo_for(gc, TODAY) if i.kind == "collab_documents.transmittal_ack"]
    assert len(items) == 1 and "结施-01 发布" in items[0].title
    assert not [i for i in todo_for(des, TODAY) if i.kind == "collab_documents.transmittal_ack"]
    with django_capture_on_commit_callbacks(execute=True):
        receipt = services_transmittals.transmittal_acknowledge(actor=gc, transmittal=t)
    assert receipt.acknowledged_at and receipt.acknowledged_by_id == gc.user_id
    assert not [i for i in todo_for(gc, TODAY) if i.kind == "collab_documents.transmittal_ack"]
    assert [i for i in todo_for(sup, TODAY) if i.kind == "collab_documents.transmittal_ack"]
    assert Notification.objects.filter(
        user_id=des.user_id, kind="collab_documents.transmittal_acknowledged"
    ).exists()
    with pytest.raises(Conflict):
        services_transmittals.transmittal_acknowledge(actor=gc, transmittal=t)
    with pytest.raises(PermissionDenied):
        services_transmittals.transmittal_acknowledge(actor=site["actors"]["owner"], transmittal=t)
    assert LedgerEntry.objects.filter(type="collab_documents.transmittal_acknowledged").count() == 1
    sent = _doc(LedgerEntry.objects.get(type="collab_documents.transmittal_sent"))
    assert sent["payload"]["versions"][0]["sm3"] == v.sm3


def test_transmittal_bad_input(site):
    des = site["designer"]
    v = _create(site, actor=des)
    outsider_org = site["orgs"]["other_owner"].pk
    cases = [
        ({"version_ids": [], "recipient_ids": [site["orgs"]["owner"].pk]}, "no_documents"),
        ({"version_ids": [v.pk], "recipient_ids": [des.organisation_id]}, "no_recipients"),
        ({"version_ids": [v.pk], "recipient_ids": [outsider_org]}, "recipient_not_party"),
        (
            {"version_ids": [v.pk + 999], "recipient_ids": [site["orgs"]["owner"].pk]},
            "version_not_in_project",
        ),
    ]
    for kwargs, code in cases:
        with pytest.raises(ValidationFailed) as exc:
            services_transmittals.transmittal_send(
                actor=des, project=site["project"], subject="s", **kwargs
            )
        assert exc.value.code == code


def test_member_with_read_only_role_cannot_upload(site):
    viewer = member(site["orgs"]["general_contractor"], "gcview", ["reviewer"])
    with pytest.raises(PermissionDenied):
        _create(site, actor=viewer)


def test_large_pdf_text_goes_to_the_worker_and_the_sweep_requeues(
    site, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    inline = []
    monkeypatch.setattr(services, "EXTRACT_INLINE_BYTES", 10)  # every file is "large"
    real = services.text_extract
    monkeypatch.setattr(services, "text_extract", lambda **kw: inline.append(kw) or real(**kw))
    with django_capture_on_commit_callbacks(execute=True):
        v = _create(site)
    assert inline == [{"version_id": v.pk}]
    assert ExtractedText.objects.get(version=v).status == "done"
    ExtractedText.objects.filter(version=v).update(status="pending", text="")
    assert services.text_sweep(older_than_minutes=-1) == 1
    assert ExtractedText.objects.get(version=v).status == "done"
    assert services.text_sweep(older_than_minutes=-1) == 0
