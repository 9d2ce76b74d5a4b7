"""The BIM pages: a participant sees each page, an outsider gets 403/404; forms' bad input gives
a Chinese message and changes nothing; the clash steps offered are only the actor's; the 3D
payload is relative to a local origin, small even for a model at survey coordinates."""

from __future__ import annotations

import numpy as np
import pytest

from jianguan.bim import workflow
from jianguan.bim.engine.types import Mesh
from jianguan.bim.meshcache import FileMeshCache
from jianguan.bim.models import (
    BoqMapping,
    Clash,
    ClashComment,
    ClashRun,
    ClashSet,
    Element,
    ModelRevision,
)
from jianguan.projects import services as project_services
from jianguan.projects.tests.test_services import create, world  # noqa: F401

# Gauss–Krüger survey coordinates (CGCS2000, 3° zone 39): hundreds of kilometres from 0.
E0, N0, H0 = 39_500_000.0, 4_400_000.0, 40.0


def box(guid, cls, name, lo, hi, storey="一层") -> Mesh:
    (x0, y0, z0), (x1, y1, z1) = lo, hi
    v = np.array(
        [[x, y, z] for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)], dtype=np.float64
    )
    f = np.array(
        [
            [0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
            [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3],
        ],
        dtype=np.int32,
    )  # fmt: skip
    return Mesh(guid, cls, name, storey, f"{abs(hash(guid)):064x}"[:64], v, f)


def at(x, y, z):
    return (E0 + x, N0 + y, H0 + z)


@pytest.fixture
def bim(world, settings, tmp_path):  # noqa: F811
    settings.BIM_DIR = tmp_path / "bim"
    owner = world["actors"]["owner"]
    project = create(world)
    for role in ("designer", "general_contractor", "supervisor"):
        project_services.participant_add(
            actor=owner, project=project, organisation=world["orgs"][role], role=role
        )
    common = dict(project=project, size=1234, sm3="ab" * 32, uploaded_by=owner.user)
    summary = {
        "schema": "IFC4",
        "application": "Revit 2024",
        "author_org": "设计院",
        "units": {"length": "毫米", "area": "平方米", "volume": "立方米"},
        "georeferencing": {"kind": "IfcMapConversion", "eastings": E0, "northings": N0,
                           "height": H0, "crs": "EPSG:4527"},
        "counts_by_class": {"IfcWall": 2, "IfcBeam": 1, "IfcPipeSegment": 1},
        "counts_by_storey": {"一层": 4},
        "elements": 4,
    }  # fmt: skip
    st = ModelRevision.objects.create(
        discipline="structure", label="S01", file_name="结构.ifc", file_path="s.ifc",
        status=workflow.READY, progress=100, summary=summary,
        organisation=world["orgs"]["designer"], **common,
    )  # fmt: skip
    mep = ModelRevision.objects.create(
        discipline="plumbing", label="P01", file_name="给排水.ifc", file_path="p.ifc",
        status=workflow.PROCESSING, progress=40, **common,
    )  # fmt: skip
    failed = ModelRevision.objects.create(
        discipline="hvac", label="H01", file_name="暖通.ifc", file_path="h.ifc",
        status=workflow.FAILED, error="IFC 文件中没有可计算的几何", error_code="no_geometry",
        **common,
    )  # fmt: skip
    meshes = {
        "beam": box("2beam00000000000000000", "IfcBeam", "KL-1", at(0, 0, 3), at(6, 0.3, 3.6)),
        "pipe": box("3pipe00000000000000000", "IfcPipeSegment", "DN100 给水", at(3, -1, 3.2),
                    at(3.1, 1, 3.3)),
        "wall": box("1wall00000000000000000", "IfcWall", "外墙", at(0, 1, 0), at(6, 1.2, 3)),
        "far": box("9far000000000000000000", "IfcWall", "远处墙", at(80, 0, 0), at(86, 0.2, 3)),
    }  # fmt: skip
    cache = FileMeshCache(settings.BIM_DIR / "meshes")
    for m in meshes.values():
        cache.put(m)
        Element.objects.create(
            revision=st, guid=m.guid, ifc_class=m.ifc_class, name=m.name, storey=m.storey,
            geometry_hash=m.geometry_hash,
        )  # fmt: skip
    cs = ClashSet.objects.create(
        project=project, name="结构梁 × 给排水", mode="intersection",
        organisation=world["orgs"]["owner"], created_by=owner.user,
    )  # fmt: skip
    cs.a_revisions.set([st])
    run = ClashRun.objects.create(
        clash_set=cs, revision_ids=[st.pk], status=workflow.DONE, new=1, requested_by=owner.user
    )
    clash = Clash.objects.create(
        clash_set=cs, project=project, a_guid=meshes["beam"].guid, b_guid=meshes["pipe"].guid,
        a_class="IfcBeam", b_class="IfcPipeSegment", a_name="KL-1", b_name="DN100 给水",
        storey="一层", type="hard", distance=0.1, p1=list(at(3, 0, 3.2)), p2=list(at(3, 0.3, 3.3)),
        group_key="IfcBeam|IfcPipeSegment|A|一层", grid="A", grid_cross="A/3",
        first_run=run, last_run=run,
    )  # fmt: skip
    return {
        **world, "project": project, "st": st, "mep": mep, "failed": failed, "cs": cs,
        "run": run, "clash": clash, "meshes": meshes,
    }  # fmt: skip


def pages(b) -> list[str]:
    p, c = b["project"].pk, b["clash"].pk
    return [
        f"/bim/projects/{p}/",
        f"/bim/projects/{p}/clash-sets/",
        f"/bim/projects/{p}/boq/",
        f"/bim/revisions/{b['st'].pk}/",
        f"/bim/revisions/{b['st'].pk}/quantities/",
        f"/bim/revisions/{b['st'].pk}/3d/",
        f"/bim/revisions/{b['st'].pk}/view.json",
        f"/bim/clash-sets/{b['cs'].pk}/",
        f"/bim/clashes/{c}/",
        f"/bim/clashes/{c}/view.json",
    ]


def test_participants_see_every_page_outsiders_do_not(client, bim):
    for who in ("owner", "contractor", "supervisor", "regulator"):
        client.force_login(bim["actors"][who].user)
        for url in pages(bim):
            assert client.get(url).status_code == 200, (who, url)
    client.force_login(bim["actors"]["other_owner"].user)
    for url in pages(bim):
        assert client.get(url).status_code in (403, 404), url
    client.logout()
    assert client.get(pages(bim)[0]).status_code in (302, 403)


def test_models_page_progress_summary_and_failure(client, bim):
    client.force_login(bim["actors"]["contractor"].user)
    page = client.get(f"/bim/projects/{bim['project'].pk}/").content.decode()
    assert "结构" in page and "给排水" in page and "暖通" in page
    assert 'data-busy="1"' in page and "every 3s" in page and "40%" in page  # refreshes
    assert "处理失败" in page and "没有可计算的几何" in page
    assert 'id="upload-link"' in page  # the general contractor uploads
    part = client.get(f"/bim/projects/{bim['project'].pk}/?part=revisions").content.decode()
    assert "<html" not in part and 'id="bim-revisions"' in part
    page = client.get(f"/bim/revisions/{bim['st'].pk}/").content.decode()
    for text in ("IFC4", "Revit 2024", "毫米", "EPSG:4527", "梁", "管道", "一层"):
        assert text in page, text
    page = client.get(f"/bim/revisions/{bim['failed'].pk}/").content.decode()
    assert 'data-error="no_geometry"' in page and "没有可计算的几何" in page
    client.force_login(bim["actors"]["supervisor"].user)  # sees, may not upload
    assert (
        'id="upload-link"' not in client.get(f"/bim/projects/{bim['project'].pk}/").content.decode()
    )
    assert client.get(f"/bim/projects/{bim['project'].pk}/upload/").status_code == 403
    client.force_login(bim["actors"]["contractor"].user)
    page = client.get(f"/bim/projects/{bim['project'].pk}/upload/").content.decode()
    assert 'id="bim-upload"' in page and "bim/upload.js" in page


def test_clash_set_form_bad_input_changes_nothing(client, bim):
    url = f"/bim/projects/{bim['project'].pk}/clash-sets/"
    client.force_login(bim["actors"]["owner"].user)
    before = ClashSet.objects.count()
    r = client.post(url, {"name": "", "mode": "intersection", "tolerance_mm": "2",
                          "clearance_mm": "50"})  # fmt: skip
    assert r.status_code == 400 and "必填" in r.content.decode()
    r = client.post(url, {"name": "新检测", "mode": "intersection", "tolerance_mm": "-5",
                          "clearance_mm": "50", "a_revisions": [bim["st"].pk]})  # fmt: skip
    assert r.status_code == 400 and "大于或等于" in r.content.decode()
    # a revision not ready is not on offer
    r = client.post(url, {"name": "新检测", "mode": "intersection", "tolerance_mm": "2",
                          "clearance_mm": "50", "a_revisions": [bim["mep"].pk]})  # fmt: skip
    assert r.status_code == 400 and "不在可用的选项中" in r.content.decode()
    assert ClashSet.objects.count() == before
    client.force_login(bim["actors"]["other_owner"].user)
    assert client.post(url, {"name": "x"}).status_code in (403, 404)
    client.force_login(bim["actors"]["owner"].user)
    r = client.post(url, {"name": "墙梁", "mode": "clearance", "tolerance_mm": "2",
                          "clearance_mm": "100", "a_revisions": [bim["st"].pk],
                          "a_classes": ["IfcWall"], "b_revisions": [bim["st"].pk],
                          "b_classes": ["IfcBeam"]})  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:2000]
    cs = ClashSet.objects.get(name="墙梁")
    assert cs.clearance == pytest.approx(0.1) and cs.a_select == "IfcWall"


