"""Warnings recomputed after a commit: once per changed project, whatever the number of changes."""

from __future__ import annotations

from jianguan.projects.tests.test_warnings import make_project  # noqa: F401  (fixture)


def test_a_transaction_recomputes_each_changed_project_once(
    rules_loaded,
    make_project,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """Many changes of a few projects in one transaction (a bulk import, the demo register):
    after the commit each project is recomputed once, all of them in one call."""
    from django.db import transaction

    from jianguan.projects.services import warnings as service

    calls: list[set[int]] = []
    monkeypatch.setattr(service, "warnings_recompute", lambda **kw: calls.append(kw))
    a, b = make_project(), make_project()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            for project in (a, a, b, a):
                service.recompute_after_commit(project.pk)
    assert calls == [{"project_ids": {a.pk, b.pk}}]
    # nothing left waiting: the next commit recomputes only its own project
    with django_capture_on_commit_callbacks(execute=True):
        service.recompute_after_commit(b.pk)
    assert calls[1:] == [{"project_ids": {b.pk}}]
