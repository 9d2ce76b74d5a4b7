"""Placeholder: variation pages (being built)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


variations = variation_new = variation = variation_decide = _todo