def test_clash_list_filters_and_groups(client, bim):
    client.force_login(bim["actors"]["supervisor"].user)
    url = f"/bim/clash-sets/{bim['cs'].pk}/"
    page = client.get(url).content.decode()
    assert page.count("data-clash=") == 1 and "硬碰撞" in page and "100 mm" in page
    assert "梁" in page and "管道" in page and "新发现" in page
    assert client.get(url + "?status=verified").content.decode().count("data-clash=") == 0
    assert client.get(url + "?storey=二层").content.decode().count("data-clash=") == 0
    page = client.get(url + "?grouped=1&status=bogus").content.decode()
    assert 'data-group="IfcBeam|IfcPipeSegment|A|一层"' in page and "1 未关闭" in page
    assert "A 轴" in page and f'href="/bim/clashes/{bim["clash"].pk}/"' in page
    assert "梁 × 管道（A 轴，一层）" in client.get(url).content.decode()  # the group filter
    assert "轴网 A/3 附近" in client.get(url).content.decode()


def test_clash_steps_only_the_actors_and_bad_input(client, bim):
    c, url = bim["clash"], f"/bim/clashes/{bim['clash'].pk}/"
    client.force_login(bim["actors"]["contractor"].user)  # not the owner, not assigned
    page = client.get(url).content.decode()
    assert 'data-act="' not in page
    r = client.post(url + "act/", {"target": "assigned"})
    assert r.status_code == 409 and "只有碰撞检测的发起单位" in r.content.decode()
    client.force_login(bim["actors"]["owner"].user)
    page = client.get(url).content.decode()
    assert 'data-act="assigned"' in page and 'data-act="accepted"' in page
    assert 'data-act="verified"' not in page
    r = client.post(url + "act/", {"target": "accepted", "reason": "  "})
    assert r.status_code == 409 and "必须说明理由" in r.content.decode()
    r = client.post(url + "act/", {"target": "assigned"})
    assert r.status_code == 409 and "请选择指派给哪个单位" in r.content.decode()
    c.refresh_from_db()
    assert c.status == "new"
    gc = bim["orgs"]["general_contractor"]
    assert client.post(url + "act/", {"target": "assigned", "assignee": gc.pk}).status_code == 302
    c.refresh_from_db()
    assert c.status == "assigned" and c.assignee_id == gc.pk
    client.force_login(bim["actors"]["contractor"].user)  # now the assignee
    page = client.get(url).content.decode()
    assert 'data-act="resolved"' in page and 'data-act="accepted"' not in page
    assert gc.name in page


