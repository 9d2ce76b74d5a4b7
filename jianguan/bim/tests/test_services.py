"""The BIM services on real IFC models built by the tests (ifc_builders): upload → process in
the child process → clash run → assign → resolve → verify; a second revision's re-check that
carries statuses; bad input that leaves no half-made revision; who may do what."""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

import pytest

from jianguan.bim import builders as ib
from jianguan.bim import services, services_clash, workflow
from jianguan.bim.models import Clash, ClashRun, Element, ModelRevision, UploadSession
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.ledger.models import LedgerEntry
from jianguan.projects import services as project_services
from jianguan.projects.tests.test_services import create, member, world  # noqa: F401


@pytest.fixture
def site(world, settings, tmp_path):  # noqa: F811
    settings.BIM_DIR = tmp_path / "bim"
    settings.BIM_CHILD_MEMORY_MB = 4096
    project = create(world)
    owner = world["actors"]["owner"]
    for role in ("designer", "general_contractor", "supervisor"):
        project_services.participant_add(
            actor=owner, project=project, organisation=world["orgs"][role], role=role
        )
    designer = member(world["orgs"]["designer"], "des1", ["admin", "staff", "signer"])
    return {"project": project, "designer": designer, **world}


def ifc_bytes(builder_or_model) -> bytes:
    model = getattr(builder_or_model, "model", builder_or_model)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.ifc"
        model.write(str(path))
        return path.read_bytes()


def doc(entry) -> dict:
    return json.loads(bytes(entry.leaf_input))


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def upload(site, data: bytes, *, label="A", discipline="structure", actor=None, digest=None):
    actor = actor or site["designer"]
    session = services.revision_upload_start(
        actor=actor,
        project=site["project"],
        discipline=discipline,
        label=label,
        file_name=f"{label}.ifc",
        size=len(data),
        sm3=sm3(data) if digest is None else digest,
    )
    step = 1 << 16
    for offset in range(0, len(data), step):
        services.revision_upload_append_chunk(
            actor=actor, session=session, offset=offset, data=data[offset : offset + step]
        )
    return services.revision_upload_finish(actor=actor, session=session)


def upload_processed(site, data: bytes, **kw) -> ModelRevision:
    revision = upload(site, data, **kw)
    assert services.revision_process(revision_id=revision.pk) == "ready"
    revision.refresh_from_db()
    return revision


def run(site, cs) -> ClashRun:
    r = services_clash.clash_run_request(actor=site["designer"], clash_set=cs)
    assert services_clash.clash_run_execute(run_id=r.pk) == "done"
    r.refresh_from_db()
    return r


def pairs(cs, b) -> dict[tuple[str, str], Clash]:
    names = {g: n for n, g in b.guids.items()}
    return {tuple(sorted((names[c.a_guid], names[c.b_guid]))): c for c in cs.clashes.all()}


