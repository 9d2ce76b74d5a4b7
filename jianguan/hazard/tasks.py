"""Task-worker entry points (django-tasks): an upload or a re-run only enqueues these."""

from __future__ import annotations

from django_tasks import task

from jianguan.hazard import services_analysis


@task()
def analyse(analysis_id: int) -> str:
    """Run the detector on one image; a failure is recorded on the analysis, never raised (a
    broken model or a bad file must not stop the worker's other tasks)."""
    return services_analysis.analysis_run(analysis_id=analysis_id)
