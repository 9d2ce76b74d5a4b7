"""投诉 pages. The supervising department (a regulator with tendering.supervise) lists every
complaint, opens one and accepts, refuses or decides it; a bidder files one from the tender
page and follows its own. Each POST calls one service (`tendering.services.complaints`), so
the page refuses what the API refuses, in the same words."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from jianguan.core.errors import DomainError, ValidationFailed
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local
from jianguan.tendering import selectors as tender_selectors
from jianguan.tendering import services
from jianguan.tendering.complaints import selectors
from jianguan.tendering.complaints.forms import (
    AcceptForm,
    ComplaintFileForm,
    DecideForm,
    RefuseForm,
)
from jianguan.tendering.models import Complaint

PAGE_SIZE = 30
ACTIONS = ("accept", "refuse", "decide")


def _first_error(form) -> str:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return f"{label}：{errors[0]}" if label else str(errors[0])
    return "请检查填写的内容"


def _decorate(c: Complaint, today) -> Complaint:
    c.status_label = Complaint.STATUSES.get(c.status, c.status)
    c.subject_label = Complaint.SUBJECTS.get(c.subject, c.subject)
    c.due = selectors.due_of(c)
    c.overdue = c.due is not None and c.due < today
    return c


@require_http_methods(["GET"])
@permission_required("tendering.view")
def complaint_list(request: HttpRequest) -> HttpResponse:
    """投诉: all for the supervising department (?status=, ?overdue=1, ?tender=), the own
    organisation's for everyone else."""
    actor, today = request.actor, today_local()
    qs = selectors.complaints_visible_to(actor=actor)
    status = request.GET.get("status") or ""
    status = status if status in Complaint.STATUSES else ""
    if status:
        qs = qs.filter(status=status)
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        qs = qs.filter(selectors.overdue_q(today))
    tender_raw = (request.GET.get("tender") or "").strip()
    tender = None
    if tender_raw.isascii() and tender_raw.isdigit() and len(tender_raw) < 18:
        qs = qs.filter(tender_id=int(tender_raw))
        first = qs.first()
        tender = first.tender if first else None
    page = Paginator(qs.order_by("-filed_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    for c in page:
        _decorate(c, today)
    all_visible = selectors.complaints_visible_to(actor=actor)
    ctx = {
        "page": page,
        "status": status,
        "overdue": overdue,
        "tender": tender,
        "statuses": Complaint.STATUSES,
        "supervise": selectors.supervises(actor),
        "overdue_count": all_visible.filter(selectors.overdue_q(today)).count(),
        "filtered": bool(status or overdue or tender_raw),
    }
    return render(request, "tendering/complaints/list.html", ctx)


def _render_detail(request, complaint, *, forms=None, error="", code="", status=200):
    actor = request.actor
    supervise = selectors.supervises(actor)
    forms = forms or {}
    ctx = {
        "c": _decorate(complaint, today_local()),
        "supervise": supervise,
        "may_accept": supervise and complaint.status == Complaint.SUBMITTED,
        "may_decide": supervise and complaint.status == Complaint.ACCEPTED,
        "accept_form": forms.get("accept") or AcceptForm(),
        "refuse_form": forms.get("refuse") or RefuseForm(),
        "decide_form": forms.get("decide") or DecideForm(),
        "error": error,
        "error_code": code,
    }
    return render(request, "tendering/complaints/detail.html", ctx, status=status)


@require_http_methods(["GET"])
@permission_required("tendering.view")
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get_visible_to(actor=request.actor, pk=pk)
    return _render_detail(request, complaint)


@require_POST
@permission_required("tendering.view")
def complaint_act(request: HttpRequest, pk: int) -> HttpResponse:
    """受理 / 不予受理 / 作出处理决定: the supervising department only (403 for the
    complainant, who may see the complaint; 404 for everyone else)."""
    actor = request.actor
    complaint = selectors.complaint_get_visible_to(actor=actor, pk=pk)
    if not selectors.supervises(actor):
        raise DjangoDenied("投诉由行政监督部门处理")
    action = request.POST.get("action", "")
    form_class = {"accept": AcceptForm, "refuse": RefuseForm, "decide": DecideForm}.get(action)
    if form_class is None:
        return _render_detail(
            request, complaint, error="未知的操作", code="unknown_action", status=400
        )
    form = form_class(request.POST)
    if not form.is_valid():
        return _render_detail(
            request,
            complaint,
            forms={action: form},
            error=_first_error(form),
            code="form_invalid",
            status=400,
        )
    data = form.cleaned_data
    try:
        if action == "accept":
            complaint = services.complaint_accept(
                actor=actor, complaint=complaint, suspend=data["suspend"]
            )
            done = f"已受理投诉，处理期限 {complaint.decide_due:%Y-%m-%d}"
        elif action == "refuse":
            complaint = services.complaint_refuse(
                actor=actor, complaint=complaint, reason=data["reason"]
            )
            done = "已决定不予受理，理由已告知投诉人"
        else:
            complaint = services.complaint_decide(
                actor=actor,
                complaint=complaint,
                upheld=data["outcome"] == Complaint.UPHELD,
                decision=data["decision"],
            )
            done = f"已作出处理决定：{Complaint.STATUSES[complaint.status]}"
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        fresh = selectors.complaint_get_visible_to(actor=actor, pk=pk)
        return _render_detail(
            request,
            fresh,
            forms={action: form},
            error=exc.message,
            code=exc.code,
            status=exc.status,
        )
    messages.success(request, done)
    return redirect("tendering:complaint", pk=complaint.pk)


@require_http_methods(["GET", "POST"])
@permission_required("tendering.view")
def complaint_file(request: HttpRequest, pk: int) -> HttpResponse:
    """提出投诉 on tender `pk`: for a (potential) bidder, as the service allows."""
    actor = request.actor
    if not actor.can("tendering.bid"):
        raise DjangoDenied("无权访问：投诉（仅投标人或潜在投标人可以投诉）")
    tender = tender_selectors.tender_get_visible_to(actor=actor, pk=pk)
    if not selectors.may_complain(actor, tender):
        raise DjangoDenied("招标人及其代理机构不能就本招标项目投诉")
    if request.method == "GET":
        form = ComplaintFileForm(initial={"known_on": today_local()})
        return _render_file(request, tender, form)
    form = ComplaintFileForm(request.POST)
    if not form.is_valid():
        return _render_file(
            request, tender, form, error=_first_error(form), code="form_invalid", status=400
        )
    data = form.cleaned_data
    try:
        complaint = services.complaint_file(
            actor=actor,
            tender=tender,
            subject=data["subject"],
            text=data["text"],
            known_on=data["known_on"],
        )
    except ValidationFailed as exc:
        return _render_file(
            request, tender, form, error=exc.message, code=exc.code, status=exc.status
        )
    messages.success(
        request, f"已提出投诉，行政监督部门应于 {complaint.accept_due:%Y-%m-%d} 前决定是否受理"
    )
    return redirect("tendering:complaint", pk=complaint.pk)


def _render_file(request, tender, form, *, error="", code="", status=200) -> HttpResponse:
    ctx = {"t": tender, "form": form, "error": error, "error_code": code}
    return render(request, "tendering/complaints/file.html", ctx, status=status)
