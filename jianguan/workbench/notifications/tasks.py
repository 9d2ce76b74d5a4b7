"""Task-worker entry points (django-tasks): a request or a job only enqueues these."""

from __future__ import annotations

from django_tasks import task

from jianguan.workbench.notifications import services


@task()
def deliver(delivery_id: int) -> str:
    """One attempt at one delivery; a failure is recorded and retried later by the
    chronograph's retry sweep (django-tasks has no retry of its own)."""
    return services.delivery_attempt(delivery_id=delivery_id)
