"""Expert draw, the exact messages and the edges that mutation testing (issue 14, `make mutation`)
asked for: every error names its cause, boundaries of the look-back and seat windows."""

from __future__ import annotations

import hashlib
from dataclasses import replace as dc_replace
from datetime import date
from fractions import Fraction

import pytest

from jianguan.experts.draw import (
    Candidate,
    DrawError,
    Employment,
    Seat,
    canonical_json,
    check_composition,
    draw,
    exclusions,
    replace,
    verify,
)
from jianguan.experts.tests.draw_fixtures import (
    AGENCY,
    BIDDER_A,
    BIDDER_B,
    ON,
    SEED,
    TENDERER,
    cand,
    pool,
    req,
)

# --- mutation testing (issue 14, `make mutation`): exact messages and the edges -------------


def raised(fn, *args, **kw) -> tuple[str, str]:
    with pytest.raises(DrawError) as e:
        fn(*args, **kw)
    assert str(e.value) == e.value.message
    return e.value.code, e.value.message


def test_bad_request_and_seed_messages_exact():
    assert raised(draw, pool(), req(needs=()), seed=SEED) == ("bad_request", "抽取需求为空")
    assert raised(draw, pool(), req(needs=(("civil", 1), ("civil", 2))), seed=SEED) == (
        "bad_request",
        "抽取需求中专业重复，请合并为一项",
    )
    assert raised(draw, pool(), req(needs=(("civil", 0),)), seed=SEED) == (
        "bad_request",
        "专业「civil」抽取人数须至少为1，现为0",
    )
    assert raised(draw, [cand(1), cand(1)], req(needs=(("civil", 1),)), seed=SEED) == (
        "bad_request",
        "专家库快照中存在重复的专家编号",
    )
    assert raised(draw, pool(), req(), seed=bytes(15)) == (
        "bad_seed",
        "随机种子长度不足（至少16字节）",
    )
    # 16 bytes is enough, and a need of exactly 1 is allowed (条例 46 names no minimum here).
    assert len(draw(pool(), req(needs=(("civil", 1),)), seed=bytes(16)).members) == 1


def test_too_few_messages_exact():
    cands = [cand(i, "cost") for i in range(1, 3)]
    assert raised(draw, cands, req(needs=(("cost", 3),)), seed=SEED) == (
        "too_few_experts",
        "专业「cost」符合回避规定的可抽取专家2名，需要3名，无法组建评标委员会",
    )
    shared = [cand(20, "civil", "cost"), cand(21, "cost")]
    assert raised(draw, shared, req(needs=(("civil", 1), ("cost", 2))), seed=SEED) == (
        "too_few_experts",
        "专业「cost」符合回避规定的可抽取专家2名（其中1名已在前序专业中抽中），需要2名，"
        "无法组建评标委员会",
    )
    # Exactly as many as needed is enough.
    assert draw(cands, req(needs=(("cost", 2),)), seed=SEED).members


def test_replace_messages_exact():
    r = req(alternates_per_specialty=1)
    res = draw(pool(), r, seed=SEED)
    assert raised(replace, pool(), r, seed=bytes(32), result=res, declined_id=1) == (
        "seed_mismatch",
        "随机种子与抽取结果不一致",
    )
    assert raised(replace, pool(), r, seed=SEED, result=res, declined_id=12345) == (
        "not_a_member",
        "专家 12345 不是本次评标委员会成员",
    )
    cost_ids = [cid for s, cid in res.members if s == "cost"]
    res, _ = replace(pool(), r, seed=SEED, result=res, declined_id=cost_ids[0])
    assert raised(replace, pool(), r, seed=SEED, result=res, declined_id=cost_ids[1]) == (
        "no_alternate_left",
        "专业「cost」候补专家已用尽，须按原规则补充抽取",
    )


def test_employment_starting_after_the_draw_day_does_not_count():
    starts_today = cand(1, employments=(Employment(BIDDER_A, ON, None),))
    starts_tomorrow = cand(2, employments=(Employment(BIDDER_A, date(2025, 6, 11), None),))
    assert exclusions(starts_today, req()) == [f"近3年曾受雇于投标人 {BIDDER_A}"]
    assert exclusions(starts_tomorrow, req()) == []


