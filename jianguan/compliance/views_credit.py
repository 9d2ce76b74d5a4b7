"""Credit pages: the published list, one subject's score with every point explained and its
history chart, the regulator's manual records, and the public list without login."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from jianguan.accounts.models import Organisation, OrganisationKind
from jianguan.compliance import credit as C
from jianguan.compliance import selectors_credit as sel
from jianguan.compliance import services
from jianguan.compliance.models import CreditRecord
from jianguan.core.errors import DomainError, NotFound, ValidationFailed
from jianguan.core.permissions import permission_required
from jianguan.core.timeutil import today_local

ORG_KINDS = {k: OrganisationKind(k).label for k in sel.SCORED_ORG_KINDS}


def _kind(raw: str) -> str:
    return raw if raw in ORG_KINDS else ""


@require_GET
@permission_required("compliance.view")
def index(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:100]
    kind = _kind(request.GET.get("kind") or "")
    who = "persons" if request.GET.get("who") == "persons" else "organisations"
    on, qs = sel.published_scores(q=q, kind=kind)
    if who == "persons" and on is not None:
        qs = sel.person_scores(on=on, q=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    actor = request.actor
    ctx = {
        "page": page,
        "on": on,
        "q": q,
        "kind": kind,
        "who": who,
        "kinds": ORG_KINDS,
        "manual_kinds": {k: v.label for k, v in C.KINDS.items() if v.manual},
        "can_record": actor.is_kind("regulator") and actor.can("compliance.credit_record"),
        "organisations": Organisation.objects.filter(kind__in=sel.SCORED_ORG_KINDS).order_by(
            "name"
        )[:1000],
        "today": today_local(),
        "error": "",
    }
    return render(request, "compliance/credit_index.html", ctx)


def _on(raw: str | None) -> dt.date:
    if not raw:
        return today_local()
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        raise ValidationFailed("日期格式应为 YYYY-MM-DD", code="bad_date") from None


def _subject_page(request: HttpRequest, subject: sel.Subject, url_name: str) -> HttpResponse:
    error, explanation, status = "", None, 200
    try:
        on = _on(request.GET.get("on"))
        explanation = sel.explain(subject, on)
    except DomainError as exc:
        on, error, status = today_local(), exc.message, exc.status
    start = max(sel.exists_from(subject), today_local() - dt.timedelta(days=364))
    series = sel.history(subject, start, today_local()) if start <= today_local() else []
    actor = request.actor
    ctx = {
        "subject": subject,
        "on": on,
        "explanation": explanation,
        "lines": explanation.lines() if explanation else [],
        "records": sel.records_for(subject).order_by("-occurred_on", "-pk")[:300],
        "chart": {
            "days": [d.isoformat() for d, _ in series],
            "scores": [str(s) for _, s in series],
        },
        "can_record": actor.is_kind("regulator") and actor.can("compliance.credit_record"),
        "url_name": url_name,
        "error": error,
        "kinds": C.KINDS,
    }
    return render(request, "compliance/credit_subject.html", ctx, status=status)


@require_GET
@permission_required("compliance.view")
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    return _subject_page(request, sel.organisation_subject(pk), "compliance:credit_organisation")


@require_GET
@permission_required("compliance.view")
def person(request: HttpRequest, pk: int) -> HttpResponse:
    return _subject_page(request, sel.person_subject(pk), "compliance:credit_person")


def _back(subject: sel.Subject):
    if subject.organisation:
        return redirect("compliance:credit_organisation", pk=subject.organisation.pk)
    return redirect("compliance:credit_person", pk=subject.person.pk)


@require_POST
@permission_required("compliance.credit_record")
def record_add(request: HttpRequest) -> HttpResponse:
    post = request.POST
    raw = post.get("organisation", "")
    try:
        if not raw.isdigit() or len(raw) > 18:
            raise ValidationFailed("请选择单位", code="organisation_missing")
        subject = sel.organisation_subject(int(raw))
        services.credit_record_add(
            actor=request.actor,
            kind=post.get("kind", ""),
            organisation=subject.organisation,
            occurred_on=_on(post.get("occurred_on") or "x"),
            description=post.get("description", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("compliance:credit")
    messages.success(request, "已记入信用记录，自次日起计入信用分")
    return _back(subject)


@require_POST
@permission_required("compliance.credit_record")
def record_end(request: HttpRequest, pk: int) -> HttpResponse:
    rec = CreditRecord.objects.select_related("organisation", "person").filter(pk=pk).first()
    if rec is None:
        raise NotFound("信用记录不存在", code="not_found")
    subject = sel.Subject(organisation=rec.organisation, person=rec.person)
    try:
        services.credit_record_end(
            actor=request.actor, record_obj=rec, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(subject)
    messages.success(request, "该信用记录自次日起不再计分")
    return _back(subject)


@require_GET
def public_scores(request: HttpRequest) -> HttpResponse:
    """公开：the latest published organisation scores, searchable, without login."""
    q = (request.GET.get("q") or "").strip()[:100]
    kind = _kind(request.GET.get("kind") or "")
    on, qs = sel.published_scores(q=q, kind=kind)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    ctx = {"page": page, "on": on, "q": q, "kind": kind, "kinds": ORG_KINDS}
    return render(request, "compliance/public_scores.html", ctx)
