"""What compliance offers on the project page (`projects.links`): "发起检查" for whoever may
inspect the project (a regulator's inspector, or the project's own supervisor). Before, the
inspection form was reached only through a rectification order, so a project without one
could not be inspected from any page (issue 16)."""

from __future__ import annotations

from jianguan.compliance import services
from jianguan.core.actor import Actor
from jianguan.core.errors import PermissionDenied


def may_inspect(actor: Actor, project) -> bool:
    """The inspection form's own test (`services.inspector_side`), on a page it may open."""
    if not actor.can("compliance.view"):
        return False
    try:
        services.inspector_side(actor, project)
    except PermissionDenied:
        return False
    return True


def register_all() -> None:
    from jianguan.projects.links import ProjectLink, register_project_link

    register_project_link(
        ProjectLink(
            key="compliance.inspect",
            label="发起检查",
            url_name="compliance:project",
            icon="ti-clipboard-check",
            allowed=may_inspect,
            order=20,
        )
    )
