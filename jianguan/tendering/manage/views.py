"""The tenderer's (or its agency's) pages: create a tender, and every action on its page —
publish, clarify, answer objections, review prequalification, conclude the evaluation,
award, report, refund bonds, cancel, re-tender. Each POST calls one service."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from jianguan.accounts.models import Organisation
from jianguan.core.errors import DomainError, NotFound, ValidationFailed
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import SHANGHAI, client_instant
from jianguan.projects.models import Project
from jianguan.registry.models import AccessStandard
from jianguan.tendering import access, procedures, selectors, services
from jianguan.tendering.models import Award, Bid, Candidate, Objection, PrequalApplication

can_manage = access.can_manage  # the one check (owner, or its entrusted agency)


def _when(raw: str | None, label: str) -> dt.datetime | None:
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw[:19])
    except ValueError:
        raise ValidationFailed(f"{label}格式不正确", code="bad_datetime") from None
    return client_instant(value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value, label)


def _required(raw: str | None, label: str) -> dt.datetime:
    value = _when(raw, label)
    if value is None:
        raise ValidationFailed(f"请填写{label}", code="datetime_missing")
    return value


@require_http_methods(["GET", "POST"])
@permission_required("tendering.manage")
def tender_new(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    org = actor.organisation_id
    entrusted = access.entrusted_project_ids(org)
    projects = Project.objects.filter(Q(owner_id=org) | Q(pk__in=entrusted)).order_by("-created_at")
    is_owner = not actor.is_kind("tender_agency")
    agencies = (
        Organisation.objects.filter(
            pk__in=access.active_entrustments().filter(project__owner_id=org).values("agency_id")
        ).order_by("name")
        if is_owner
        else Organisation.objects.none()
    )
    ctx = {
        "projects": projects[:500],
        "procedures": procedures.LABELS,
        "standards": AccessStandard.objects.order_by("name")[:200],
        "data": request.POST,
        "agencies": agencies[:200],
        "is_owner": is_owner,
    }
    if request.method == "GET":
        return render(request, "tendering/new.html", ctx)
    post = request.POST
    try:
        raw = post.get("project", "")
        project = projects.filter(pk=raw).first() if raw.isdigit() and len(raw) < 18 else None
        if project is None:
            raise ValidationFailed(
                "请选择本单位作为建设单位或受托办理招标的项目", code="project_missing"
            )
        raw = post.get("agency", "")
        agency = agencies.filter(pk=raw).first() if raw.isdigit() and len(raw) < 18 else None
        standard = None
        if post.get("access_standard", "").isdigit():
            standard = AccessStandard.objects.filter(pk=post["access_standard"]).first()
        tender = services.tender_create(
            actor=actor,
            project=project,
            title=post.get("title", ""),
            procedure=post.get("procedure", ""),
            estimate=post.get("estimate", ""),
            lots=[
                {
                    "title": post.get("lot_title", ""),
                    "price_ceiling": post.get("price_ceiling", ""),
                    "bond_amount": post.get("bond_amount", ""),
                }
            ],
            description=post.get("description", ""),
            access_standard=standard,
            agency=agency,
        )
    except DomainError as exc:
        return render(
            request, "tendering/new.html", {**ctx, "error": exc.message}, status=exc.status
        )
    messages.success(request, f"已创建招标项目 {tender.code}（草稿）")
    return redirect("tendering:tender", pk=tender.pk)


def _one(model, pk: str, **scope):
    obj = model.objects.filter(pk=pk, **scope).first() if (pk or "").isdigit() else None
    if obj is None:
        raise NotFound("对象不存在", code="not_found")
    return obj


def _act(request: HttpRequest, tender, action: str) -> str:
    actor, post, files = request.actor, request.POST, request.FILES
    if action == "publish":
        services.tender_publish(
            actor=actor,
            tender=tender,
            documents_from=_required(post.get("documents_from"), "招标文件发出时间"),
            sale_end=_required(post.get("sale_end"), "发售截止时间"),
            prequal_deadline=_when(post.get("prequal_deadline"), "资格预审申请截止时间"),
            bid_deadline=_required(post.get("bid_deadline"), "投标截止时间"),
            documents=files.get("documents"),
        )
        return "已发布招标公告及招标文件"
    if action == "clarify":
        item = services.clarification_issue(
            actor=actor,
            tender=tender,
            text=post.get("text", ""),
            document=files.get("document"),
            affects_bids=post.get("affects_bids") == "on",
        )
        moved = item.new_deadline != item.old_deadline
        return "已发出澄清或修改" + ("，投标截止时间已顺延" if moved else "")
    if action == "answer":
        objection = _one(Objection, post.get("objection"), tender=tender)
        services.objection_answer(actor=actor, objection=objection, answer=post.get("answer", ""))
        return "已答复异议"
    if action == "prequal_review":
        application = _one(PrequalApplication, post.get("application"), tender=tender)
        services.prequal_review(
            actor=actor,
            application=application,
            qualified=post.get("qualified") == "yes",
            note=post.get("note", ""),
        )
        return "已审查资格预审申请"
    if action == "prequal_close":
        tender = services.prequal_close(actor=actor, tender=tender)
        return "资格预审结束" + ("，转入投标" if tender.status == "bidding" else "，招标失败")
    if action == "conclude":
        made = services.evaluation_conclude(actor=actor, tender=tender)
        return f"已确定 {len(made)} 名中标候选人并开始公示" if made else "无有效投标，招标失败"
    if action == "award":
        candidate = _one(Candidate, post.get("candidate"), tender=tender)
        services.award_decide(
            actor=actor, tender=tender, candidate=candidate, reason=post.get("reason", "")
        )
        return "已确定中标人"
    if action == "report":
        award = _one(Award, post.get("award"), tender=tender)
        services.award_report_file(actor=actor, award=award, document=files.get("document"))
        return "已提交书面报告"
    if action == "refund":
        services.bond_refund_record(actor=actor, bid=_one(Bid, post.get("bid"), tender=tender))
        return "已登记退还投标保证金"
    if action == "cancel":
        services.tender_cancel(actor=actor, tender=tender, reason=post.get("reason", ""))
        return "已终止招标"
    if action == "retender":
        again = services.tender_retender(actor=actor, tender=tender)
        return f"已创建重新招标项目 {again.code}（草稿）"
    raise ValidationFailed("未知的操作", code="unknown_action")


@require_POST
@permission_required("tendering.view")
def tender_act(request: HttpRequest, pk: int) -> HttpResponse:
    tender = selectors.tender_get_visible_to(actor=request.actor, pk=pk)
    access.require_manage(request.actor, tender=tender)
    try:
        done = _act(request, tender, request.POST.get("action", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("tendering:tender", pk=tender.pk)
