"""Withdrawing a bid from the bid page (it was API only): the button, the refusal after the
deadline, and nobody else's bid."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jianguan.core.timeutil import now
from jianguan.ledger.models import LedgerEntry
from jianguan.tendering.models import Bid, Tender
from jianguan.tendering.tests.test_services import _keys, _publish, _seal, _submit, _tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(market, tmp_path):
    tender = _publish(market, _tender(market))
    actor = market["bidders"][0]
    _private, public = _keys(actor, tender)
    bid = _submit(actor, tender, _seal(tmp_path, public, "28000000"))
    return tender, actor, bid


def test_a_bidder_withdraws_its_bid_from_the_bid_page(client, market, submitted):
    tender, actor, bid = submitted
    client.force_login(actor.user)
    page = client.get(reverse("tendering:bid", args=[tender.pk])).content.decode()
    assert f'data-withdraw-bid="{bid.pk}"' in page
    r = client.post(reverse("tendering:bid_withdraw", args=[bid.pk]), follow=True)
    assert r.redirect_chain[-1][0] == reverse("tendering:bid", args=[tender.pk])
    bid.refresh_from_db()
    assert bid.status == Bid.WITHDRAWN and bid.bond_refund_due is not None
    text = r.content.decode()
    assert "已撤回投标文件" in text and bid.receipt_number in text
    assert f'data-withdraw-bid="{bid.pk}"' not in text  # nothing left to withdraw
    assert LedgerEntry.objects.filter(type="tendering.bid_withdrawn").count() == 1
    # again: refused in words, nothing written
    r = client.post(reverse("tendering:bid_withdraw", args=[bid.pk]), follow=True)
    assert "只有已递交的投标文件可以撤回" in r.content.decode()
    assert LedgerEntry.objects.filter(type="tendering.bid_withdrawn").count() == 1


def test_after_the_deadline_there_is_no_button_and_no_withdrawal(client, market, submitted):
    tender, actor, bid = submitted
    Tender.objects.filter(pk=tender.pk).update(bid_deadline=now() - dt.timedelta(minutes=1))
    client.force_login(actor.user)
    page = client.get(reverse("tendering:bid", args=[tender.pk])).content.decode()
    assert "data-withdraw-bid" not in page
    r = client.post(reverse("tendering:bid_withdraw", args=[bid.pk]), follow=True)
    assert "已过" in r.content.decode()
    bid.refresh_from_db()
    assert bid.status == Bid.SUBMITTED


def test_another_bidder_cannot_withdraw_it_and_does_not_learn_it_exists(client, market, submitted):
    _tender_, _actor, bid = submitted
    client.force_login(market["bidders"][1].user)
    assert client.post(reverse("tendering:bid_withdraw", args=[bid.pk])).status_code == 404
    client.force_login(market["owner"].user)
    assert client.post(reverse("tendering:bid_withdraw", args=[bid.pk])).status_code == 403
    bid.refresh_from_db()
    assert bid.status == Bid.SUBMITTED
    assert client.get(reverse("tendering:bid_withdraw", args=[bid.pk])).status_code == 405
