"""Task-worker entry points (django-tasks): an upload or a run request only enqueues these. The
geometry itself runs in a child process (``isolated``): a kernel crash fails the job, never
the worker."""

from __future__ import annotations

from django_tasks import task

from jianguan.bim import services, services_clash


@task()
def process(revision_id: int) -> str:
    return services.revision_process(revision_id=revision_id)


@task()
def run_clashes(run_id: int) -> str:
    return services_clash.clash_run_execute(run_id=run_id)
