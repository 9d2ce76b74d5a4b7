"""Actions and pages other apps offer on a project's page (发起检查, 实名制, 现场影像…).

``projects`` is the spine and imports none of the apps hanging on it, so they register here in
their ``AppConfig.ready()``; the project page shows each link the actor may use, and none the
actor may not (issue 16: "actions a person may not take do not appear").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from jianguan.core.actor import Actor


@dataclass(frozen=True)
class ProjectLink:
    key: str
    label: str
    url_name: str  # reversed with the project's pk
    icon: str  # a Tabler icon class, e.g. "ti-clipboard-check"
    # Whether this actor may use the link on this project (checked per page view: keep it cheap).
    allowed: Callable[[Actor, Any], bool]
    order: int = 50


_LINKS: dict[str, ProjectLink] = {}


def register_project_link(link: ProjectLink) -> ProjectLink:
    _LINKS[link.key] = link
    return link


def project_links(actor: Actor, project) -> list[dict[str, str]]:
    """The links ``actor`` may follow on ``project``'s page, in order: label, url, icon, key."""
    out = []
    for link in sorted(_LINKS.values(), key=lambda x: (x.order, x.key)):
        if link.allowed(actor, project):
            url = reverse(link.url_name, args=[project.pk])
            out.append({"key": link.key, "label": link.label, "url": url, "icon": link.icon})
    return out
