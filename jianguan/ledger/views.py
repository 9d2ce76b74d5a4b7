from __future__ import annotations

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jianguan.core.forms import StyledFormMixin
from jianguan.core.permissions import permission_required
from jianguan.ledger import display, selectors, services


class EntrySearchForm(StyledFormMixin, forms.Form):
    object_model = forms.CharField(label="对象类型", required=False, max_length=80)
    object_id = forms.CharField(label="对象编号", required=False, max_length=64)
    type = forms.CharField(label="事件类型", required=False, max_length=80)


@permission_required("ledger.view_all")
def ledger_home(request: HttpRequest) -> HttpResponse:
    try:
        head = services.head_for_serving()
    except ImproperlyConfigured:  # no signing key configured and nothing signed yet
        head = None
    form = EntrySearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.entries_search(
        actor=request.actor,
        object_model=filters.get("object_model", ""),
        object_id=filters.get("object_id", ""),
        type=filters.get("type", ""),
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    # Names, not usernames and credit codes: resolved for the page's 30 rows at once.
    page.object_list = list(page.object_list)
    words = display.describe(page.object_list)
    for entry in page.object_list:
        entry.words = words[entry.index]
    return render(
        request,
        "ledger/home.html",
        {
            "head": head,
            "signature_ok": head is not None and selectors.head_signature_ok(head),
            "form": form,
            "page": page,
        },
    )
