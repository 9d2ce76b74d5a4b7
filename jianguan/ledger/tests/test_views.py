"""Pages: the 履历 (history) panel's verified marks and the regulator's ledger page."""

from __future__ import annotations

import re

import pytest

from jianguan.accounts import services as accounts
from jianguan.accounts.tests.factories import _code
from jianguan.ledger.models import LedgerEntry, TreeHead
from jianguan.ledger.services import current_tree, tree_head_sign
from jianguan.ledger.tests.conftest import drop_guard

pytestmark = pytest.mark.django_db


def _panel_items(html: str) -> dict[int, str]:
    """{entry index: "已校验" | "待签"} for each row of the history panel."""
    panel = html[html.index('data-testid="ledger-history"') :]
    out = {}
    for item in panel.split('class="list-group-item"')[1:]:
        index = re.search(r"#(\d+)</span>", item)
        if index is None:
            continue
        marks = [m for m in ("已校验", "待签") if f"</i> {m}</span>" in item]
        assert len(marks) == 1, item
        out[int(index.group(1))] = marks[0]
    return out


@pytest.fixture
def registered(regulator):
    """An organisation registered and then edited through the services (two entries)."""
    org = accounts.organisation_create(
        actor=regulator,
        name="北京履历测试建设有限公司",
        kind="general_contractor",
        credit_code=_code(8801),
        legal_representative="王五",
    )
    accounts.organisation_update(
        actor=regulator, organisation=org, name="北京履历测试建设有限公司（更名）"
    )
    return org


def _entries(org) -> list[int]:
    return list(
        LedgerEntry.objects.filter(object_model="organisation", object_id=str(org.pk))
        .order_by("index")
        .values_list("index", flat=True)
    )


def test_history_panel_marks_signed_entries_verified_and_later_ones_pending(
    client, regulator, registered
):
    tree_head_sign()
    accounts.organisation_update(actor=regulator, organisation=registered, is_active=False)
    first, second, third = _entries(registered)

    client.force_login(regulator.user)
    response = client.get(f"/accounts/organisations/{registered.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "履历" in html
    assert _panel_items(html) == {first: "已校验", second: "已校验", third: "待签"}
    assert "organisation.created" in html and "organisation.updated" in html

    tree_head_sign()  # the next signed head covers the third entry too
    html = client.get(f"/accounts/organisations/{registered.pk}/").content.decode()
    assert set(_panel_items(html).values()) == {"已校验"}


def test_history_panel_without_any_head_shows_pending(client, regulator, registered):
    assert not TreeHead.objects.exists()
    client.force_login(regulator.user)
    html = client.get(f"/accounts/organisations/{registered.pk}/").content.decode()
    assert set(_panel_items(html).values()) == {"待签"}


def test_a_tampered_entry_loses_its_verified_mark(client, regulator, registered):
    tree_head_sign()
    first, second = _entries(registered)
    drop_guard("ledger_ledgerentry")
    entry = LedgerEntry.objects.get(index=second)
    LedgerEntry.objects.filter(pk=entry.pk).update(
        leaf_input=bytes(entry.leaf_input).replace("更名".encode(), "改名".encode())
    )
    client.force_login(regulator.user)
    html = client.get(f"/accounts/organisations/{registered.pk}/").content.decode()
    assert _panel_items(html) == {first: "已校验", second: "待签"}


def test_history_panel_signature_must_verify(client, regulator, registered):
    """A head whose signature does not check out verifies nothing."""
    head = tree_head_sign()
    drop_guard("ledger_treehead")
    TreeHead.objects.filter(pk=head.pk).update(signature="AAAA")
    client.force_login(regulator.user)
    html = client.get(f"/accounts/organisations/{registered.pk}/").content.decode()
    assert set(_panel_items(html).values()) == {"待签"}


# --- the regulator's ledger page -------------------------------------------------------------


def test_ledger_page_shows_the_signed_head_and_searches_by_object(client, regulator, registered):
    client.force_login(regulator.user)
    response = client.get("/ledger/")
    assert response.status_code == 200
    html = response.content.decode()
    state = current_tree()
    head = TreeHead.objects.first()
    assert head is not None and head.tree_size == state.size  # the page signs a fresh head
    assert head.root_hash in html and "签名有效" in html
    assert re.search(rf'id="head-size">{state.size}<', html)

    html = client.get(
        "/ledger/", {"object_model": "organisation", "object_id": str(registered.pk)}
    ).content.decode()
    rows = re.findall(r'<td data-object="([\w.]+#\w+)">', html)
    assert rows == [f"accounts.organisation#{registered.pk}"] * 2
    # people read the object's kind and name, not the app.model#id reference
    assert registered.name in html and f">accounts.organisation#{registered.pk}<" not in html
    assert "共 2 条" in html

    html = client.get("/ledger/", {"type": "organisation.updated"}).content.decode()
    assert "organisation.updated" in html and "user.created" not in html


def test_ledger_page_pagination_keeps_the_search(client, regulator, append):
    append(35, type="test.paged")
    client.force_login(regulator.user)
    html = client.get("/ledger/", {"type": "test.paged"}).content.decode()
    assert "共 35 条" in html
    link = re.search(r'href="(\?[^"]*page=2[^"]*)"', html)
    assert link is not None and "type=test.paged" in link.group(1).replace("&amp;", "&")


def test_ledger_page_is_for_regulators_and_auditors_only(client, contractor, auditor):
    client.force_login(contractor.user)
    assert client.get("/ledger/").status_code == 403
    client.force_login(auditor.user)
    assert client.get("/ledger/").status_code == 200


def test_ledger_page_needs_login(client, db):
    response = client.get("/ledger/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_history_verification_reads_a_constant_number_of_queries(
    org, append, django_assert_max_num_queries
):
    from jianguan.ledger import selectors

    append(3)
    append(40, obj=org, type="test.many")
    head = tree_head_sign()
    with django_assert_max_num_queries(3):  # entries, the head's key, all proof nodes
        items = selectors.history_verified(org, head)
    assert len(items) == 43 and all(item.verified for item in items)


def test_ledger_page_without_a_signing_key(client, regulator, settings, tmp_path):
    settings.LEDGER_SIGNING_KEY = str(tmp_path / "absent.pem")
    client.force_login(regulator.user)
    response = client.get("/ledger/")
    assert response.status_code == 200
    assert 'id="head-missing"' in response.content.decode()