def test_journey_upload_process_clash_assign_resolve_verify_and_recheck(site):
    b = ib.clash_model()
    data = ifc_bytes(b)
    r1 = upload_processed(site, data)
    assert r1.status == workflow.READY and r1.progress == 100
    assert r1.summary["schema"] == "IFC4" and r1.summary["counts_by_class"]["IfcWall"] == 2
    assert Element.objects.filter(revision=r1).count() == len(b.guids)
    entry = LedgerEntry.objects.get(type="bim.revision_uploaded")
    assert doc(entry)["files"] == [{"name": "A.ifc", "sm3": sm3(data)}]
    assert r1.sm3 == sm3(data)

    designer = site["designer"]
    cs = services_clash.clash_set_create(
        actor=designer, project=site["project"], name="结构自检", a_revisions=[r1]
    )
    first = run(site, cs)
    found = pairs(cs, b)
    assert set(found) == ib.EXPECTED["intersection"]
    assert (first.new, first.still, first.resolved, first.is_recheck) == (3, 0, 0, False)
    beam = found[("B1", "W1")]
    assert beam.type == "hard" and beam.status == workflow.NEW and beam.topic_guid
    assert beam.a_class in ("IfcBeam", "IfcWall") and beam.storey == "一层"

    gc = site["actors"]["contractor"]
    gc_org = site["orgs"]["general_contractor"]
    services_clash.clash_transition(
        actor=designer, clash=beam, target=workflow.ASSIGNED, assignee_id=gc_org.pk
    )
    # the general contractor sees it in its to-do list
    from jianguan.core.timeutil import today_local
    from jianguan.core.todo import todo_for

    assert any(t.kind == "bim.clash_assigned" for t in todo_for(gc, today_local()))
    with pytest.raises(Conflict) as exc:  # only the owner verifies
        services_clash.clash_transition(actor=gc, clash=beam, target=workflow.VERIFIED)
    assert exc.value.code == "invalid_transition"
    services_clash.clash_transition(actor=gc, clash=beam, target=workflow.RESOLVED)
    with pytest.raises(Conflict) as exc:
        services_clash.clash_transition(actor=gc, clash=beam, target=workflow.ASSIGNED)
    assert exc.value.code == "not_your_step"
    services_clash.clash_transition(actor=designer, clash=beam, target=workflow.VERIFIED)
    beam.refresh_from_db()
    assert beam.status == workflow.VERIFIED
    pipe = found[("D1", "P1")]
    with pytest.raises(Conflict) as exc:
        services_clash.clash_transition(actor=designer, clash=pipe, target=workflow.ACCEPTED)
    assert exc.value.code == "missing_reason"
    services_clash.clash_transition(
        actor=designer, clash=pipe, target=workflow.ACCEPTED, reason="套管预留，按设计"
    )
    slab = found[("S1", "S2")]
    services_clash.clash_transition(
        actor=designer, clash=slab, target=workflow.ASSIGNED, assignee_id=gc_org.pk
    )
    assert LedgerEntry.objects.filter(type="bim.clash_status_changed").count() == 5

    # revision B: the beam B1 raised out of the wall (the verified fix), the slab S2 moved
    # clear of S1, a new beam B3 through W2; the duct and pipe unchanged
    ib.move(b.model, b.guids["B1"], 0, 0, 2)
    ib.move(b.model, b.guids["S2"], 0, 20, 0)
    b.box("IfcBeam", "B3", (9.9, 3, 2), (10.3, 3.3, 2.4))
    r2 = upload_processed(site, ifc_bytes(b), label="B")
    assert r2.previous_id == r1.pk
    second = run(site, cs)
    assert second.is_recheck and second.revision_ids == [r2.pk]
    assert (second.still, second.resolved, second.new) == (1, 2, 1)
    after = pairs(cs, b)
    assert set(after) == {*ib.EXPECTED["intersection"], ("B3", "W2")}
    assert after[("S1", "S2")].status == workflow.RESOLVED  # resolved by the change
    assert "消除" in after[("S1", "S2")].note
    assert after[("B1", "W1")].status == workflow.VERIFIED  # closed stays closed
    assert after[("D1", "P1")].status == workflow.ACCEPTED  # still present keeps its status
    assert after[("D1", "P1")].last_run_id == second.pk
    assert after[("B3", "W2")].status == workflow.NEW and after[("B3", "W2")].first_run == second


def no_geometry_model() -> bytes:
    b = ib.Builder()
    import ifcopenshell.api

    wall = ifcopenshell.api.run("root.create_entity", b.model, ifc_class="IfcWall", name="W")
    ifcopenshell.api.run(
        "spatial.assign_container", b.model, products=[wall], relating_structure=b.storey
    )
    return ifc_bytes(b)


def unknown_schema_model() -> bytes:
    return ifc_bytes(ib.clash_model()).replace(b"FILE_SCHEMA(('IFC4'))", b"FILE_SCHEMA(('IFC9'))")


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda: b"PK\x03\x04 not a model at all" * 10, "model_not_ifc"),
        (unknown_schema_model, "model_unknown_schema"),
        (lambda: b"ISO-10303-21;\nHEADER;\nENDSEC;\n", "model_unreadable"),  # no FILE_SCHEMA
    ],
)
def test_what_the_header_tells_is_refused_at_finish_and_leaves_nothing(site, make, code):
    data = make()
    with pytest.raises(ValidationFailed) as exc:
        upload(site, data)
    assert exc.value.code == code and exc.value.message
    assert not ModelRevision.objects.exists() and not UploadSession.objects.exists()
    assert not LedgerEntry.objects.filter(type="bim.revision_uploaded").exists()
    assert not list((Path(services.bim_dir()) / "uploads").glob("*"))


def garbage_body_model() -> bytes:
    """A valid header, then bytes that are no STEP at all (the parser skips what it cannot read)."""
    data = ifc_bytes(ib.clash_model())
    return data[: data.index(b"DATA;") + 5] + bytes(range(256)) * 20


