"""Facts about a project that the workflow guards and warning rules read.

Other apps add their facts with `register_provider()` (e.g. contracts: "is the construction
contract signed?"), so the projects app imports none of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from jianguan.projects.models import CompletionSignature, Finding, KeyNode, Project, ProjectLead
from jianguan.projects.workflow import completion_date

Provider = Callable[[Project], dict[str, Any]]
BatchProvider = Callable[[list[Project]], dict[int, dict[str, Any]]]
_PROVIDERS: list[Provider] = []
_BATCH_PROVIDERS: list[BatchProvider] = []


def register_provider(
    provider: Provider, *, batch: BatchProvider | None = None, dated: bool = False
) -> None:
    """`provider(project) -> facts`; `batch(projects) -> {project.pk: facts}` (optional) lets
    the warnings recompute gather the same facts for thousands of projects in a few queries.
    A `dated` batch provider is called `batch(projects, today=day)` with the day the warnings
    are computed for (who is assigned to a project depends on the day)."""
    _PROVIDERS.append(provider)
    chosen = batch or (lambda projects: {p.pk: provider(p) for p in projects})
    if not dated:
        plain = chosen
        chosen = lambda projects, today=None: plain(projects)  # noqa: E731
    _BATCH_PROVIDERS.append(chosen)


def provided_facts(
    projects: list[Project], *, today: dt.date | None = None
) -> dict[int, dict[str, Any]]:
    """The facts every registered provider adds, for many projects at once, as of `today`
    (the local date when None)."""
    out: dict[int, dict[str, Any]] = {p.pk: {} for p in projects}
    for batch in _BATCH_PROVIDERS:
        for pk, facts in batch(projects, today=today).items():
            out.setdefault(pk, {}).update(facts)
    return out


def project_facts(project: Project) -> dict[str, Any]:
    nodes = list(KeyNode.objects.filter(project=project).values_list("status", flat=True))
    leads = set(
        ProjectLead.objects.filter(project=project, ended_on__isnull=True).values_list(
            "party", flat=True
        )
    )
    signatures = dict(
        CompletionSignature.objects.filter(project=project).values_list("party", "signed_on")
    )
    facts: dict[str, Any] = {
        "approval_document": project.approval_document,
        "design_review_document": project.design_review_document,
        "construction_permit": project.construction_permit,
        "construction_contract_signed": bool(project.construction_contract_ref),
        "leads_filed": leads,
        "key_nodes_total": len(nodes),
        "key_nodes_pending": sum(1 for s in nodes if s != "passed"),
        "open_findings": Finding.objects.filter(project=project, closed_at__isnull=True).count(),
        "completion_date": completion_date(signatures),
        "completion_filing": project.completion_filing,
        "settlement_document": project.settlement_document,
        "archive_transfer": project.archive_transfer,
    }
    for provider in _PROVIDERS:
        facts.update(provider(project))
    return facts
