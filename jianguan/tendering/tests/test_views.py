"""The signed-in tendering pages: who sees what, the bid page's key flag, and unsealing."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from jianguan.core.timeutil import now
from jianguan.tendering.models import Tender
from jianguan.tendering.opening.services import bid_unseal
from jianguan.tendering.services.clock import tenders_advance
from jianguan.tendering.tests.test_services import _keys, _publish, _seal, _submit, _tender


def _login(client, actor):
    client.force_login(actor.user)
    return client


def test_anonymous_goes_to_login(client, market):
    tender = _tender(market)
    for url in (
        reverse("tendering:index"),
        reverse("tendering:tender", args=[tender.pk]),
        reverse("tendering:bid", args=[tender.pk]),
    ):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=")


def test_draft_for_the_tenderer_only(client, market):
    draft = _tender(market, title="草稿中的招标项目")
    published = _publish(market, _tender(market, title="已发布的招标项目"))
    _login(client, market["owner"])
    r = client.get(reverse("tendering:index"))
    assert r.status_code == 200
    text = r.content.decode()
    assert draft.code in text and published.code in text and "草稿" in text
    r = client.get(reverse("tendering:tender", args=[draft.pk]))
    assert r.status_code == 200 and "草稿尚未发布招标文件" in r.content.decode()
    assert "在线投标" not in r.content.decode()  # the tenderer does not bid

    _login(client, market["bidders"][0])
    text = client.get(reverse("tendering:index")).content.decode()
    assert published.code in text and draft.code not in text
    assert client.get(reverse("tendering:tender", args=[draft.pk])).status_code == 404
    # the status filter
    text = client.get(reverse("tendering:index") + "?status=cancelled").content.decode()
    assert published.code not in text and "没有符合条件的招标项目" in text


def test_tender_page_for_a_bidder(client, market):
    tender = _publish(market, _tender(market))
    _login(client, market["bidders"][0])
    r = client.get(reverse("tendering:tender", args=[tender.pk]))
    text = r.content.decode()
    assert r.status_code == 200
    assert "在线投标" in text and reverse("tendering:bid", args=[tender.pk]) in text
    doc = tender.documents.get()
    assert reverse("public_tenders:document", args=[tender.code, doc.pk]) in text
    assert "施工总承包" in text and "29,800,000.00" in text and "500,000.00" in text
    assert "本单位尚未递交投标文件" in text
    # past the deadline: no bid button
    Tender.objects.filter(pk=tender.pk).update(bid_deadline=now() - dt.timedelta(seconds=1))
    text = client.get(reverse("tendering:tender", args=[tender.pk])).content.decode()
    assert 'id="btn-bid"' not in text


def test_bid_page_refuses_non_bidders_and_shows_the_key_flag(client, market):
    tender = _publish(market, _tender(market))
    url = reverse("tendering:bid", args=[tender.pk])
    _login(client, market["owner"])
    r = client.get(url)
    assert r.status_code == 403 and "投标" in r.content.decode()
    _login(client, market["actors"]["regulator"])
    assert client.get(url).status_code == 403

    bidder = market["bidders"][0]
    _login(client, bidder)
    r = client.get(url)
    text = r.content.decode()
    assert r.status_code == 200 and r.context["key_registered"] is False
    assert 'id="btn-generate"' in text and 'data-key-registered="0"' in text
    assert "tendering/sealer.js" in text and "tendering/bid.js" in text
    assert 'data-csrf="' in text
    _, public = _keys(bidder, tender)
    r = client.get(url)
    text = r.content.decode()
    assert (
        r.context["key_registered"] is True and r.context["public_pem"] == public.decode().strip()
    )
    assert 'id="key-registered"' in text and 'id="btn-generate"' not in text
    assert "BEGIN PUBLIC KEY" in text  # embedded for sealing (json_script)
    # another bidder has no key yet
    _login(client, market["bidders"][1])
    assert client.get(url).context["key_registered"] is False
    # a draft is not even visible to a bidder
    draft = _tender(market, title="草稿")
    assert client.get(reverse("tendering:bid", args=[draft.pk])).status_code == 404


def test_receipts_unseal_page_and_opening_record(client, market, tmp_path):
    tender = _publish(market, _tender(market))
    keys, bids = {}, {}
    for i, actor in enumerate(market["bidders"][:3]):
        private, public = _keys(actor, tender)
        keys[i] = private
        bids[i] = _submit(actor, tender, _seal(tmp_path, public, f"2950000{i}.00"))
    first = market["bidders"][0]
    _login(client, first)
    text = client.get(reverse("tendering:tender", args=[tender.pk])).content.decode()
    assert bids[0].receipt_number in text and bids[0].package_sm3 in text
    assert bids[1].receipt_number not in text  # only the own bid
    unseal_url = reverse("tendering:unseal", args=[bids[0].pk])
    r = client.get(unseal_url)
    assert r.status_code == 200 and r.context["may_unseal"] is False
    assert "当前不在解密时段内" in r.content.decode()
    assert "从不离开您的电脑" in r.content.decode()
    _login(client, market["bidders"][1])
    assert client.get(unseal_url).status_code == 404
    _login(client, market["owner"])
    assert client.get(unseal_url).status_code == 404

    # the deadline passes: the tender opens
    Tender.objects.filter(pk=tender.pk).update(
        bid_deadline=now() - dt.timedelta(seconds=1), next_check_at=now() - dt.timedelta(seconds=1)
    )
    assert tenders_advance() == 1
    _login(client, first)
    r = client.get(unseal_url)
    text = r.content.decode()
    assert r.context["may_unseal"] is True and 'id="id_private_key"' in text
    detail = client.get(reverse("tendering:tender", args=[tender.pk])).content.decode()
    assert unseal_url in detail
    from jianguan.tendering import sealer

    key = sealer.unwrap_data_key(package=bids[0].package.path, private_pem=keys[0])
    bid_unseal(actor=first, bid=bids[0], data_key_hex=key.hex())
    r = client.get(unseal_url)
    assert r.context["may_unseal"] is False and "29,500,000.00" in r.content.decode()
    # the tenderer sees the unsealed bid with its price; another bidder does not
    _login(client, market["owner"])
    detail = client.get(reverse("tendering:tender", args=[tender.pk])).content.decode()
    assert 'id="opening-record"' in detail and "29,500,000.00" in detail
    _login(client, market["bidders"][1])
    detail = client.get(reverse("tendering:tender", args=[tender.pk])).content.decode()
    assert 'id="opening-record"' not in detail


def test_objections_with_their_answer_state(client, market):
    from jianguan.tendering import services

    tender = _publish(market, _tender(market))
    filer, other = market["bidders"][0], market["bidders"][1]
    services.objection_file(actor=filer, tender=tender, text="资格条件设置不合理")
    url = reverse("tendering:tender", args=[tender.pk])
    _login(client, market["owner"])
    text = client.get(url).content.decode()
    assert "资格条件设置不合理" in text and "待答复" in text and "异议及答复" in text
    _login(client, filer)
    text = client.get(url).content.decode()
    assert "本单位的异议" in text and "资格条件设置不合理" in text
    _login(client, other)
    assert "资格条件设置不合理" not in client.get(url).content.decode()
