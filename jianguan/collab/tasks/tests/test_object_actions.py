""" "新建任务" on the pages of what a task may be about (a rectification order, a variation, a
payment claim, a clash): shown to a person of a project party who may work on tasks, with the
link filled in on the new task's form; not shown to the regulator, who is no party."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jianguan.accounts.models import Membership, User
from jianguan.bim.models import Clash
from jianguan.compliance.models import RectificationOrder
from jianguan.contracts.models import PaymentClaim, Variation

pytestmark = pytest.mark.django_db


def _staff_of(organisation_id: int) -> User:
    m = (
        Membership.objects.filter(organisation_id=organisation_id, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return m.user


def _regulator() -> User:
    m = Membership.objects.filter(organisation__kind="regulator", is_active=True).order_by("pk")
    return m.first().user


def _pages():
    v = Variation.objects.select_related("contract").order_by("pk").first()
    claim = PaymentClaim.objects.select_related("contract").order_by("pk").first()
    order = RectificationOrder.objects.select_related("project").order_by("pk").first()
    clash = Clash.objects.order_by("pk").first()
    return [
        (
            "contracts.variation",
            v,
            reverse("contracts:variation", args=[v.pk]),
            v.contract.project_id,
            v.contract.contractor_id,
        ),
        (
            "contracts.payment_claim",
            claim,
            reverse("contracts:claim", args=[claim.pk]),
            claim.contract.project_id,
            claim.contract.contractor_id,
        ),
        (
            "compliance.finding",
            order,
            reverse("compliance:order", args=[order.pk]),
            order.project_id,
            order.project.owner_id,
        ),
        (
            "bim.clash",
            clash,
            reverse("bim:clash", args=[clash.pk]),
            clash.project_id,
            clash.project.owner_id,
        ),
    ]


def test_a_party_gets_a_new_task_button_that_fills_the_link(client, demo_district):
    for kind, obj, url, project_id, party_org in _pages():
        client.force_login(_staff_of(party_org))
        page = client.get(url)
        assert page.status_code == 200, (kind, page.status_code)
        new = reverse("collab_tasks:new", args=[project_id]) + f"?link={kind}:{obj.pk}"
        html = page.content.decode()
        assert f'href="{new}"' in html and "新建任务" in html, kind
        form = client.get(new)
        assert form.status_code == 200
        assert f'value="{kind}:{obj.pk}"' in form.content.decode(), kind


def test_no_button_for_who_is_no_party(client, demo_district):
    client.force_login(_regulator())
    seen = 0
    for kind, _obj, url, _project_id, _party in _pages():
        page = client.get(url)
        if page.status_code == 200:  # the regulator reads these pages, but works no task
            seen += 1
            assert 'data-object-action="collab_tasks.new"' not in page.content.decode(), kind
    assert seen >= 2
