"""What BIM registers with the platform (called from BimConfig.ready()): grants, ledger words and
visibility, the to-do items (a clash assigned to one's organisation, a revision of one's that
failed), notification events, the project warning of unresolved hard clashes, the payment
claim's model-quantity check and the demo seeder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.urls import NoReverseMatch

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo


def _url(viewname: str, api: str) -> Callable[[int], str]:
    """The page's address when the pages are installed, else the API's."""
    try:
        return pk_url(viewname)
    except NoReverseMatch:
        return lambda pk: f"/api/v1/bim/{api}/{pk}"


def _todo(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    """Clashes assigned to the actor's organisation and the actor's own failed uploads that no
    later upload of the same discipline superseded. Every page's badges ask this: one query
    when there is nothing to do (the two lists' ids in one UNION), the details only for what
    there is."""
    from django.db.models import CharField, Exists, OuterRef, Value

    from jianguan.bim import workflow
    from jianguan.bim.models import Clash, ModelRevision

    parts = []
    if actor.organisation_id is not None and actor.can("bim.view"):
        parts.append(
            Clash.objects.filter(assignee_id=actor.organisation_id, status=workflow.ASSIGNED)
            .annotate(k=Value("c", output_field=CharField()))
            .order_by()
            .values_list("k", "pk")
        )
    if actor.user is not None and actor.can("bim.upload"):
        newer = ModelRevision.objects.filter(
            project_id=OuterRef("project_id"),
            discipline=OuterRef("discipline"),
            created_at__gt=OuterRef("created_at"),
        )
        parts.append(
            ModelRevision.objects.filter(uploaded_by_id=actor.user.pk, status=workflow.FAILED)
            .exclude(Exists(newer))
            .annotate(k=Value("r", output_field=CharField()))
            .order_by()
            .values_list("k", "pk")
        )
    if not parts:
        return
    ids: dict[str, list[int]] = {"c": [], "r": []}
    for kind, pk in parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]:
        ids[kind].append(pk)
    if ids["c"]:
        url = _url("bim:clash", "clashes")
        rows = (
            Clash.objects.filter(pk__in=ids["c"])
            .select_related("project", "clash_set")
            .order_by("updated_at", "pk")[:200]
        )
        for c in rows:
            yield TodoItem(
                kind="bim.clash_assigned",
                title=f"处理模型碰撞：{c.project.name}，{c.a_class} × {c.b_class}"
                f"（{c.get_type_display()}，{c.clash_set.name}）",
                url=url(c.pk),
                module="bim",
            )
    if ids["r"]:
        url = _url("bim:revision", "revisions")
        rows = (
            ModelRevision.objects.filter(pk__in=ids["r"])
            .select_related("project")
            .order_by("-created_at")[:50]
        )
        for r in rows:
            yield TodoItem(
                kind="bim.revision_failed",
                title=f"模型处理失败，请检查后重新上传：{r.project.name}，"
                f"{r.get_discipline_display()} {r.label}（{r.error[:60]}）",
                url=url(r.pk),
                module="bim",
            )


def _batch_facts(projects: list) -> dict[int, dict[str, Any]]:
    from django.db.models import Count

    from jianguan.bim import workflow
    from jianguan.bim.models import Clash

    out = {p.pk: {"bim_open_hard_clashes": 0} for p in projects}
    rows = (
        Clash.objects.filter(
            project_id__in=list(out), type="hard", status__in=workflow.OPEN_STATUSES
        )
        .values("project_id")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        out[row["project_id"]]["bim_open_hard_clashes"] = row["n"]
    return out


def check_hard_clashes(facts, today, thresholds):
    from jianguan.projects import warnings as warning_rules

    n = facts.get("bim_open_hard_clashes") or 0
    if not n:
        return None
    return warning_rules.BLUE, f"BIM 模型有 {n} 处硬碰撞尚未解决，须在施工前完成设计协调"


def _sweep() -> object:
    from jianguan.bim.services import revisions_sweep

    return revisions_sweep()


def register_all() -> None:
    from jianguan.bim import permissions  # noqa: F401  (registers grants)
    from jianguan.bim.models import BoqMapping, Clash, ClashSet, ModelRevision
    from jianguan.bim.services_quantity import CHECK_CODE, claim_quantity_check
    from jianguan.contracts.claims.extra_checks import register_claim_check
    from jianguan.core import periodic
    from jianguan.core.demo import register_seeder
    from jianguan.ledger import labels, visibility
    from jianguan.projects import facts as project_facts
    from jianguan.projects import warnings as warning_rules
    from jianguan.projects.links import ProjectLink, register_project_link
    from jianguan.projects.visibility import sees_project_of
    from jianguan.web.nav import NavItem, register
    from jianguan.workbench.notifications.events import register_event

    periodic.register("bim.revisions_sweep", 300, _sweep)
    register_todo("bim.clash_assigned", "模型碰撞待处理", _todo)
    register_todo("bim.revision_failed", "模型处理失败")  # from _todo too
    register_event("bim.clash_assigned", "模型碰撞指派")
    register_event("bim.revision_failed", "模型处理失败")
    labels.register(
        {
            "bim.revision_uploaded": "上传 BIM 模型版本",
            "bim.clash_set_created": "建立碰撞检测集",
            "bim.clash_run_done": "完成碰撞检测",
            "bim.clash_status_changed": "变更模型碰撞状态",
            "bim.clash_commented": "发表模型碰撞意见",
            "bim.bcf_imported": "导入 BCF 碰撞协调记录",
            "bim.mapping_set": "设置清单项与模型构件对应关系",
            "bim.mapping_deleted": "删除清单项与模型构件对应关系",
        }
    )
    for model in (ModelRevision, ClashSet, Clash, BoqMapping):
        visibility.register("bim", model._meta.model_name, sees_project_of(model))
    project_facts.register_provider(lambda p: _batch_facts([p])[p.pk], batch=_batch_facts)
    warning_rules.register_rule(
        warning_rules.WarningRule(
            "bim_hard_clashes",
            "BIM 模型硬碰撞未解决",
            check_hard_clashes,
            (),
            "大兴区 BIM 设计协调要求（区级政策）",
        )
    )
    register_claim_check(CHECK_CODE, claim_quantity_check)
    register(NavItem("bim", "BIM 模型", "bim:index", "ti-box-model-2", "bim.view", 33))
    register_project_link(
        # the page itself answers 404 where the project's models are not the actor's to see
        ProjectLink("bim", "BIM 模型", "bim:project", "ti-box-model-2", _may_view, 62)
    )
    register_seeder("bim", "jianguan.bim.demo:seed", order=79)


def _may_view(actor: Actor, project) -> bool:
    return actor.can("bim.view")
