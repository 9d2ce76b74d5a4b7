"""Who hears of BIM events (after commit): the uploader of a revision that failed, the people
of the organisation a clash is assigned to."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def url(name: str, pk: int, fallback: str) -> str:
    """The page when the pages are installed, else the API's address of the object."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return fallback


def revision_failed(revision_id: int) -> None:
    from jianguan.bim.models import ModelRevision
    from jianguan.workbench.notifications.services import notify

    r = ModelRevision.objects.select_related("project").get(pk=revision_id)
    notify(
        recipients=[r.uploaded_by_id],
        kind="bim.revision_failed",
        title=f"模型处理失败：{r.project.name}，{r.get_discipline_display()} {r.label}",
        body=r.error,
        url=url("bim:revision", r.pk, f"/api/v1/bim/revisions/{r.pk}"),
    )


def clash_assigned(clash_id: int) -> None:
    from jianguan.accounts.models import Membership
    from jianguan.bim.models import Clash
    from jianguan.workbench.notifications.services import notify

    c = Clash.objects.select_related("project", "clash_set").get(pk=clash_id)
    if c.assignee_id is None:
        return
    users = Membership.objects.filter(organisation_id=c.assignee_id, is_active=True).values_list(
        "user_id", flat=True
    )
    notify(
        recipients=list(users),
        kind="bim.clash_assigned",
        title=f"模型碰撞待处理：{c.project.name}，{c.a_class} × {c.b_class}（{c.clash_set.name}）",
        url=url("bim:clash", c.pk, f"/api/v1/bim/clashes/{c.pk}"),
    )
