"""The committee draw through the services: conflicts excluded, commitment before names,
names hidden but for the officer, check-in with replacement, reveal and re-run."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from jianguan.core.actor import SYSTEM
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.experts import draw, services
from jianguan.experts.models import Committee, Expert, Member
from jianguan.ledger.models import LedgerEntry
from jianguan.ledger.selectors import entry_document
from jianguan.tendering.models import Tender
from jianguan.tendering.tests.test_award import _opened


def _pool(market, n_tech=9, n_econ=3):
    made = []
    for i in range(n_tech):
        made.append(
            services.expert_register(
                actor=SYSTEM,
                name=f"技术专家{i}",
                title="senior",
                experience_years=12,
                specialties_codes=["J01"],
            )
        )
    for i in range(n_econ):
        made.append(
            services.expert_register(
                actor=SYSTEM,
                name=f"经济专家{i}",
                title="senior_economist",
                experience_years=15,
                specialties_codes=["E01"],
            )
        )
    return made


def test_draw_commit_check_in_reveal(client, market, tmp_path, bearer):
    tender = _opened(market, tmp_path, ["28000000.00", "28100000.00", "28200000.00"])
    reg = market["actors"]["regulator"]
    experts = _pool(market)
    # one technical expert worked for a bidder two years ago: excluded (条例 / RULES.md)
    bidder_org = market["bidders"][0].organisation
    services.employment_add(
        actor=SYSTEM,
        expert=experts[0],
        organisation_code=bidder_org.credit_code,
        organisation_name=bidder_org.name,
        start=today_local() - dt.timedelta(days=1500),
        end=today_local() - dt.timedelta(days=700),
    )
    before = LedgerEntry.objects.count(), Member.objects.count()
    with pytest.raises(ValidationFailed) as exc:  # 9 technical needed, only 8 eligible
        services.committee_draw(actor=reg, tender=tender, needs=[("J01", 9), ("E01", 2)])
    assert exc.value.code in ("too_few_experts", "bad_composition")
    assert (LedgerEntry.objects.count(), Member.objects.count()) == before
    with pytest.raises(ValidationFailed) as exc:  # 4 + 2 = 6: not odd
        services.committee_draw(actor=reg, tender=tender, needs=[("J01", 4), ("E01", 2)])
    assert exc.value.code == "bad_composition"
    with pytest.raises(PermissionDenied):
        services.committee_draw(
            actor=market["owner"], tender=tender, needs=[("J01", 3), ("E01", 2)]
        )
    committee = services.committee_draw(actor=reg, tender=tender, needs=[("J01", 3), ("E01", 2)])
    drawn = list(committee.members.values_list("expert_id", flat=True))
    assert len(drawn) == 5 and experts[0].pk not in drawn
    assert str(experts[0].pk) in committee.excluded
    entry = LedgerEntry.objects.filter(type="experts.draw_committed").get()
    payload = entry_document(entry)["payload"]
    assert payload["commitment"] == committee.commitment
    assert "seed" not in payload and not any(
        e.name in json.dumps(payload, ensure_ascii=False) for e in experts
    )
    # names: only the officer until the award; the committee itself only to those in it
    url = f"/api/v1/experts/committees/{committee.pk}"
    assert all(m["name"] for m in client.get(url, headers=bearer(reg)).json()["members"])
    other = client.get(url, headers=bearer(market["owner"]))
    assert other.status_code == 404 and other.json()["code"] == "committee_not_found"
    with pytest.raises(Conflict):
        services.committee_draw(actor=reg, tender=tender, needs=[("J01", 3), ("E01", 2)])
    # a declined expert is replaced by the next alternate of the same specialty
    first = committee.members.get(order=1)
    with pytest.raises(ValidationFailed):
        services.member_check_in(actor=reg, member=first, present=False)
    services.member_check_in(actor=reg, member=first, present=False, note="与投标人存在利害关系")
    assert committee.members.exclude(status="declined").count() == 5
    replacement = committee.members.order_by("-order").first()
    assert replacement.specialty == first.specialty and replacement.expert_id not in drawn
    for m in committee.members.filter(status="drawn"):
        services.member_check_in(actor=reg, member=m, present=True)
    with pytest.raises(Conflict):
        services.committee_reveal(actor=reg, committee=committee)
    Tender.objects.filter(pk=tender.pk).update(status="awarded")
    committee = services.committee_reveal(
        actor=reg, committee=Committee.objects.get(pk=committee.pk)
    )
    # revealed: those who see the committee see the names and the seed; the tenderer still
    # gets the committee's 404 (it receives the evaluation report and the publicity instead)
    revealed = client.get(url, headers=bearer(reg)).json()
    assert revealed["seed"] == committee.seed_hex and all(m["name"] for m in revealed["members"])
    assert client.get(url, headers=bearer(market["owner"])).status_code == 404
    # anyone can re-run: the same seed over the same snapshot gives the same first draw
    assert (
        draw.commitment(
            pool_digest=committee.pool_digest,
            seed_hex=committee.seed_hex,
            at_iso=payload["at"],
            officer=committee.officer,
        )
        == committee.commitment
    )


def test_register_bad_input(market):
    with pytest.raises(ValidationFailed) as exc:
        services.expert_register(
            actor=SYSTEM, name="张三", title="senior", experience_years=5, specialties_codes=["J01"]
        )
    assert exc.value.code == "experience_too_short"
    with pytest.raises(ValidationFailed) as exc:
        services.expert_register(
            actor=SYSTEM,
            name="张三",
            title="senior",
            experience_years=10,
            specialties_codes=["X99"],
        )
    assert exc.value.code == "unknown_specialty"
    with pytest.raises(PermissionDenied):
        services.expert_register(
            actor=market["owner"],
            name="张三",
            title="senior",
            experience_years=10,
            specialties_codes=["J01"],
        )
    assert not Expert.objects.exists()
