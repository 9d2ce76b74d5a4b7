"""Expert draw: conflicts, determinism, commitment, replacement, composition. No database."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace as dc_replace
from datetime import date
from fractions import Fraction

import pytest

from jianguan.experts.draw import (
    DrawError,
    Employment,
    Seat,
    check_composition,
    commitment,
    draw,
    exclusions,
    new_seed,
    pool_snapshot,
    rank_key,
    replace,
    verify,
)
from jianguan.experts.tests.draw_fixtures import (
    AGENCY,
    BIDDER_A,
    BIDDER_B,
    SEED,
    TENDERER,
    cand,
    pool,
    req,
)

# --- conflicts ------------------------------------------------------------------------------


def test_clean_candidate_is_eligible():
    assert exclusions(cand(1), req()) == []


@pytest.mark.parametrize(
    ("org", "role"),
    [(TENDERER, "招标人"), (AGENCY, "招标代理机构"), (BIDDER_A, "投标人")],
)
def test_current_employment_by_party_excludes(org, role):
    c = cand(1, employments=(Employment(org, date(2020, 1, 1), None),))
    assert exclusions(c, req()) == [f"近3年曾受雇于{role} {org}"]


def test_employment_ended_two_years_ago_excludes():
    c = cand(1, employments=(Employment(BIDDER_B, date(2015, 1, 1), date(2023, 6, 10)),))
    assert exclusions(c, req()) == [f"近3年曾受雇于投标人 {BIDDER_B}"]


def test_employment_ended_four_years_ago_does_not_exclude():
    c = cand(1, employments=(Employment(BIDDER_B, date(2015, 1, 1), date(2021, 6, 10)),))
    assert exclusions(c, req()) == []


def test_employment_boundary_is_exactly_three_years():
    # Cut-off = 2022-06-10: ending on that day still overlaps the window, the day before does not.
    on_edge = cand(1, employments=(Employment(BIDDER_A, date(2010, 1, 1), date(2022, 6, 10)),))
    before = cand(2, employments=(Employment(BIDDER_A, date(2010, 1, 1), date(2022, 6, 9)),))
    assert exclusions(on_edge, req()) and not exclusions(before, req())


def test_employment_by_unrelated_firm_does_not_exclude():
    c = cand(1, employments=(Employment("91110000OTHER00000", date(2020, 1, 1), None),))
    assert exclusions(c, req()) == []


def test_declared_relative_excludes():
    c = cand(1, related_organisations=frozenset({BIDDER_A}))
    assert exclusions(c, req()) == [f"与投标人存在申报的亲属或利害关系：{BIDDER_A}"]


@pytest.mark.parametrize(
    ("flag", "reason"),
    [
        ({"regulator_staff": True}, "为行政监督部门工作人员"),
        ({"punished_for_tendering": True}, "因招标投标违法行为受过处罚"),
        ({"suspended": True}, "暂停或不可用"),
        ({"available": False}, "暂停或不可用"),
    ],
)
def test_status_flags_exclude(flag, reason):
    assert exclusions(cand(1, **flag), req()) == [reason]


def test_seat_limit_within_window():
    two_recent = (Seat(TENDERER, date(2025, 1, 5)), Seat(TENDERER, date(2024, 6, 10)))
    assert exclusions(cand(1, seats=two_recent), req()) == ["近365日内为同一招标人评标已达2次"]
    # 2024-06-09 is 366 days before 2025-06-10: outside the window, so only one seat counts.
    one_old = (Seat(TENDERER, date(2025, 1, 5)), Seat(TENDERER, date(2024, 6, 9)))
    assert exclusions(cand(2, seats=one_old), req()) == []
    other_tenderer = (Seat("91110000OTHER00000", date(2025, 1, 5)),) * 5
    assert exclusions(cand(3, seats=other_tenderer), req()) == []


def test_all_reasons_are_listed():
    c = cand(1, regulator_staff=True, suspended=True, related_organisations=frozenset({TENDERER}))
    assert len(exclusions(c, req())) == 3


def test_pool_snapshot_splits_and_hashes():
    cands = [*pool(), cand(99, punished_for_tendering=True)]
    digest, eligible, excluded = pool_snapshot(cands, req())
    assert 99 not in eligible and excluded == {99: ["因招标投标违法行为受过处罚"]}
    assert eligible == sorted(eligible) and len(digest) == 64
    # Order of the input does not matter; a different request does.
    assert pool_snapshot(list(reversed(cands)), req())[0] == digest
    assert pool_snapshot(cands, req(tender="DX-2025-002"))[0] != digest


# --- draw -----------------------------------------------------------------------------------


def test_draw_is_deterministic_and_verifies():
    r = req()
    a = draw(pool(), r, seed=SEED)
    assert a == draw(list(reversed(pool())), r, seed=SEED)
    assert [s for s, _ in a.members] == ["civil"] * 3 + ["cost"] * 2
    assert len({cid for _, cid in a.members}) == 5  # nobody drawn twice
    assert verify(pool(), r, seed=SEED, result=a)
    other = draw(pool(), r, seed=hashlib.sha256(b"other").digest())
    assert not verify(pool(), r, seed=SEED, result=other)
    assert not verify(pool(), r, seed=SEED, result=dc_replace(a, pool_digest="0" * 64))


def test_draw_follows_hmac_rank_order():
    a = draw(pool(), req(), seed=SEED)
    civil_ids = [c.id for c in pool() if "civil" in c.specialties]
    expected = sorted(civil_ids, key=lambda i: rank_key(SEED, "civil", i))
    assert [cid for s, cid in a.members if s == "civil"] == expected[:3]
    assert dict(a.alternates)["civil"] == tuple(expected[3:6])


def test_excluded_candidate_is_never_drawn():
    cands = [cand(i, related_organisations=frozenset({BIDDER_A})) for i in range(1, 4)]
    cands += [cand(i) for i in range(4, 8)]
    for n in range(30):
        res = draw(cands, req(needs=(("civil", 3),)), seed=hashlib.sha256(bytes([n])).digest())
        assert {cid for _, cid in res.members} <= {4, 5, 6, 7}


def test_too_few_raises_and_returns_nothing():
    cands = [cand(i, "cost") for i in range(1, 3)] + [cand(9, "cost", regulator_staff=True)]
    with pytest.raises(DrawError) as e:
        draw(cands, req(needs=(("cost", 3),)), seed=SEED)
    assert e.value.code == "too_few_experts"
    assert (
        "「cost」" in e.value.message and "2名" in e.value.message and "需要3名" in e.value.message
    )


def test_too_few_after_earlier_specialty_took_the_shared_expert():
    # Only candidate 20 has "cost"; if the civil draw takes it first the cost draw must fail loudly.
    cands = [cand(20, "civil", "cost")]
    with pytest.raises(DrawError, match="已在前序专业中抽中"):
        draw(cands, req(needs=(("civil", 1), ("cost", 1))), seed=SEED)


def test_bad_requests():
    with pytest.raises(DrawError) as e:
        draw(pool(), req(needs=(("civil", 1), ("civil", 1))), seed=SEED)
    assert e.value.code == "bad_request"
    with pytest.raises(DrawError):
        draw(pool(), req(needs=(("civil", 0),)), seed=SEED)
    with pytest.raises(DrawError) as e:
        draw(pool(), req(), seed=b"short")
    assert e.value.code == "bad_seed"


def test_new_seed_is_32_random_bytes():
    a, b = new_seed(), new_seed()
    assert len(a) == 32 and a != b


def test_commitment_changes_with_every_input():
    base = dict(
        pool_digest="ab" * 32, seed_hex="cd" * 32, at_iso="2025-06-10T09:00:00+08:00", officer="u7"
    )
    ref = commitment(**base)
    assert ref == commitment(**base) and len(ref) == 64
    for key in base:
        assert commitment(**{**base, key: base[key] + "x"}) != ref, key


# --- replacement ----------------------------------------------------------------------------


def test_replace_takes_next_alternate_and_verifies():
    r = req()
    res = draw(pool(), r, seed=SEED)
    civil_alts = dict(res.alternates)["civil"]
    first_civil = res.members[0][1]
    new, got = replace(pool(), r, seed=SEED, result=res, declined_id=first_civil)
    assert got == civil_alts[0]
    assert new.members[0] == ("civil", got)  # the seat keeps its position
    assert got not in dict(new.alternates)["civil"]
    assert new.replacements == (("civil", first_civil, got),)
    assert verify(pool(), r, seed=SEED, result=new)
    # A second decline moves on to the following alternate.
    _, got2 = replace(pool(), r, seed=SEED, result=new, declined_id=got)
    assert got2 == civil_alts[1]


def test_replace_skips_alternate_with_conflict_declared_at_check_in():
    r = req()
    res = draw(pool(), r, seed=SEED)
    alts = dict(res.alternates)["civil"]
    cands = [
        dc_replace(c, related_organisations=frozenset({BIDDER_A})) if c.id == alts[0] else c
        for c in pool()
    ]
    _, got = replace(cands, r, seed=SEED, result=res, declined_id=res.members[0][1])
    assert got == alts[1]


def test_replace_errors():
    r = req(alternates_per_specialty=1)
    res = draw(pool(), r, seed=SEED)
    with pytest.raises(DrawError) as e:
        replace(pool(), r, seed=SEED, result=res, declined_id=12345)
    assert e.value.code == "not_a_member"
    cost_ids = [cid for s, cid in res.members if s == "cost"]
    res, _ = replace(pool(), r, seed=SEED, result=res, declined_id=cost_ids[0])
    with pytest.raises(DrawError) as e:
        replace(pool(), r, seed=SEED, result=res, declined_id=cost_ids[1])
    assert e.value.code == "no_alternate_left" and "补充抽取" in e.value.message


# --- composition ----------------------------------------------------------------------------


def test_composition_five_experts_ok():
    assert check_composition(experts=5, economic=2, tenderer_reps=0) == []
    assert check_composition(experts=4, economic=1, tenderer_reps=1) == []  # 4/5 ≥ 2/3


def test_composition_even_is_not_odd():
    (msg,) = check_composition(experts=6, economic=2, tenderer_reps=0)
    assert "单数" in msg and "招标投标法第三十七条" in msg


def test_composition_too_small():
    problems = check_composition(experts=3, economic=1, tenderer_reps=0)
    assert any("少于5人" in p for p in problems)


def test_composition_two_tenderer_reps_of_five_is_too_many():
    # 2/5 > 1/3 for the reps, and 3/5 < 2/3 for the experts: both rules speak.
    problems = check_composition(experts=3, economic=1, tenderer_reps=2)
    assert len(problems) == 2
    assert "招标人代表2人" in problems[0]
    assert "条例第四十六条" in problems[1]


def test_composition_seven_with_two_reps_ok_and_exact_fractions():
    assert check_composition(experts=5, economic=2, tenderer_reps=2) == []  # 2/7 ≤ 1/3
    # 9 members, 3 reps: exactly 1/3 and 6/9 = 2/3 exactly, allowed.
    assert check_composition(experts=6, economic=2, tenderer_reps=3) == []
    strict = check_composition(
        experts=6, economic=2, tenderer_reps=3, tenderer_rep_share_max=Fraction(1, 4)
    )
    assert strict and "招标人代表3人" in strict[0]


def test_composition_economic_minimum_and_bad_counts():
    assert check_composition(experts=5, economic=0, tenderer_reps=0, min_economic=1)
    assert check_composition(experts=5, economic=6, tenderer_reps=0)  # more economic than experts


# --- statistics -----------------------------------------------------------------------------


def test_draw_frequency_is_uniform():
    """2,000 draws of 1 from 10: each expected 200 times.

    Chi-square with 9 degrees of freedom: P(χ² > 45) ≈ 9e-7 (computed from the regularised gamma
    function), so a fair draw fails about once in a million runs. The bound catches gross bias:
    ranking by id (always candidate 1) gives χ² = 1800²/200 + 9 × 200 = 18,000, and one candidate
    at double frequency (400) gives χ² ≳ 200.
    """
    cands = [cand(i) for i in range(1, 11)]
    r = req(needs=(("civil", 1),))
    counts = Counter(draw(cands, r, seed=new_seed()).members[0][1] for _ in range(2000))
    assert set(counts) == set(range(1, 11))
    chi2 = sum((counts[i] - 200) ** 2 / 200 for i in range(1, 11))
    assert chi2 < 45, counts