@pytest.mark.parametrize(
    "make, code",
    [
        (no_geometry_model, "model_no_geometry"),
        (lambda: ifc_bytes(ib.Builder()), "model_no_elements"),
        (garbage_body_model, "model_no_elements"),
    ],
)
def test_a_bad_model_fails_in_the_worker_never_ready(site, make, code):
    """Parsing is the worker's: the upload answers at once with a pending revision, which the
    child process then fails with the reason; it never reads as ready and holds nothing."""
    revision = upload(site, make())
    assert revision.status == workflow.PENDING and revision.summary == {}
    assert services.revision_process(revision_id=revision.pk) == f"failed: {code}"
    revision.refresh_from_db()
    assert revision.status == workflow.FAILED and revision.error_code == code
    assert revision.error and not revision.elements.exists() and revision.summary == {}
    assert not UploadSession.objects.exists()
    # a failed revision is not offered to clash detection
    with pytest.raises(ValidationFailed):
        services_clash.clash_set_create(
            actor=site["designer"], project=site["project"], name="x", a_revisions=[revision]
        )
    # and the next upload of the discipline does not take it as its predecessor
    good = upload(site, ifc_bytes(ib.clash_model()), label="B")
    assert good.previous_id is None


def test_corrupted_upload_sm3_mismatch_leaves_nothing(site):
    data = ifc_bytes(ib.clash_model())
    with pytest.raises(ValidationFailed) as exc:
        upload(site, data, digest=sm3(data + b"x"))
    assert exc.value.code == "sm3_mismatch"
    assert not ModelRevision.objects.exists() and not UploadSession.objects.exists()


def test_too_large_upload_refused_at_start(site, settings):
    settings.BIM_MAX_UPLOAD_BYTES = 500 * 1024 * 1024
    with pytest.raises(services.TooLarge) as exc:
        services.revision_upload_start(
            actor=site["designer"],
            project=site["project"],
            discipline="structure",
            label="A",
            file_name="big.ifc",
            size=2 * 1024**3,
        )
    assert exc.value.status == 413 and "超过上限" in exc.value.message
    assert not UploadSession.objects.exists()


def test_chunks_out_of_order_or_beyond_size_are_refused(site):
    s = services.revision_upload_start(
        actor=site["designer"],
        project=site["project"],
        discipline="structure",
        label="A",
        file_name="a.ifc",
        size=10,
    )
    with pytest.raises(ValidationFailed) as exc:
        services.revision_upload_append_chunk(
            actor=site["designer"], session=s, offset=5, data=b"x"
        )
    assert exc.value.code == "bad_offset"
    with pytest.raises(ValidationFailed) as exc:
        services.revision_upload_append_chunk(
            actor=site["designer"], session=s, offset=0, data=b"x" * 11
        )
    assert exc.value.code == "upload_overrun"
    services.revision_upload_append_chunk(actor=site["designer"], session=s, offset=0, data=b"x")
    with pytest.raises(ValidationFailed) as exc:
        services.revision_upload_finish(actor=site["designer"], session=s)
    assert exc.value.code == "upload_incomplete"


def test_who_may_upload_and_coordinate(site):
    data = ifc_bytes(ib.clash_model())
    for who in ("supervisor", "regulator", "other_owner"):
        with pytest.raises(PermissionDenied):
            upload(site, data, actor=site["actors"][who])
    r = upload(site, data, actor=site["actors"]["contractor"])  # the general contractor may
    services.revision_process(revision_id=r.pk)
    r.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services_clash.clash_set_create(
            actor=site["actors"]["other_owner"], project=site["project"], name="x", a_revisions=[r]
        )
    # the supervisor coordinates (but does not upload)
    cs = services_clash.clash_set_create(
        actor=site["actors"]["supervisor"], project=site["project"], name="x", a_revisions=[r]
    )
    assert cs.organisation_id == site["orgs"]["supervisor"].pk


def test_selector_matching_nothing_and_unknown_class(site):
    r = upload_processed(site, ifc_bytes(ib.clash_model()))
    with pytest.raises(ValidationFailed) as exc:
        services_clash.clash_set_create(
            actor=site["designer"],
            project=site["project"],
            name="门窗",
            a_revisions=[r],
            a_select="IfcDoor",
        )
    assert exc.value.code == "selector_matches_nothing" and "IfcDoor" in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        services_clash.clash_set_create(
            actor=site["designer"],
            project=site["project"],
            name="乱写",
            a_revisions=[r],
            a_select="IfcNoSuchThing",
        )
    assert exc.value.code == "unknown_ifc_class"
    from jianguan.bim.models import ClashSet

    assert not ClashSet.objects.exists()


