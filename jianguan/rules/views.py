from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jianguan.core.errors import DomainError
from jianguan.core.permissions import permission_required
from jianguan.rules import labels, lookup, services
from jianguan.rules.forms import CalendarOverrideForm, RuleFilterForm, WorkingDayForm
from jianguan.rules.models import CalendarOverride, Rule


@permission_required("rules.view")
def rule_list(request: HttpRequest) -> HttpResponse:
    form = RuleFilterForm(request.GET or None)
    qs = Rule.objects.all().order_by("code", "region", "-effective_from")
    if form.is_valid():
        q = form.cleaned_data.get("q")
        if q:
            qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(reference__icontains=q))
        if form.cleaned_data.get("region"):
            qs = qs.filter(region=form.cleaned_data["region"])
        if form.cleaned_data.get("verified") in ("0", "1"):
            qs = qs.filter(verified=form.cleaned_data["verified"] == "1")
    rules = list(qs)
    # Grouped under the Chinese name of the code's first part; the value in people's words.
    groups: dict[str, list[Rule]] = {}
    names = dict(Rule.objects.values_list("code", "name"))
    for item in rules:
        item.display_value = labels.display_value(item.value, item.unit)
        item.note_text = labels.name_codes(item.note, names)
        groups.setdefault(labels.group_label(item.code.split(".")[0]), []).append(item)
    template = "rules/rule_list.html" + ("#table" if request.htmx else "")
    return render(request, template, {"form": form, "groups": groups, "count": len(rules)})


@permission_required("rules.view")
def calendar(request: HttpRequest) -> HttpResponse:
    form = WorkingDayForm(request.GET or None)
    result = error = None
    if request.GET and form.is_valid():
        try:
            result = lookup.add_working_days(form.cleaned_data["start"], form.cleaned_data["days"])
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "rules/calendar.html",
        {
            "form": form,
            "result": result,
            "error": error,
            "override_form": CalendarOverrideForm(),
            "overrides": CalendarOverride.objects.order_by("-date")[:100],
            "can_manage": request.actor.can("rules.manage"),
        },
    )


@require_POST
@permission_required("rules.manage")
def calendar_override(request: HttpRequest) -> HttpResponse:
    form = CalendarOverrideForm(request.POST)
    if form.is_valid():
        services.calendar_override_set(actor=request.actor, **form.cleaned_data)
        messages.success(request, "工作日历已更新")
    else:
        messages.error(request, "请填写有效的日期与类型")
    return redirect("rules:calendar")
