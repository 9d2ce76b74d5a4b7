"""Placeholder: claim pages (being built)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


claims = claim_new = claim = claim_submit = claim_review = claim_pay = certificate = worklist = (
    _todo
)
