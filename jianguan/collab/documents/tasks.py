"""Task-worker entry points (django-tasks): the text of a large PDF is extracted here, not in
the request that uploaded it."""

from __future__ import annotations

from django_tasks import task

from jianguan.collab.documents import services


@task()
def extract_text(version_id: int) -> str:
    return services.text_extract(version_id=version_id)
