"""Placeholder: the register, contract, BoQ, signing and ledger pages (being built)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


index = register_export = contract_new = detail = terms = sign = approve = _todo
subcontract_new = ledger = ledger_export = _todo
