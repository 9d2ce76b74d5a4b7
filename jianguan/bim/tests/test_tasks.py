"""The task worker's entry points: finishing an upload queues the revision's processing and a run
request queues the clash run (run at once here by django-tasks' immediate backend)."""

from __future__ import annotations

import pytest

from jianguan.bim import builders as ib
from jianguan.bim import services_clash, workflow
from jianguan.bim.models import ModelRevision
from jianguan.bim.tests.test_services import ifc_bytes, site, upload  # noqa: F401
from jianguan.projects.tests.test_services import world  # noqa: F401


@pytest.fixture
def immediate(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


def test_upload_and_run_go_through_the_worker(site, immediate, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        revision = upload(site, ifc_bytes(ib.clash_model()))
    revision.refresh_from_db()
    assert revision.status == workflow.READY and revision.elements.count() == 9
    with django_capture_on_commit_callbacks(execute=True):
        cs = services_clash.clash_set_create(
            actor=site["designer"], project=site["project"], name="自检", a_revisions=[revision]
        )
        run = services_clash.clash_run_request(actor=site["designer"], clash_set=cs)
    run.refresh_from_db()
    assert run.status == workflow.DONE and cs.clashes.count() == 3


def test_a_queue_that_is_down_leaves_the_revision_pending(
    site,  # noqa: F811
    settings,
    django_capture_on_commit_callbacks,
):
    settings.TASKS = {"default": {"BACKEND": "no.such.Backend", "QUEUES": ["default"]}}
    with django_capture_on_commit_callbacks(execute=True):
        revision = upload(site, ifc_bytes(ib.clash_model()))
    assert ModelRevision.objects.get(pk=revision.pk).status == workflow.PENDING


def test_sweep_requeues_pending_and_fails_lost_work(site, immediate, settings):  # noqa: F811
    import datetime as dt

    from jianguan.bim import services
    from jianguan.core.timeutil import now

    revision = upload(site, ifc_bytes(ib.clash_model()))  # its on-commit enqueue never ran
    ModelRevision.objects.filter(pk=revision.pk).update(created_at=now() - dt.timedelta(minutes=10))
    lost = upload(site, ifc_bytes(ib.clash_model()), label="B")
    ModelRevision.objects.filter(pk=lost.pk).update(
        status=workflow.PROCESSING,
        started_at=now() - dt.timedelta(seconds=settings.BIM_CHILD_TIMEOUT_S + 700),
    )
    assert services.revisions_sweep().startswith("requeued 1 revisions")
    assert ModelRevision.objects.get(pk=revision.pk).status == workflow.READY
    lost.refresh_from_db()
    assert lost.status == workflow.FAILED and lost.error_code == "worker_lost"
