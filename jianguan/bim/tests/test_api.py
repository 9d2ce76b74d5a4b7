"""BIM over the API: a chunked upload, processing, a clash set and its run, the clash workflow
and comments, BCF out and back in, BoQ mappings and quantities; 413 at a too-large start,
403 before 400, 404 for another organisation, stable codes."""

from __future__ import annotations

import json

from jianguan.bim import builders as ib
from jianguan.bim import services
from jianguan.bim.models import Clash, ModelRevision
from jianguan.bim.tests.test_services import ifc_bytes, site, sm3  # noqa: F401
from jianguan.ledger.models import LedgerEntry
from jianguan.projects.tests.test_services import world  # noqa: F401

URL = "/api/v1/bim"


def call(client, method, path, headers, body=None):
    kwargs = (
        {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    )
    return getattr(client, method)(URL + path, headers=headers, **kwargs)


def api_upload(client, h, project_id, data: bytes, *, label="A", chunk=40_000, digest=None):
    r = call(
        client,
        "post",
        "/uploads",
        h,
        {
            "project_id": project_id,
            "discipline": "structure",
            "label": label,
            "file_name": f"{label}.ifc",
            "size": len(data),
            "sm3": sm3(data) if digest is None else digest,
        },
    )
    assert r.status_code == 201, r.content
    upload = r.json()
    for offset in range(0, len(data), chunk):
        from django.core.files.uploadedfile import SimpleUploadedFile

        part = SimpleUploadedFile("c", data[offset : offset + chunk])
        r = client.post(
            f"{URL}/uploads/{upload['id']}/chunks",
            {"offset": offset, "chunk": part},
            headers=h,
        )
        assert r.status_code == 200, r.content
    assert r.json()["received"] == len(data)
    return client.post(f"{URL}/uploads/{upload['id']}/finish", headers=h)


def test_journey_over_the_api(client, bearer, site):  # noqa: F811
    des = bearer(site["designer"])
    gc = bearer(site["actors"]["contractor"])
    pid = site["project"].pk
    b = ib.clash_model()
    r = api_upload(client, des, pid, ifc_bytes(b))
    assert r.status_code == 201, r.content
    rev = r.json()
    assert rev["status"] == "pending" and rev["discipline_label"] == "结构"
    services.revision_process(revision_id=rev["id"])  # what the worker runs
    detail = call(client, "get", f"/revisions/{rev['id']}", gc).json()
    assert detail["status_label"] == "已就绪" and detail["progress"] == 100
    assert detail["summary"]["schema"] == "IFC4" and detail["elements"] == len(b.guids)
    assert [x["id"] for x in call(client, "get", f"/revisions?project_id={pid}", gc).json()] == [
        rev["id"]
    ]

    body = {"project_id": pid, "name": "结构自检", "a_revisions": [rev["id"]]}
    r = call(client, "post", "/clash-sets", des, {**body, "a_select": "IfcDoor"})
    assert r.status_code == 400 and r.json()["code"] == "selector_matches_nothing"
    r = call(client, "post", "/clash-sets", des, body)
    assert r.status_code == 201, r.content
    cs = r.json()
    r = call(client, "post", f"/clash-sets/{cs['id']}/run", des)
    assert r.status_code == 202 and r.json()["status"] == "pending"
    from jianguan.bim.services_clash import clash_run_execute

    assert clash_run_execute(run_id=r.json()["id"]) == "done"
    r = call(client, "post", f"/clash-sets/{cs['id']}/run", des)
    assert r.status_code == 202
    again = call(client, "post", f"/clash-sets/{cs['id']}/run", des)
    assert again.status_code == 409 and again.json()["code"] == "run_in_progress"
    clash_run_execute(run_id=r.json()["id"])  # nothing changed: all still present
    got = call(client, "get", f"/clash-sets/{cs['id']}", gc).json()
    assert got["counts"]["new"] == 3 and got["runs"][0]["still"] == 3

    clashes = call(client, "get", f"/clashes?clash_set_id={cs['id']}&type=hard", gc).json()
    assert len(clashes) == 3 and all(c["status_label"] == "新发现" for c in clashes)
    first = clashes[0]
    org = site["orgs"]["general_contractor"].pk
    # the contractor may not assign (not the owner of the set): 409 with a code
    r = call(client, "post", f"/clashes/{first['id']}/transition", gc, {"target": "assigned"})
    assert r.status_code == 409 and r.json()["code"] == "not_your_step"
    r = call(
        client,
        "post",
        f"/clashes/{first['id']}/transition",
        des,
        {"target": "assigned", "assignee_id": org, "comment": "请调整梁标高"},
    )
    assert (
        r.status_code == 200
        and r.json()["assignee_name"] == site["orgs"]["general_contractor"].name
    )
    assert r.json()["comments"][0]["text"] == "请调整梁标高"
    r = call(client, "post", f"/clashes/{first['id']}/comments", gc, {"text": "已修改，见 B 版"})
    assert r.status_code == 201 and len(r.json()["comments"]) == 2
    r = call(client, "post", f"/clashes/{first['id']}/transition", gc, {"target": "resolved"})
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    assigned = call(client, "get", f"/clashes?assignee_id={org}", gc).json()
    assert [c["id"] for c in assigned] == [first["id"]]

    # BCF out and back in: our own export changes nothing, a tool's status change is applied
    r = call(client, "get", f"/clash-sets/{cs['id']}/bcf", gc)
    assert r.status_code == 200 and r.content[:2] == b"PK"
    exported = r.content
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(
        f"{URL}/clash-sets/{cs['id']}/bcf",
        {"file": SimpleUploadedFile("a.bcf", exported)},
        headers=des,
    )
    assert r.status_code == 200, r.content
    assert r.json() == {"topics": 3, "updated": 0, "comments": 0, "unknown": 0}
    assert Clash.objects.get(pk=first["id"]).comments.count() == 2  # not doubled
    # the owner's tool closes the resolved topic: verified here
    r = client.post(
        f"{URL}/clash-sets/{cs['id']}/bcf",
        {"file": SimpleUploadedFile("b.bcf", closed(exported))},
        headers=des,
    )
    assert r.json() == {"topics": 3, "updated": 1, "comments": 0, "unknown": 0}
    assert Clash.objects.get(pk=first["id"]).status == "verified"
    assert LedgerEntry.objects.filter(type="bim.bcf_imported").count() == 2
    r = client.post(
        f"{URL}/clash-sets/{cs['id']}/bcf",
        {"file": SimpleUploadedFile("a.bcf", b"not a zip")},
        headers=des,
    )
    assert r.status_code == 400 and r.json()["code"] == "bcf_bad_zip"


def closed(bcf_zip: bytes) -> bytes:
    """The zip as a BCF tool returns it with every Resolved topic Closed."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bcf_zip)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("markup.bcf"):
                data = data.replace(b'TopicStatus="Resolved"', b'TopicStatus="Closed"')
            dst.writestr(info, data)
    return out.getvalue()


def test_too_large_start_is_413_and_bad_bodies_400(client, bearer, site):  # noqa: F811
    des = bearer(site["designer"])
    body = {
        "project_id": site["project"].pk,
        "discipline": "structure",
        "label": "A",
        "file_name": "big.ifc",
        "size": 2 * 1024**3,
    }
    r = call(client, "post", "/uploads", des, body)
    assert r.status_code == 413 and r.json()["code"] == "upload_too_large"
    assert "超过上限" in r.json()["message"]
    r = call(client, "post", "/uploads", des, {**body, "size": 100, "file_name": "a.dwg"})
    assert r.status_code == 400 and r.json()["code"] == "not_ifc"
    # a supervisor may not upload: 403 before its bad body is read
    sup = bearer(site["actors"]["supervisor"])
    r = call(client, "post", "/uploads", sup, {"size": "x"})
    assert r.status_code == 403


def test_corrupted_upload_over_the_api(client, bearer, site):  # noqa: F811
    des = bearer(site["designer"])
    data = ifc_bytes(ib.clash_model())
    r = api_upload(client, des, site["project"].pk, data, digest=sm3(b"other"))
    assert r.status_code == 400 and r.json()["code"] == "sm3_mismatch"
    assert not ModelRevision.objects.exists()
    r = api_upload(client, des, site["project"].pk, b"ISO-10303-21;\nnonsense")
    assert r.status_code == 400 and r.json()["code"] in ("model_unreadable", "model_no_elements")
    assert not ModelRevision.objects.exists()


def test_other_organisations_get_404_and_outsiders_403(client, bearer, site):  # noqa: F811
    des = bearer(site["designer"])
    r = api_upload(client, des, site["project"].pk, ifc_bytes(ib.clash_model()))
    rid = r.json()["id"]
    other = bearer(site["actors"]["other_owner"])
    sup2 = bearer(site["actors"]["other_supervisor"])
    for h in (other, sup2):
        assert call(client, "get", f"/revisions/{rid}", h).status_code == 404
        assert call(client, "get", f"/revisions?project_id={site['project'].pk}", h).json() == []
    r = call(
        client,
        "post",
        "/uploads",
        other,
        {
            "project_id": site["project"].pk,
            "discipline": "structure",
            "label": "X",
            "file_name": "x.ifc",
            "size": 10,
        },
    )
    assert r.status_code == 404
    reg = bearer(site["actors"]["regulator"])
    assert call(client, "get", f"/revisions/{rid}", reg).status_code == 200


def test_mappings_and_quantities(client, bearer, site):  # noqa: F811
    des = bearer(site["designer"])
    pid = site["project"].pk
    r = api_upload(client, des, pid, ifc_bytes(ib.clash_model()))
    services.revision_process(revision_id=r.json()["id"])
    body = {"project_id": pid, "code": "010504001001", "name": "直形墙", "unit": "m3"}
    r = call(client, "post", "/mappings", des, {**body, "classes": "IfcNoSuch"})
    assert r.status_code == 400 and r.json()["code"] == "unknown_ifc_class"
    r = call(client, "post", "/mappings", des, {**body, "code": "12", "classes": "IfcWall"})
    assert r.status_code == 400
    r = call(client, "post", "/mappings", des, {**body, "classes": "IfcWall"})
    assert r.status_code == 201, r.content
    mapping = r.json()
    assert mapping["selector"]["classes"] == ["IfcWall"]
    r = call(client, "post", f"/projects/{pid}/quantities", des)
    assert r.status_code == 200, r.content
    (line,) = r.json()
    # W1 10 × 0.2 × 3 = 6 m³, W2 0.2 × 6 × 3 = 3.6 m³
    assert line["code"] == "010504001001" and line["elements"] == 2
    assert abs(float(line["quantity"]) - 9.6) < 0.01
    rid = ModelRevision.objects.get().pk
    assert call(client, "get", f"/revisions/{rid}/quantities", des).json()[0]["name"] == "直形墙"
    r = call(
        client,
        "put",
        f"/mappings/{mapping['id']}",
        des,
        {"name": "墙", "unit": "m3", "classes": "IfcWall,IfcSlab"},
    )
    assert r.status_code == 200 and r.json()["selector"]["classes"] == ["IfcWall", "IfcSlab"]
    assert call(client, "get", f"/mappings?project_id={pid}", des).json()[0]["name"] == "墙"
    sup = bearer(site["actors"]["supervisor"])
    assert call(client, "delete", f"/mappings/{mapping['id']}", sup).status_code == 403
    assert call(client, "delete", f"/mappings/{mapping['id']}", des).status_code == 204
    assert LedgerEntry.objects.filter(type__startswith="bim.mapping").count() == 3


def test_clash_groups_by_grid_line_over_the_api(client, bearer, site):  # noqa: F811
    """A model with an IfcGrid: each clash carries its nearest grid line and intersection, and
    the set's groups are (class pair, grid line, storey)."""
    from jianguan.bim.services_clash import clash_run_execute

    des, gc = bearer(site["designer"]), bearer(site["actors"]["contractor"])
    b = ib.clash_model()
    # axis A within 0.2 m of both beams' clashes, axes 2 and 3 about a metre off
    ib.add_grid(b, {"1": 0.0, "2": 4.0, "3": 10.0, "4": 25.0}, {"A": 0.0, "B": 5.0}, 60.0)
    b.box("IfcBeam", "B3", (9.0, -1, 2), (9.3, 1, 2.4))  # a second beam through W1, near 3/A
    rev = api_upload(client, des, site["project"].pk, ifc_bytes(b)).json()
    services.revision_process(revision_id=rev["id"])
    body = {"project_id": site["project"].pk, "name": "轴网", "a_revisions": [rev["id"]]}
    cs = call(client, "post", "/clash-sets", des, body).json()
    assert clash_run_execute(run_id=call(client, "post", f"/clash-sets/{cs['id']}/run", des).json()["id"]) == "done"  # fmt: skip
    clashes = call(client, "get", f"/clashes?clash_set_id={cs['id']}", gc).json()
    beams = sorted(c["grid_cross"] for c in clashes if {c["a_class"], c["b_class"]} == {"IfcBeam", "IfcWall"})  # fmt: skip
    assert beams == ["2/A", "3/A"]
    groups = call(client, "get", f"/clash-sets/{cs['id']}/groups", gc).json()
    wall_beam = next(g for g in groups if {g["a_class"], g["b_class"]} == {"IfcBeam", "IfcWall"})
    assert wall_beam["grid"] == "A" and wall_beam["storey"] == "一层" and wall_beam["n"] == 2
    assert wall_beam["open"] == 2 and "A 轴" in wall_beam["label"] and "梁" in wall_beam["label"]
    assert len(wall_beam["clash_ids"]) == 2 and sum(g["n"] for g in groups) == len(clashes)
    # the grouped page shows the same groups
    client.force_login(site["designer"].user)
    page = client.get(f"/bim/clash-sets/{cs['id']}/?grouped=1").content.decode()
    assert "A 轴" in page and "2 未关闭" in page
    # another organisation sees no such set
    other = bearer(site["actors"]["other_owner"])
    assert call(client, "get", f"/clash-sets/{cs['id']}/groups", other).status_code in (403, 404)


def test_import_a_bcf_written_by_navisworks(client, bearer, site, tmp_path):  # noqa: F811
    """The coordinator's Navisworks round trip: markup.bcf + viewpoint + snapshot per topic,
    the tool's status words. Resolved and Approved apply, Reviewed is counted but changes
    nothing, the comments arrive once, the file is kept in the ledger."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jianguan.bim.services_clash import clash_run_execute
    from jianguan.bim.tests.test_engine_bcf import navisworks_bcf

    des = bearer(site["designer"])
    rev = api_upload(client, des, site["project"].pk, ifc_bytes(ib.clash_model())).json()
    services.revision_process(revision_id=rev["id"])
    body = {"project_id": site["project"].pk, "name": "结构自检", "a_revisions": [rev["id"]]}
    cs = call(client, "post", "/clash-sets", des, body).json()
    clash_run_execute(run_id=call(client, "post", f"/clash-sets/{cs['id']}/run", des).json()["id"])
    clashes = list(Clash.objects.filter(clash_set_id=cs["id"]).order_by("pk"))
    words = ["Resolved", "Approved", "Reviewed"]
    topics = [
        {"guid": c.topic_guid, "a": c.a_guid, "b": c.b_guid, "status": w, "text": f"意见 {w}"}
        for c, w in zip(clashes, words, strict=False)
    ]
    topics.append({"guid": "0" * 8 + "-0000-4000-8000-" + "0" * 12, "a": "x", "b": "y",
                   "status": "Active", "text": "别的模型"})  # fmt: skip
    data = navisworks_bcf(tmp_path / "navis.bcf", topics).read_bytes()

    def post():
        return client.post(
            f"{URL}/clash-sets/{cs['id']}/bcf",
            {"file": SimpleUploadedFile("Clash Detective.bcf", data)},
            headers=des,
        )

    r = post()
    assert r.status_code == 200, r.content
    n = len(clashes[:3])
    assert r.json() == {"topics": n + 1, "updated": min(n, 2), "comments": n, "unknown": 1}
    statuses = [Clash.objects.get(pk=c.pk) for c in clashes[:3]]
    assert statuses[0].status == "resolved" and statuses[1].status == "accepted"
    assert statuses[1].reason and statuses[2].status == "new"
    assert statuses[0].comments.filter(text="意见 Resolved").count() == 1
    assert post().json()["comments"] == 0  # imported again: nothing doubled
    entry = LedgerEntry.objects.filter(type="bim.bcf_imported").first()
    assert json.loads(bytes(entry.leaf_input))["files"][0]["name"] == "Clash Detective.bcf"