def test_lookback_years_come_from_the_request_and_29_february():
    ended = cand(1, employments=(Employment(BIDDER_A, date(2010, 1, 1), date(2023, 6, 9)),))
    assert exclusions(ended, req(lookback_years=2)) == []
    assert exclusions(ended, req(lookback_years=3)) == [f"近3年曾受雇于投标人 {BIDDER_A}"]
    # From 2024-02-29, three years back is 2021-02-28 (no 29 February in 2021).
    leap = req(on=date(2024, 2, 29))
    edge = cand(2, employments=(Employment(BIDDER_A, date(2010, 1, 1), date(2021, 2, 28)),))
    before = cand(3, employments=(Employment(BIDDER_A, date(2010, 1, 1), date(2021, 2, 27)),))
    assert exclusions(edge, leap) and not exclusions(before, leap)


def test_roles_named_in_order_and_no_agency():
    c = cand(
        1,
        related_organisations=frozenset({TENDERER, AGENCY, BIDDER_A, BIDDER_B}),
        employments=(Employment(AGENCY, date(2020, 1, 1), None),),
    )
    assert exclusions(c, req()) == [
        f"近3年曾受雇于招标代理机构 {AGENCY}",
        f"与招标人存在申报的亲属或利害关系：{TENDERER}",
        f"与招标代理机构存在申报的亲属或利害关系：{AGENCY}",
        f"与投标人存在申报的亲属或利害关系：{BIDDER_A}",
        f"与投标人存在申报的亲属或利害关系：{BIDDER_B}",
    ]
    assert exclusions(c, req(agency=None)) == [
        f"与招标人存在申报的亲属或利害关系：{TENDERER}",
        f"与投标人存在申报的亲属或利害关系：{BIDDER_A}",
        f"与投标人存在申报的亲属或利害关系：{BIDDER_B}",
    ]


def test_seat_window_edges_and_limit_from_the_request():
    today = (Seat(TENDERER, ON), Seat(TENDERER, date(2024, 6, 10)))  # 0 and 365 days back
    assert exclusions(cand(1, seats=today), req()) == ["近365日内为同一招标人评标已达2次"]
    future = (Seat(TENDERER, date(2025, 6, 11)), Seat(TENDERER, ON))
    assert exclusions(cand(2, seats=future), req()) == []
    one = (Seat(TENDERER, ON),)
    assert exclusions(cand(3, seats=one), req()) == []
    assert exclusions(cand(3, seats=one), req(max_seats_same_tenderer=1)) == [
        "近365日内为同一招标人评标已达1次"
    ]
    assert exclusions(cand(4, seats=today), req(seat_window_days=364)) == []
    assert exclusions(cand(4, seats=today * 2), req(seat_window_days=30)) == [
        "近30日内为同一招标人评标已达2次"
    ]


COMPOSITION = "招标投标法第三十七条"


def test_composition_messages_exact():
    assert check_composition(experts=-1, economic=0, tenderer_reps=0) == [
        "人数有误：专家-1人、其中经济专家0人、招标人代表0人"
    ]
    assert check_composition(experts=5, economic=0, tenderer_reps=-1) == [
        "人数有误：专家5人、其中经济专家0人、招标人代表-1人"
    ]
    assert check_composition(experts=5, economic=-1, tenderer_reps=0) == [
        "人数有误：专家5人、其中经济专家-1人、招标人代表0人"
    ]
    assert check_composition(experts=5, economic=6, tenderer_reps=0) == [
        "人数有误：专家5人、其中经济专家6人、招标人代表0人"
    ]
    assert check_composition(experts=4, economic=0, tenderer_reps=0) == [
        f"评标委员会成员共4人，少于5人（{COMPOSITION}）",
        f"评标委员会成员共4人，应为单数（{COMPOSITION}）",
    ]
    assert check_composition(experts=4, economic=0, tenderer_reps=0, min_size=3, odd=False) == []
    assert check_composition(experts=3, economic=0, tenderer_reps=2) == [
        f"招标人代表2人，超过成员总数5人的1/3（{COMPOSITION}）",
        f"技术、经济等方面的专家3人，少于成员总数5人的2/3（{COMPOSITION}；"
        "专家应从评标专家库中随机抽取，招标投标法实施条例第四十六条）",
    ]
    assert check_composition(experts=5, economic=1, tenderer_reps=0, min_economic=2) == [
        "经济专家1人，少于招标文件要求的2人"
    ]
    assert check_composition(experts=5, economic=2, tenderer_reps=0, min_economic=2) == []
    assert check_composition(experts=0, economic=0, tenderer_reps=0, min_size=0, odd=False) == []
    assert check_composition(experts=0, economic=0, tenderer_reps=0) == [
        f"评标委员会成员共0人，少于5人（{COMPOSITION}）",
        f"评标委员会成员共0人，应为单数（{COMPOSITION}）",
    ]
    # 5 of 7 experts is above 2/3 only when the share is compared as an exact fraction.
    assert check_composition(experts=5, economic=0, tenderer_reps=2) == []
    assert check_composition(
        experts=5, economic=0, tenderer_reps=2, expert_share_min=Fraction(3, 4)
    ) == [
        f"技术、经济等方面的专家5人，少于成员总数7人的3/4（{COMPOSITION}；"
        "专家应从评标专家库中随机抽取，招标投标法实施条例第四十六条）"
    ]


