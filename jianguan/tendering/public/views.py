"""The public face of electronic tendering, no login: notices, detail, documents (no
registration may be asked for a download, 《电子招标投标办法》), clarifications, the opening
record once published, and a printable notice."""

from __future__ import annotations

from pathlib import Path

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jianguan.core.errors import NotFound
from jianguan.core.timeutil import now
from jianguan.tendering import procedures, workflow
from jianguan.tendering.public import selectors as sel

PAGE_SIZE = 20
BADGES = {
    "published": "bg-green-lt",
    "prequalification": "bg-teal-lt",
    "bidding": "bg-green-lt",
    "opening": "bg-orange-lt",
    "evaluation": "bg-blue-lt",
    "publicity": "bg-purple-lt",
    "awarded": "bg-indigo-lt",
    "contracted": "bg-secondary-lt",
    "failed": "bg-red-lt",
    "cancelled": "bg-secondary-lt",
}


def _badge(tender) -> str:
    return BADGES.get(tender.status, "bg-secondary-lt")


def _query(request: HttpRequest) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    for key in [k for k, v in q.lists() if v == [""]]:
        q.pop(key)
    return q.urlencode()


@require_GET
def tender_list(request: HttpRequest) -> HttpResponse:
    """招标公告: search by title, code or project; filter by status and procedure."""
    q = (request.GET.get("q") or "").strip()[: sel.MAX_QUERY]
    status = request.GET.get("status") or ""
    status = status if status in sel.STATUS_LABELS else ""
    procedure = request.GET.get("procedure") or ""
    procedure = procedure if procedure in procedures.LABELS else ""
    qs = sel.tenders_public(q=q, status=status, procedure=procedure)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    at = now()
    for tender in page:
        tender.badge = _badge(tender)
        tender.status_label = sel.STATUS_LABELS.get(tender.status, tender.status)
        tender.countdown = (
            sel.countdown(tender.bid_deadline, at)
            if tender.status in workflow.ACCEPTING_BIDS and tender.paused_at is None
            else ""
        )
    ctx = {
        "page": page,
        "q": q,
        "status": status,
        "procedure": procedure,
        "statuses": sel.STATUS_LABELS,
        "procedures": procedures.LABELS,
        "query_nopage": _query(request),
        "tab": "tenders",
    }
    return render(request, "tendering/public_list.html", ctx)


def _detail(code: str):
    try:
        return sel.tender_detail_public(code=code)
    except NotFound:
        raise Http404("招标公告不存在或尚未发布") from None


@require_GET
def tender_detail(request: HttpRequest, code: str) -> HttpResponse:
    info = _detail(code)
    ctx = {"info": info, "t": info.tender, "badge": _badge(info.tender), "tab": "tenders"}
    return render(request, "tendering/public_detail.html", ctx)


@require_GET
def tender_print(request: HttpRequest, code: str) -> HttpResponse:
    info = _detail(code)
    return render(request, "tendering/public_print.html", {"info": info, "t": info.tender})


def _filename(doc) -> str:
    ext = Path(doc.file.name or "").suffix.lower()
    title = (doc.title or "文件").replace("/", "_").replace("\\", "_")
    return title if title.lower().endswith(ext) else f"{title}{ext}"


@require_GET
def document_download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """Anyone may download, without login or registration (《电子招标投标办法》)."""
    try:
        doc = sel.document_get_public(code=code, pk=pk)
        handle = doc.file.open("rb")
    except (NotFound, FileNotFoundError, ValueError):
        raise Http404("文件不存在") from None
    response = FileResponse(handle, as_attachment=True, filename=_filename(doc))
    response["X-Content-SM3"] = doc.sm3
    response["X-Content-Type-Options"] = "nosniff"
    return response
