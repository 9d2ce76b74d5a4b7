"""Pages: the expert pool (regulator), a committee (the officer checks in, computes, reveals;
each expert fills, submits and signs only their own sheets). Who sees a committee is declared
in experts/selectors.py, which the API asks too."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jianguan.core.errors import DomainError, NotFound, PermissionDenied
from jianguan.experts import selectors, services, specialties
from jianguan.experts.models import Committee, Expert, Member
from jianguan.tendering.evaluation import config as cfg
from jianguan.tendering.models import Bid


def _pool_reader(request) -> None:
    if not (request.actor.can("experts.manage") or request.actor.can("experts.draw")):
        raise PermissionDenied("无权查看评标专家库", code="permission_denied")


@require_GET
def pool(request: HttpRequest) -> HttpResponse:
    if not request.actor.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    _pool_reader(request)
    code = request.GET.get("specialty") or ""
    q = (request.GET.get("q") or "").strip()[:50]
    experts = list(Expert.objects.order_by("name", "pk"))
    if code in specialties.SPECIALTIES:
        experts = [e for e in experts if code in e.specialties]
    if q:
        experts = [e for e in experts if q in e.name or q in e.employer_name]
    page = Paginator(experts, 50).get_page(request.GET.get("page"))
    committees = Committee.objects.select_related("tender").order_by("-committed_at")[:50]
    ctx = {
        "page": page,
        "specialties": specialties.SPECIALTIES,
        "specialty": code,
        "q": q,
        "committees": committees,
    }
    return render(request, "experts/pool.html", ctx)


def _fields(config, sheet) -> list[tuple]:
    """(criterion, score, reason) for each criterion of the expert's own sheet of one bid: a
    saved sheet shows what was saved (and, once submitted, what was submitted)."""
    scores = sheet.scores if sheet is not None else {}
    out = []
    for _, crit in config.criteria:
        score, reason = (list(scores.get(crit.code) or []) + ["", ""])[:2]
        out.append((crit, score, reason))
    return out


@require_GET
def committee(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.actor.is_authenticated:
        return redirect_to_login(request.get_full_path())
    c, access = selectors.committee_get_visible_to(actor=request.actor, pk=pk)
    officer, mine, shown = access.officer, access.member, access.sees_names
    config = cfg.parse(c.tender.evaluation_config or None)
    bids = list(Bid.objects.filter(tender=c.tender, status=Bid.OPENED).select_related("bidder"))
    own = {s.bid_id: s for s in mine.sheets.all()} if mine else {}
    ctx = {
        "c": c,
        "officer": officer,
        "shown": shown,
        "members": c.members.select_related("expert"),
        "mine": mine,
        "criteria": [crit for _, crit in config.criteria],
        "scored": config.method == cfg.COMPREHENSIVE,
        "rows": [(b, own.get(b.pk), _fields(config, own.get(b.pk))) for b in bids],
        "submitted": bool(own) and all(s.submitted_at for s in own.values()),
        "signed": bool(mine) and hasattr(mine, "signature"),
        "result": c.result,
        "reports": list(c.tender.collusion_reports.order_by("created_at")),
    }
    return render(request, "experts/committee.html", ctx)


@require_POST
def committee_act(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.actor.is_authenticated:
        return redirect_to_login(reverse("experts:committee", args=[pk]))
    c, _ = selectors.committee_get_visible_to(actor=request.actor, pk=pk)
    actor, post = request.actor, request.POST
    action = post.get("action", "")
    try:
        if action == "check_in":
            member = c.members.get(pk=int(post.get("member", "0") or 0))
            services.member_check_in(
                actor=actor,
                member=member,
                present=post.get("present") == "yes",
                note=post.get("note", ""),
            )
            done = "已办理签到"
        elif action == "sheet":
            member = c.members.get(expert__user_id=actor.user_id)
            bid = Bid.objects.get(pk=int(post.get("bid", "0") or 0))
            config = cfg.parse(c.tender.evaluation_config or None)
            scores = {
                crit.code: [post.get(f"score_{crit.code}", ""), post.get(f"reason_{crit.code}", "")]
                for _, crit in config.criteria
            }
            services.sheet_save(actor=actor, member=member, bid=bid, scores=scores)
            done = "已保存评分"
        elif action == "submit":
            services.sheets_submit(actor=actor, member=c.members.get(expert__user_id=actor.user_id))
            done = "已提交评分表"
        elif action == "sign":
            services.report_sign(actor=actor, member=c.members.get(expert__user_id=actor.user_id))
            done = "已在线签署评标报告"
        elif action == "compute":
            services.evaluation_compute(actor=actor, committee=c)
            done = "已汇总评分并公示中标候选人"
        elif action == "reveal":
            services.committee_reveal(actor=actor, committee=c)
            done = "已公开评标委员会名单及抽取种子"
        else:
            raise NotFound("未知的操作", code="unknown_action")
    except (Member.DoesNotExist, Bid.DoesNotExist, ValueError):
        messages.error(request, "对象不存在或无权操作")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("experts:committee", pk=c.pk)