def test_canonical_json_keeps_chinese_and_sorts_keys():
    # Byte-identical to RFC 8785 for our payloads: UTF-8, not \u escapes (specialty names are
    # Chinese in the rule data, and the pool digest must match an offline re-computation).
    assert canonical_json({"专业": "土建", "a": [1, 2]}) == '{"a":[1,2],"专业":"土建"}'.encode()


# One person (20) is the first alternate of both specialties (seed found once by search).
SHARED_SEED = hashlib.sha256(b"shared alternate 0").digest()


def shared_pool() -> list[Candidate]:
    return [cand(1, "civil"), cand(3, "civil"), cand(2, "cost"), cand(21, "cost")] + [
        cand(20, "civil", "cost")
    ]


def shared_draw():
    r = req(agency=None, bidders=frozenset(), needs=(("civil", 1), ("cost", 1)))
    res = draw(shared_pool(), r, seed=SHARED_SEED)
    assert res.members == (("civil", 3), ("cost", 2))
    assert res.alternates == (("civil", (20, 1)), ("cost", (20, 21)))
    return r, res


def test_replace_skips_an_alternate_already_sitting_for_another_specialty():
    r, res = shared_draw()
    res, got = replace(shared_pool(), r, seed=SHARED_SEED, result=res, declined_id=3)
    assert got == 20
    # 20 leaves the civil list only; the cost list keeps them, and replace() skips them there.
    assert res.alternates == (("civil", (1,)), ("cost", (20, 21)))
    res, got = replace(shared_pool(), r, seed=SHARED_SEED, result=res, declined_id=2)
    assert got == 21 and res.members == (("civil", 20), ("cost", 21))
    assert verify(shared_pool(), r, seed=SHARED_SEED, result=res)


def test_replace_skips_an_alternate_who_declined_earlier():
    r, res = shared_draw()
    res, _ = replace(shared_pool(), r, seed=SHARED_SEED, result=res, declined_id=3)
    res, got = replace(shared_pool(), r, seed=SHARED_SEED, result=res, declined_id=20)
    assert got == 1
    # 20 declined once: not offered the cost seat either.
    res, got = replace(shared_pool(), r, seed=SHARED_SEED, result=res, declined_id=2)
    assert got == 21
    assert res.replacements == (("civil", 3, 20), ("civil", 20, 1), ("cost", 2, 21))
    assert verify(shared_pool(), r, seed=SHARED_SEED, result=res)


def test_replace_with_no_alternate_list_for_the_specialty():
    r, res = shared_draw()
    bare = dc_replace(res, alternates=(("civil", (20, 1)),))
    assert raised(replace, shared_pool(), r, seed=SHARED_SEED, result=bare, declined_id=2) == (
        "no_alternate_left",
        "专业「cost」候补专家已用尽，须按原规则补充抽取",
    )


def test_verify_rejects_a_forged_replacement_and_an_undrawable_pool():
    r, res = shared_draw()
    new, got = replace(shared_pool(), r, seed=SHARED_SEED, result=res, declined_id=3)
    forged = dc_replace(new, replacements=(("civil", 3, 1),))  # says 1 took the seat; 20 did
    assert got == 20 and not verify(shared_pool(), r, seed=SHARED_SEED, result=forged)
    # A replacement of someone who never sat: replace() raises, verify() answers False.
    bogus = dc_replace(res, replacements=(("civil", 99, 20),))
    assert not verify(shared_pool(), r, seed=SHARED_SEED, result=bogus)
    # A pool that can no longer fill the committee: draw() raises, verify() answers False.
    assert not verify(shared_pool()[:1], r, seed=SHARED_SEED, result=res)
