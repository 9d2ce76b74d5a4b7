"""The public policy library (/public/policies/, no login): search by words, tag and year; a
policy's full text and attachments. Published policies only: a draft or a repealed one is a 404."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jianguan.collab.policies import selectors
from jianguan.collab.policies.views import list_filters, serve_attachment


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    f = list_filters(request)
    page = Paginator(selectors.filtered(selectors.public(), **f), 30).get_page(
        request.GET.get("page")
    )
    ctx = {"page": page, **f, "tags": selectors.tags(), "years": selectors.years()}
    return render(request, "policies/public_list.html", ctx)


@require_GET
def public_page(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.public_get(pk)
    ctx = {"policy": policy, "attachments": list(policy.attachments.all())}
    return render(request, "policies/public_detail.html", ctx)


@require_GET
def public_attachment(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    policy = selectors.public_get(pk)
    return serve_attachment(selectors.attachment_get(policy, aid))