def test_comment_with_photo_and_bad_input(client, bim):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jianguan.smartsite.tests.test_images import jpeg

    url = f"/bim/clashes/{bim['clash'].pk}/"
    client.force_login(bim["actors"]["supervisor"].user)
    r = client.post(url + "comment/", {"text": ""})
    assert r.status_code == 400 and "必填" in r.content.decode()
    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    r = client.post(url + "comment/", {"text": "管道改标高", "photo": bad})
    assert r.status_code == 400 and ClashComment.objects.count() == 0
    photo = SimpleUploadedFile("p.jpg", jpeg(), content_type="image/jpeg")
    r = client.post(url + "comment/", {"text": "管道改标高", "photo": photo})
    assert r.status_code == 302
    m = ClashComment.objects.get()
    page = client.get(url).content.decode()
    assert "管道改标高" in page and f"/bim/comments/{m.pk}/photo/" in page
    assert client.get(f"/bim/comments/{m.pk}/photo/").status_code == 200
    client.force_login(bim["actors"]["other_owner"].user)
    assert client.get(f"/bim/comments/{m.pk}/photo/").status_code == 404
    assert client.post(url + "comment/", {"text": "x"}).status_code in (403, 404)


def test_viewer_payload_is_local_at_survey_coordinates(client, bim):
    client.force_login(bim["actors"]["regulator"].user)
    page = client.get(f"/bim/clashes/{bim['clash'].pk}/").content.decode()
    assert 'type="module"' in page and "bim/viewer.js" in page and "<script>" not in page
    r = client.get(f"/bim/clashes/{bim['clash'].pk}/view.json")
    data = r.json()
    roles = {e["guid"]: e["role"] for e in data["elements"]}
    m = bim["meshes"]
    assert roles[m["beam"].guid] == "a" and roles[m["pipe"].guid] == "b"
    assert roles[m["wall"].guid] == "context" and m["far"].guid not in roles  # 80 m away
    assert data["origin"] == [E0 + 3, N0, H0 + 3]
    for e in data["elements"]:
        v = np.array(e["vertices"]).reshape(-1, 3)
        assert np.abs(v).max() < 10  # metres from the origin, not 39,500 km
        assert len(e["faces"]) == 36 and max(e["faces"]) < len(v)
    beam = next(e for e in data["elements"] if e["role"] == "a")
    v = np.array(beam["vertices"]).reshape(-1, 3) + data["origin"]
    assert np.allclose(v.min(axis=0), at(0, 0, 3), atol=1e-4)  # exact to 0.1 mm
    assert data["clash"]["p1"] == list(at(3, 0, 3.2))


