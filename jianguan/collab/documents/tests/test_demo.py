"""The demo's documents: a folder tree, PDFs with Chinese text found by the global search, a
drawing at revision B with A superseded, one transmittal acknowledged by all and one pending on
its recipients' to-do lists; seeding again changes nothing."""

from __future__ import annotations

import pytest

from jianguan.collab.documents import demo
from jianguan.collab.documents.models import Document, Folder, Transmittal

pytestmark = pytest.mark.django_db


def test_the_demo_has_documents_drawings_and_transmittals(demo_district):
    from jianguan.accounts.actors import actor_for
    from jianguan.accounts.models import User
    from jianguan.workbench.search.query import search

    assert Folder.objects.filter(path="/设计文件/施工图").exists()
    drawing = Document.objects.get(drawing_number="结施-01")
    assert [(v.label, v.superseded) for v in drawing.versions.order_by("-seq")] == [
        ("B", False),
        ("A", True),
    ]
    plan = Document.objects.get(title=demo.MARK)
    assert plan.current.extracted.status == "done" and "土钉墙" in plan.current.extracted.text
    states = {
        t.subject: [r.acknowledged_at is not None for r in t.recipients.all()]
        for t in Transmittal.objects.all()
    }
    assert all(states["结施-01 基础平面布置图 B 版发布"])
    assert not any(states["施工组织设计报审"])
    contractor = actor_for(User.objects.get(username="contractor"))
    groups = {g.kind: g for g in search(actor=contractor, query="土钉墙").groups}
    assert groups["project_documents"].items[0].object_id == plan.pk
    assert demo.seed() == {"skipped": True}
