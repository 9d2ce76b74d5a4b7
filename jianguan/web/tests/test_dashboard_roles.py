"""Role dashboards (issue 16): on the demo district, each persona gets its own panels and not
the others', every link on its dashboard opens for it, the figures are the database's, and the
page costs a bounded number of queries whatever the district holds."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db.models import Sum

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import User
from jianguan.core.timeutil import today_local

pytestmark = pytest.mark.django_db

SEATED = "seated-expert"  # resolved on the district: an expert who sat on a committee
PANELS = {
    "organisations",
    "projects",
    "compliance",
    "tendering",
    "contracts_money",
    "contracts_reviews",
    "contracts_claims",
    "experts_committees",
    "hazard_stats",
    "collab_rfis_escalated",
}
# persona -> the panels its dashboard shows (all others must be absent)
EXPECTED = {
    "regulator": {
        "organisations",
        "projects",
        "compliance",
        "tendering",
        "contracts_claims",
        "hazard_stats",
        "collab_rfis_escalated",  # the demo's unanswered letter, escalated to the regulator
    },
    "owner": {"projects", "tendering", "contracts_money"},
    "contractor": {"projects", "compliance", "contracts_claims"},
    "subcontractor": {"projects", "compliance", "contracts_claims"},
    "supervisor": {"projects"},
    "designer": {"projects"},
    "agency": {"projects", "tendering"},
    "finance": {"contracts_reviews"},
    "auditor": {"contracts_reviews"},
    "insurer": set(),
    "expert1": {"experts_committees"},  # a demo login never drawn yet: an empty panel
    SEATED: {"experts_committees"},
}
# The to-do providers and the recent-actions list come on top of the panels; the bound holds
# the whole page (a per-row query anywhere would break it on the demo's hundreds of rows).
MAX_QUERIES = 60


def _seated_expert() -> str:
    from jianguan.experts.models import Member

    seat = (
        Member.objects.filter(status="checked_in", expert__user__isnull=False)
        .order_by("committee_id", "order")
        .select_related("expert__user")
        .first()
    )
    assert seat is not None, "the demo district has a committee that sat"
    user = seat.expert.user
    # The demo gives a drawn expert's login its personal expert role (experts/demo.py).
    assert any("expert" in m.roles for m in user.memberships.filter(is_active=True))
    return user.username


def _actor(username):
    return actor_for(User.objects.get(username=username))


def _get(client, username, url="/"):
    client.force_login(User.objects.get(username=username))
    return client.get(url)


def _panels(html: str) -> set[str]:
    return set(re.findall(r'data-panel="([a-z_]+)"', html))


def _text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert match, element_id
    return match.group(1).strip()


def _panel(html: str, key: str) -> str:
    start = html.index(f'data-panel="{key}"')
    end = html.find("data-panel=", start + 1)
    return html[start : end if end > 0 else len(html)]


def _links(html: str) -> list[str]:
    """Every page the dashboard links to (static files and in-page anchors left out)."""
    hrefs = {h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"]*)"', html)}
    return sorted(h for h in hrefs if not h.startswith("/static/"))


def _wan(value) -> str:
    d = (Decimal(value or 0) / 10000).quantize(Decimal("0.01"))
    return f"{d:,.2f}"


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_persona_gets_its_panels_and_every_link_opens(
    demo_district, client, username, django_assert_max_num_queries
):
    expected = EXPECTED[username]
    if username == SEATED:
        username = _seated_expert()
    user = User.objects.get(username=username)
    client.force_login(user)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    # the to-do list and the recent actions stay first
    assert html.index('data-testid="todo"') < html.index("data-panel=") if _panels(html) else True
    assert _panels(html) == expected
    assert ('id="org-counts"' in html) == (username == "regulator")  # once, the regulator's
    broken = []
    for url in _links(html):
        answer = client.get(url)
        if answer.status_code != 200:
            broken.append((url, answer.status_code))
    assert broken == []


def test_regulator_sees_the_district_with_the_databases_numbers(demo_district, client):
    from jianguan.compliance.models import RectificationOrder, Sanction
    from jianguan.contracts.models import PaymentClaim
    from jianguan.projects.models import Project
    from jianguan.tendering.models import Tender
    from jianguan.tendering.selectors import IN_PROGRESS

    html = _get(client, "regulator").content.decode()
    assert "全区项目" in html and "全区整改与处罚" in html and "全区在途招标" in html
    assert _text(html, "project-total") == str(Project.objects.count())
    today = today_local()
    open_ = RectificationOrder.objects.exclude(status="passed")
    assert _text(html, "orders-open") == str(open_.count())
    assert _text(html, "orders-overdue") == str(open_.filter(due_on__lt=today).count())
    in_force = Sanction.objects.filter(
        status="active", effective_from__lte=today, effective_to__gte=today
    )
    assert _text(html, "sanctions-in-force") == str(in_force.count())
    assert _text(html, "tenders-in-progress") == str(
        Tender.objects.filter(status__in=IN_PROGRESS).count()
    )
    # each stage × level cell links to the register filtered the same way, with that count
    cell = re.search(r'href="/projects/\?stage=(\w+)&amp;warning_level=(\d)">(\d+)<', html)
    stage, level, n = cell.groups()
    assert Project.objects.filter(stage=stage, warning_level=int(level)).count() == int(n)
    # payment reviews pending, by stage of the chain
    finance = PaymentClaim.objects.filter(status="finance").count()
    assert f'href="/contracts/?claim_status=finance">财政评审中 <strong>{finance}<' in html


def test_a_contractor_sees_its_own_orders_claims_and_credit_not_the_districts(
    demo_district, client
):
    from jianguan.compliance.models import RectificationOrder
    from jianguan.compliance.selectors_credit import credit_score_provider
    from jianguan.contracts.models import PaymentClaim

    actor = _actor("contractor")
    html = _get(client, "contractor").content.decode()
    assert "本单位整改与信用" in html and "全区整改与处罚" not in html
    own = RectificationOrder.objects.filter(responsible_organisation_id=actor.organisation_id)
    assert _text(html, "orders-open") == str(own.exclude(status="passed").count())
    # the links carry ?mine=1, so the list shows the same orders as the count
    assert 'href="/compliance/?open=1&amp;mine=1"' in html
    claims = PaymentClaim.objects.filter(contract__contractor_id=actor.organisation_id).exclude(
        status="draft"
    )
    assert claims.exists()
    assert _text(html, "claims-total") == str(claims.count())
    score = credit_score_provider(actor.organisation, today_local())
    assert score is not None and f"{score} 分" in html
    assert "各类机构数量" not in html and "全区" not in html


def test_an_owner_sees_only_its_own_projects_money(demo_district, client):
    from jianguan.contracts.models import Contract, Payment
    from jianguan.projects.models import Project

    actor = _actor("owner")
    html = _get(client, "owner").content.decode()
    panel = _panel(html, "contracts_money")
    assert "金额单位：万元" in panel and "元）" not in panel  # one unit: 万元 throughout
    mine = Project.objects.filter(owner_id=actor.organisation_id)
    assert _text(html, "money-budget") == _wan(mine.aggregate(s=Sum("budget"))["s"])
    contracts = Contract.objects.filter(employer_id=actor.organisation_id, parent__isnull=True)
    contract = contracts.aggregate(s=Sum("current_value"))["s"]
    paid = Payment.objects.filter(claim__contract__in=contracts).aggregate(s=Sum("amount"))["s"]
    assert paid
    assert _text(html, "money-contract") == _wan(contract)
    assert _text(html, "money-paid") == _wan(paid)
    assert _text(html, "money-due") == _wan(contract - paid)
    table = html[html.index('id="money-by-project"') :]
    table = table[: table.index("</table>")]
    for other in Project.objects.exclude(owner_id=actor.organisation_id).order_by("pk")[:50]:
        assert f"/projects/{other.pk}/" not in table


def test_finance_and_auditor_see_their_queue_and_cut_totals(demo_district, client):
    from jianguan.contracts.models import PaymentClaim, Review

    for username, stage, party in (
        ("finance", "finance", "finance_bureau"),
        ("auditor", "audit", "auditor"),
    ):
        actor = _actor(username)
        html = _get(client, username).content.decode()
        queue = PaymentClaim.objects.filter(
            status=stage, **{f"contract__{party}_id": actor.organisation_id}
        )
        assert _text(html, "review-queue-count") == str(queue.count())
        for claim in queue[:8]:
            assert f'href="/contracts/claims/{claim.pk}/"' in html
        done = Review.objects.filter(
            organisation_id=actor.organisation_id, submitted_at__isnull=False
        )
        assert _text(html, "reviews-done") == str(done.count())
        assert _text(html, "cut-total") == _wan(done.aggregate(s=Sum("reduction"))["s"])
    # finance's draft cuts stay under embargo: the auditor's total is its own reviews only
    assert Review.objects.filter(stage="finance", submitted_at__isnull=False).exists()


def test_an_expert_sees_its_committees_and_nothing_embargoed(demo_district, client):
    from jianguan.experts.models import Member

    user = User.objects.get(username=_seated_expert())
    seats = Member.objects.filter(expert__user=user).select_related("committee")
    assert seats.exists()
    html = _get(client, user.username).content.decode()
    assert _text(html, "seats-total") == str(seats.count())
    for seat in seats:
        assert f'href="/experts/committees/{seat.committee_id}/"' in html
        # the other members' names are secret until the award: none of them is on the page
        others = Member.objects.filter(committee_id=seat.committee_id).exclude(pk=seat.pk)
        for other in others.select_related("expert"):
            assert other.expert.name not in html
    assert "全区" not in html and "各类机构数量" not in html and "进度款" not in html


def test_the_filtered_lists_show_what_the_counts_say(demo_district, client):
    from jianguan.compliance.models import RectificationOrder
    from jianguan.contracts.models import PaymentClaim
    from jianguan.tendering.models import Tender

    actor = _actor("contractor")
    html = _get(client, "contractor", "/compliance/?open=1&mine=1").content.decode()
    rows = html[html.index('id="orders"') :].split("</table>")[0].count('href="/compliance/orders/')
    own = RectificationOrder.objects.filter(responsible_organisation_id=actor.organisation_id)
    assert rows == own.exclude(status="passed").count()
    html = _get(client, "regulator", "/compliance/?overdue=1").content.decode()
    rows = html[html.index('id="orders"') :].split("</table>")[0].count('href="/compliance/orders/')
    late = RectificationOrder.objects.exclude(status="passed").filter(due_on__lt=today_local())
    assert rows == min(late.count(), 200)
    # contracts with a claim at the finance review
    html = _get(client, "regulator", "/contracts/?claim_status=finance").content.decode()
    expected = set(
        PaymentClaim.objects.filter(status="finance").values_list("contract__number", flat=True)
    )
    assert expected and all(number in html for number in expected)
    assert "仅显示有“财政评审中”进度款申请的合同" in html
    # an owner's own tenders only
    owner = _actor("owner")
    html = _get(client, "owner", "/tendering/?mine=1").content.decode()
    for tender in Tender.objects.exclude(tenderer_id=owner.organisation_id).exclude(status="draft")[
        :20
    ]:
        if tender.agency_id != owner.organisation_id:
            assert f'href="/tendering/{tender.pk}/"' not in html
