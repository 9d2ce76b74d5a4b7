"""Placeholder: BoQ pages (being built)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


boq = boq_export = _todo