def test_kernel_crash_fails_the_revision_not_the_worker(site, monkeypatch):
    r = upload(site, ifc_bytes(ib.clash_model()))
    crash = ["-c", "import os; os._exit(139)"]
    monkeypatch.setattr(services, "_argv", lambda job, i, o: [services.sys.executable, *crash])
    assert services.revision_process(revision_id=r.pk) == "failed: model_kernel_crash"
    r.refresh_from_db()
    assert r.status == workflow.FAILED and "内核异常退出" in r.error
    assert r.error_code == "model_kernel_crash" and not r.elements.exists()
    # the uploader sees it in the to-do list
    from jianguan.core.timeutil import today_local
    from jianguan.core.todo import todo_for

    assert any(t.kind == "bim.revision_failed" for t in todo_for(site["designer"], today_local()))
    # a retry after the crash (the real child) succeeds
    monkeypatch.undo()
    assert services.revision_process(revision_id=r.pk) == "ready"


def test_memory_limit_fails_the_job_with_a_clear_message(settings):
    settings.BIM_CHILD_MEMORY_MB = 300
    with pytest.raises(services.ChildFailed) as exc:
        services.run_child("hog", {}, timeout=120)
    assert exc.value.code == "model_memory" and "内存" in exc.value.message


def test_timeout_kills_the_child(monkeypatch):
    monkeypatch.setattr(
        services,
        "_argv",
        lambda job, i, o: [services.sys.executable, "-c", "import time; time.sleep(60)"],
    )
    with pytest.raises(services.ChildFailed) as exc:
        services.run_child("process", {}, timeout=2)
    assert exc.value.code == "model_timeout"


def test_progress_reaches_the_revision_while_the_child_works(settings, tmp_path, monkeypatch):
    script = (
        "import json, sys, time, pathlib; a = json.load(open(sys.argv[1]));"
        "pathlib.Path(a['progress']).write_text('42'); time.sleep(2.5);"
        "pathlib.Path(sys.argv[2]).write_text(json.dumps({'ok': True}))"
    )
    monkeypatch.setattr(
        services, "_argv", lambda job, i, o: [services.sys.executable, "-c", script, i, o]
    )
    seen = []
    assert services.run_child("process", {}, on_progress=seen.append, timeout=60) == {"ok": True}
    assert 42 in seen


def test_assignee_and_failed_uploader_are_notified(
    site, monkeypatch, django_capture_on_commit_callbacks
):
    from jianguan.workbench.notifications.models import Notification

    r = upload_processed(site, ifc_bytes(ib.clash_model()))
    cs = services_clash.clash_set_create(
        actor=site["designer"], project=site["project"], name="自检", a_revisions=[r]
    )
    run(site, cs)
    clash = cs.clashes.first()
    with django_capture_on_commit_callbacks(execute=True):
        services_clash.clash_transition(
            actor=site["designer"],
            clash=clash,
            target=workflow.ASSIGNED,
            assignee_id=site["orgs"]["general_contractor"].pk,
        )
    gc_user = site["actors"]["contractor"].user_id
    note = Notification.objects.get(user_id=gc_user, kind="bim.clash_assigned")
    assert "模型碰撞待处理" in note.title and "自检" in note.title
    bad = upload(site, ifc_bytes(ib.clash_model()), label="B")
    monkeypatch.setattr(
        services, "_argv", lambda job, i, o: [services.sys.executable, "-c", "raise SystemExit(9)"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_process(revision_id=bad.pk)
    note = Notification.objects.get(user_id=site["designer"].user_id, kind="bim.revision_failed")
    assert "模型处理失败" in note.title and "内核异常退出" in note.body


@pytest.mark.parametrize("name", ["AC20-FZK-Haus.ifc", "duplex.ifc"])
def test_a_real_sample_model_is_processed(site, name):
    path = ib.SAMPLES / name
    if not path.exists():
        pytest.skip(f"sample {name} not present")
    data = path.read_bytes()
    r = upload_processed(site, data, label=name[:10])
    assert r.status == workflow.READY, r.error
    assert r.summary["schema"] in ("IFC2X3", "IFC4") and r.summary["elements"] > 10
    assert r.elements.count() == r.summary["elements"]
    assert r.elements.exclude(geometry_hash="").count() > 10
