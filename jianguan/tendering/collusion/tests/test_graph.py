"""Tests for the co-bidding network screens (pure module, no database)."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from jianguan.tendering.collusion.graph import co_bidding_graph, cover_pairs, rotation_groups

START = date(2025, 1, 1)


def _clean_market(rng: random.Random, firms: int = 50, tenders: int = 300) -> list[dict[str, Any]]:
    """Each tender: 5-15 firms drawn at random, independent costs, lowest price wins."""
    names = [f"F{i:02d}" for i in range(firms)]
    records = []
    for k in range(tenders):
        estimate = rng.uniform(1e6, 2e7)
        sigma = rng.uniform(0.05, 0.15)
        bidders = rng.sample(names, rng.randint(5, 15))
        prices = {
            b: estimate * rng.lognormvariate(0, sigma) * (1 + rng.uniform(0.03, 0.12))
            for b in bidders
        }
        records.append(_record(f"T{k:04d}", START + timedelta(days=k), prices))
    return records


def _record(code: str, day: date, prices: dict[str, float]) -> dict[str, Any]:
    winner = min(prices, key=prices.__getitem__)
    bids = [
        {"bidder": b, "price": Decimal(f"{p:.2f}"), "won": b == winner} for b, p in prices.items()
    ]
    return {"tender": code, "date": day, "bids": bids}


def _ring_tenders(
    rng: random.Random, ring: list[str], outsiders: list[str], count: int
) -> list[dict[str, Any]]:
    """The ring members take turns: the designated winner bids low, the others 2-5 % above it,
    and a few honest outsiders bid their own (higher) prices."""
    records = []
    for k in range(count):
        winner = ring[k % len(ring)]
        base = rng.uniform(1e6, 2e7)
        prices = {winner: base}
        prices.update({m: base * (1 + rng.uniform(0.02, 0.05)) for m in ring if m != winner})
        for o in rng.sample(outsiders, rng.randint(2, 6)):
            prices[o] = base * (1 + rng.uniform(0.06, 0.25))
        records.append(_record(f"R{k:03d}", START + timedelta(days=7 + 25 * k), prices))
    return records


def test_graph_weights_and_attributes() -> None:
    records = [
        {
            "tender": "A",
            "date": "2025-01-02",
            "bids": [{"bidder": "x", "won": True}, {"bidder": "y"}],
        },
        {
            "tender": "B",
            "date": date(2025, 1, 3),
            "bids": [{"bidder": "x"}, {"bidder": "y", "won": True}, {"bidder": "z"}],
        },
    ]
    g = co_bidding_graph(records)
    assert g["x"]["y"]["weight"] == 2 and g["x"]["y"]["tenders"] == ["A", "B"]
    assert g["y"]["z"]["weight"] == 1
    assert g.nodes["x"] == {"bids": 2, "wins": 1}


def test_rotation_ring_found_among_clean_firms() -> None:
    rng = random.Random(42)
    records = _clean_market(rng)
    ring = ["F03", "F17", "F28", "F41"]
    outsiders = [f"F{i:02d}" for i in range(50) if f"F{i:02d}" not in ring]
    records += _ring_tenders(rng, ring, outsiders, 12)
    groups = rotation_groups(records)
    assert groups, "ring not found"
    top = groups[0]
    assert sorted(top["members"]) == ring
    assert len(top["tenders"]) >= 12
    assert all(top["win_counts"][m] >= 3 for m in ring)
    # Winners by date show the turn-taking.
    ring_seq = [s["winner"][0] for s in top["sequence"] if s["tender"].startswith("R")]
    assert ring_seq[:4] == ring
    assert top["dates"] == sorted(top["dates"])
    assert "轮流" in top["message_zh"]
    # Nothing but the ring (or a subset of it) is reported.
    assert all(set(g["members"]) <= set(ring) for g in groups)
    json.dumps(groups, ensure_ascii=False)


@pytest.mark.parametrize("seed", range(5))
def test_clean_market_has_no_rotation_group(seed: int) -> None:
    assert rotation_groups(_clean_market(random.Random(seed))) == []


@pytest.mark.parametrize("seed", range(5))
def test_clean_market_has_no_cover_pair(seed: int) -> None:
    assert cover_pairs(_clean_market(random.Random(seed))) == []


def test_cover_pair_found() -> None:
    rng = random.Random(7)
    records = _clean_market(rng, tenders=120)
    # C05 tags along behind F09 five times, always 1-4 % above, and never wins against it.
    for k in range(5):
        base = rng.uniform(1e6, 5e6)
        prices = {"F09": base, "C05": base * (1 + rng.uniform(0.01, 0.04))}
        for o in rng.sample([f"F{i:02d}" for i in range(50) if i != 9], 4):
            prices[o] = base * (1 + rng.uniform(0.08, 0.3))
        records.append(_record(f"C{k}", START + timedelta(days=3 + 20 * k), prices))
    pairs = cover_pairs(records)
    assert [(p["winner"], p["cover"]) for p in pairs] == [("F09", "C05")]
    p = pairs[0]
    assert p["close_count"] == 5 and p["cover_beat_winner"] == 0
    assert 0.01 <= p["median_gap"] <= 0.04
    assert "陪标" in p["message_zh"]
    json.dumps(pairs, ensure_ascii=False)


def test_cover_pair_needs_close_prices() -> None:
    records = []
    for k in range(5):
        prices = {"W": 100.0, "C": 130.0, "X": 150.0}  # C always loses, but far above: not a cover
        records.append(_record(f"T{k}", START + timedelta(days=k), prices))
    assert cover_pairs(records) == []
    assert cover_pairs(records, max_gap=0.35)[0]["cover"] == "C"


def test_rotation_needs_even_wins() -> None:
    rng = random.Random(1)
    records = []
    outsiders = [f"O{i}" for i in range(10)]
    for k in range(12):
        winner = "A" if k < 10 else ["B", "C"][k % 2]  # A dominates: not a rotation
        prices = {m: 100.0 if m == winner else 103.0 for m in "ABC"}
        prices.update({o: 120.0 for o in rng.sample(outsiders, 4)})
        records.append(_record(f"T{k}", START + timedelta(days=k), prices))
    assert rotation_groups(records) == []


def test_bad_price_rejected() -> None:
    with pytest.raises(ValueError):
        cover_pairs(
            [{"tender": "T", "date": "2025-01-01", "bids": [{"bidder": "a", "price": "x"}]}]
        )
