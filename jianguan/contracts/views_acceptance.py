"""Placeholder: acceptance pages (being built)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


acceptance = self_check = decide = _todo
