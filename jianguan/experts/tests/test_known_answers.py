"""Known answers for the expert draw (issue 14): a published seed and pool must always give the
same committee, or every recorded draw stops being replayable.

The expected values in vectors/expert_draw.json were computed once by
vectors/make_expert_draw.py, an independent re-implementation of the documented procedure
(HMAC-SHA256(seed, "<specialty>:<id>") ranking, SHA-256 pool digest and commitment); nothing
here derives an expectation from jianguan.experts.draw itself.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from jianguan.experts.draw import (
    Candidate,
    Employment,
    Request,
    Seat,
    commitment,
    draw,
    pool_snapshot,
    rank_key,
    replace,
    verify,
)

VECTOR = json.loads((Path(__file__).parent / "vectors" / "expert_draw.json").read_text("utf-8"))
EXPECTED = VECTOR["expected"]
SEED = bytes.fromhex(VECTOR["seed_hex"])


def _request(r: dict) -> Request:
    return Request(
        tender=r["tender"],
        on=date.fromisoformat(r["on"]),
        tenderer=r["tenderer"],
        agency=r["agency"],
        bidders=frozenset(r["bidders"]),
        needs=tuple((spec, count) for spec, count in r["needs"]),
        lookback_years=r["lookback_years"],
        max_seats_same_tenderer=r["max_seats_same_tenderer"],
        seat_window_days=r["seat_window_days"],
        alternates_per_specialty=r["alternates_per_specialty"],
    )


def _candidate(c: dict) -> Candidate:
    return Candidate(
        id=c["id"],
        name=f"专家{c['id']}",
        specialties=frozenset(c["specialties"]),
        economic=c.get("economic", False),
        employments=tuple(
            Employment(
                e["organisation"],
                date.fromisoformat(e["start"]),
                date.fromisoformat(e["end"]) if e.get("end") else None,
            )
            for e in c.get("employments", [])
        ),
        related_organisations=frozenset(c.get("related_organisations", [])),
        regulator_staff=c.get("regulator_staff", False),
        punished_for_tendering=c.get("punished_for_tendering", False),
        suspended=c.get("suspended", False),
        available=c.get("available", True),
        seats=tuple(Seat(s["tenderer"], date.fromisoformat(s["on"])) for s in c.get("seats", [])),
    )


REQUEST = _request(VECTOR["request"])
POOL = [_candidate(c) for c in VECTOR["candidates"]]


def _members(result) -> list[list]:
    return [[spec, cid] for spec, cid in result.members]


def _alternates(result) -> list[list]:
    return [[spec, list(ids)] for spec, ids in result.alternates]


def test_rank_key_is_the_published_hmac():
    for spec, ranked in EXPECTED["ranks"].items():
        for cid, mac_hex in ranked:
            assert rank_key(SEED, spec, cid).hex() == mac_hex, (spec, cid)


def test_pool_snapshot_exclusions_and_digest():
    digest, eligible, excluded = pool_snapshot(POOL, REQUEST)
    assert eligible == EXPECTED["eligible_ids"]
    assert sorted(excluded) == EXPECTED["excluded_ids"]
    assert digest == EXPECTED["pool_digest"]


def test_commitment():
    got = commitment(
        pool_digest=EXPECTED["pool_digest"],
        seed_hex=VECTOR["seed_hex"],
        at_iso=VECTOR["at"],
        officer=VECTOR["officer"],
    )
    assert got == EXPECTED["commitment"]


def test_committee_and_alternates():
    result = draw(POOL, REQUEST, seed=SEED)
    assert _members(result) == EXPECTED["members"]
    assert _alternates(result) == EXPECTED["alternates"]
    assert result.pool_digest == EXPECTED["pool_digest"]
    assert result.seed_hex == VECTOR["seed_hex"]


def test_order_of_the_pool_does_not_matter():
    result = draw(list(reversed(POOL)), REQUEST, seed=SEED)
    assert _members(result) == EXPECTED["members"]
    assert _alternates(result) == EXPECTED["alternates"]


def test_replacement_and_replay():
    want = EXPECTED["replacement"]
    result = draw(POOL, REQUEST, seed=SEED)
    new, got = replace(POOL, REQUEST, seed=SEED, result=result, declined_id=want["declined"])
    assert got == want["replacement"]
    assert _members(new) == want["members"]
    assert _alternates(new) == want["alternates"]
    assert new.replacements == ((want["specialty"], want["declined"], want["replacement"]),)
    assert verify(POOL, REQUEST, seed=SEED, result=new)


@pytest.mark.parametrize("flip", [0, 31])
def test_another_seed_gives_another_committee(flip):
    """Sanity of the vector: the expected committee depends on the seed bytes."""
    seed = bytearray(SEED)
    seed[flip] ^= 0x80
    assert _members(draw(POOL, REQUEST, seed=bytes(seed))) != EXPECTED["members"]
