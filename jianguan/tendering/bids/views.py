"""Bid pages that write: withdrawing a sealed bid before the deadline (it was API only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from jianguan.core.errors import DomainError
from jianguan.core.permissions import permission_required
from jianguan.tendering import selectors
from jianguan.tendering.bids import services


@require_POST
@permission_required("tendering.bid")
def bid_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """撤回投标 (招标投标法 29: a bidder may withdraw before the deadline; 实施条例 35: the
    bond is refunded within the rule's days of the written withdrawal)."""
    bid = selectors.bid_get_visible_to(actor=request.actor, pk=pk)
    try:
        bid = services.bid_withdraw(actor=request.actor, bid=bid)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"已撤回投标文件（回执 {bid.receipt_number}）；"
            f"投标保证金应于 {bid.bond_refund_due:%Y年%m月%d日} 前退还",
        )
    return redirect("tendering:bid", pk=bid.tender_id)