def test_boq_mapping_form(client, bim):
    url = f"/bim/projects/{bim['project'].pk}/boq/"
    client.force_login(bim["actors"]["owner"].user)
    ok = {"code": "010503002001", "name": "矩形梁", "unit": "m3", "classes": ["IfcBeam"]}
    r = client.post(url, {**ok, "code": "12AB"})
    assert r.status_code == 400 and "9 位或 12 位数字" in r.content.decode()
    r = client.post(url, {**ok, "unit": "t"})
    assert r.status_code == 400 and "须填写密度" in r.content.decode()
    assert BoqMapping.objects.count() == 0
    client.force_login(bim["actors"]["supervisor"].user)  # sees, may not map
    assert 'id="mapping-create"' not in client.get(url).content.decode()
    assert client.post(url, ok).status_code == 403
    client.force_login(bim["actors"]["owner"].user)
    assert client.post(url, ok).status_code == 302
    page = client.get(url).content.decode()
    assert "010503002001" in page and "矩形梁" in page and "立方米" in page


def test_run_button_and_bcf_round_trip(
    client, bim, monkeypatch, django_capture_on_commit_callbacks
):
    from jianguan.bim import services_clash

    queued = []
    monkeypatch.setattr(services_clash, "_enqueue", queued.append)
    url = f"/bim/clash-sets/{bim['cs'].pk}/"
    client.force_login(bim["actors"]["regulator"].user)  # sees, does not coordinate
    assert 'id="run-button"' not in client.get(url).content.decode()
    assert client.post(url + "run/").status_code == 403
    client.force_login(bim["actors"]["owner"].user)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url + "run/", follow=True)
    assert r.status_code == 200 and "已提交检测" in r.content.decode(), r.content.decode()[-4000:]
    assert len(queued) == 1
    assert "every 3s" in r.content.decode()  # the runs table refreshes while it runs
    r = client.post(url + "run/", follow=True)
    assert "正在检测中" in r.content.decode() and len(queued) == 1
    r = client.get(url + "bcf/")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert ".bcf" in r["Content-Disposition"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.bcf", b"not a zip")
    r = client.post(url + "bcf/import/", {"file": bad}, follow=True)
    assert "BCF 导入失败" in r.content.decode()
    good = SimpleUploadedFile("x.bcf", client.get(url + "bcf/").content)
    r = client.post(url + "bcf/import/", {"file": good}, follow=True)
    assert "BCF 已导入" in r.content.decode(), r.content.decode()[-3000:]
    bim["clash"].refresh_from_db()
    assert bim["clash"].status == "new"  # our own export read back changes nothing


def test_upload_page_points_at_the_api(client, bim):
    client.force_login(bim["actors"]["owner"].user)
    page = client.get(f"/bim/projects/{bim['project'].pk}/upload/").content.decode()
    assert 'data-start="/api/v1/bim/uploads"' in page
    assert 'data-chunk="/api/v1/bim/uploads/{id}/chunks"' in page
    assert "结构" in page and "版本号" in page


def test_revision_3d_payload_is_the_whole_model_around_its_centre(client, bim):
    client.force_login(bim["actors"]["supervisor"].user)
    page = client.get(f"/bim/revisions/{bim['st'].pk}/").content.decode()
    assert 'id="revision-3d"' in page
    data = client.get(f"/bim/revisions/{bim['st'].pk}/view.json").json()
    assert data["left_out"] == 0 and len(data["elements"]) == 4
    assert {e["role"] for e in data["elements"]} == {"model"}
    assert data["origin"] == [E0 + 43, N0, H0 + 1]  # the middle of 0…86 m, 0…1.2 m, 0…3.6 m
    for e in data["elements"]:
        assert np.abs(np.array(e["vertices"])).max() < 50
    # a revision still processing has nothing cached: an empty model, not an error
    assert client.get(f"/bim/revisions/{bim['mep'].pk}/view.json").json()["elements"] == []


def test_labels_cover_every_code_and_keep_unknown_classes():
    from jianguan.bim import labels

    for cls, word in (("IfcWall", "墙"), ("IfcBeam", "梁"), ("IfcColumn", "柱"),
                      ("IfcSlab", "楼板"), ("IfcPipeSegment", "管道"), ("IfcDuctSegment", "风管")):  # fmt: skip
        assert labels.ifc_class(cls) == word
    assert labels.ifc_class("IfcSomethingNew") == "IfcSomethingNew" and labels.ifc_class("") == "—"
    for codes, table in ((workflow.CLASH_STATUS, labels.CLASH_STATUS_CSS),
                         (workflow.REVISION_STATUS, labels.REVISION_STATUS_CSS)):  # fmt: skip
        assert set(codes) <= set(table)
    assert {t for (_, t) in workflow.TRANSITIONS} <= set(labels.ACTIONS)


def test_clash_step_without_a_page_reload(client, bim):
    """htmx posts the step and swaps the facts and steps in place (the status badge out of
    band); a refused step answers its 4xx with the message in the same fragment."""
    c, url = bim["clash"], f"/bim/clashes/{bim['clash'].pk}/"
    client.force_login(bim["actors"]["owner"].user)
    page = client.get(url).content.decode()
    assert 'hx-post="' in page and 'hx-target="#clash-state"' in page and 'id="clash-state"' in page
    hx = {"HX-Request": "true"}
    r = client.post(url + "act/", {"target": "accepted", "reason": " "}, headers=hx)
    body = r.content.decode()
    assert r.status_code == 409 and "必须说明理由" in body and "<html" not in body
    gc = bim["orgs"]["general_contractor"]
    r = client.post(url + "act/", {"target": "assigned", "assignee": gc.pk}, headers=hx)
    body = r.content.decode()
    assert r.status_code == 200 and "<html" not in body
    assert 'id="clash-state"' in body and 'hx-swap-oob="true"' in body and "已指派" in body
    assert gc.name in body
    c.refresh_from_db()
    assert c.status == "assigned"
    # a party without the coordinator's role: 403 before the form, htmx or not
    client.force_login(bim["actors"]["contractor"].user)
    r = client.post(url + "act/", {"target": "new"}, headers=hx)
    assert r.status_code in (403, 409)
