"""BoQ screens (条例 40 四): scaled copies, identical rates, shared errors, progressions."""

from __future__ import annotations

import json
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from jianguan.tendering.collusion.boq import boq_screens, check_boq

FEN = Decimal("0.01")
PROVISIONAL = ["0401990010" + f"{i:02d}" for i in range(5)]


def d(x: float) -> Decimal:
    return Decimal(str(x)).quantize(FEN, rounding=ROUND_HALF_UP)


def tender(rng: random.Random, n: int = 200) -> list[dict]:
    """Tender BoQ: 12-digit GB 50500 codes, quantities, and a market base rate per item."""
    lines = [
        {
            "code": f"0105{i // 100:02d}00{i % 100:02d}01",
            "name": f"清单项{i}",
            "unit": "m3",
            "quantity": d(rng.uniform(5, 2000)),
            "base": rng.lognormvariate(5.5, 1.0) + 20,
        }
        for i in range(n)
    ]
    lines += [
        {"code": c, "name": "暂估价材料", "unit": "项", "quantity": Decimal(1), "base": 50000.0}
        for c in PROVISIONAL
    ]
    return lines


def priced(items: list[dict], rates: list[Decimal]) -> list[dict]:
    return [
        {
            **{k: t[k] for k in ("code", "name", "unit", "quantity")},
            "rate": r,
            "amount": d(t["quantity"] * r),
        }
        for t, r in zip(items, rates, strict=True)
    ]


def independent(rng: random.Random, items: list[dict]) -> list[dict]:
    level = rng.lognormvariate(0, 0.05)  # bidder's overall price level
    rates = [
        d(t["base"])
        if t["code"] in PROVISIONAL
        else d(t["base"] * level * rng.lognormvariate(0, 0.1))
        for t in items
    ]
    return priced(items, rates)


@pytest.fixture
def market() -> tuple[random.Random, list[dict], dict[str, list[dict]]]:
    rng = random.Random(40)
    items = tender(rng)
    return rng, items, {f"B{i:02d}": independent(rng, items) for i in range(20)}


def run(boqs: dict, items: list[dict]) -> list[dict]:
    ev = boq_screens(boqs, tender_codes=[t["code"] for t in items], provisional_codes=PROVISIONAL)
    json.dumps(ev, ensure_ascii=False)
    return ev


def test_twenty_independent_boqs_give_nothing(market) -> None:
    _, items, boqs = market
    assert run(boqs, items) == []


def test_constant_ratio_copy_found(market) -> None:
    _, items, boqs = market
    boqs["COPY"] = priced(items, [d(float(line["rate"]) * 0.973) for line in boqs["B03"]])
    ev = [e for e in run(boqs, items) if e["indicator"] == "boq_constant_ratio"]
    assert [sorted(e["bidders"]) for e in ev] == [["B03", "COPY"]]
    assert ev[0]["value"] < 0.005 and ev[0]["details"]["common_items"] == 200
    assert (
        abs(ev[0]["details"]["median_ratio"] - 1 / 0.973) < 1e-3
        or abs(ev[0]["details"]["median_ratio"] - 0.973) < 1e-3
    )


def test_scaled_copy_with_some_edited_lines_still_found(market) -> None:
    rng, items, boqs = market
    rates = [d(float(line["rate"]) * 1.05) for line in boqs["B07"]]
    for i in rng.sample(range(200), 25):  # a copier disguising 1 line in 8
        rates[i] = d(float(rates[i]) * rng.uniform(0.7, 1.3))
    boqs["EDIT"] = priced(items, rates)
    ev = [e for e in run(boqs, items) if e["indicator"] == "boq_constant_ratio"]
    assert [sorted(e["bidders"]) for e in ev] == [["B07", "EDIT"]]
    assert ev[0]["details"]["flagged_by"] == "share_near_median"


def test_identical_rates_found(market) -> None:
    rng, items, boqs = market
    mine = independent(rng, items)
    rates = [
        a["rate"] if i % 2 else b["rate"]
        for i, (a, b) in enumerate(zip(boqs["B05"], mine, strict=True))
    ]
    boqs["SAME"] = priced(items, rates)
    ev = run(boqs, items)
    assert [(e["indicator"], sorted(e["bidders"])) for e in ev] == [
        ("boq_identical_rates", ["B05", "SAME"])
    ]
    assert 0.45 <= ev[0]["value"] <= 0.55  # the 5 provisional items do not count
    assert "综合单价完全相同" in ev[0]["message_zh"]


def test_shared_arithmetic_error_found(market) -> None:
    _, items, boqs = market
    for key in ("B01", "B02"):
        line = boqs[key][17]
        line["amount"] = Decimal("123456.78")  # same wrong 合价 on the same item
        line["rate"] = boqs["B01"][17]["rate"]
    boqs["B09"][30]["amount"] += Decimal(100)  # an error of its own: not shared
    ev = run(boqs, items)
    assert [(e["indicator"], e["bidders"], e["value"]) for e in ev] == [
        ("boq_shared_arithmetic_errors", ["B01", "B02"], 1)
    ]
    assert items[17]["code"] in ev[0]["message_zh"]


def test_shared_omissions_found(market) -> None:
    _, items, boqs = market
    for key in ("B04", "B06"):
        boqs[key] = [line for i, line in enumerate(boqs[key]) if i not in (3, 150, 151)]
    boqs["B08"] = boqs["B08"][1:]
    ev = run(boqs, items)
    assert [(e["indicator"], e["bidders"], e["value"]) for e in ev] == [
        ("boq_shared_omissions", ["B04", "B06"], 3)
    ]


@pytest.mark.parametrize("kind", ["arithmetic", "geometric"])
def test_progression_of_totals_found(market, kind: str) -> None:
    rng, items, boqs = market
    base = Decimal("98765432.10")
    for k in range(3):
        target = base + 1_500_000 * k if kind == "arithmetic" else d(float(base) * 1.015**k)
        lines = independent(rng, items)
        rest = sum(line["amount"] for line in lines[1:])
        lines[0] = {
            **lines[0],
            "quantity": Decimal(1),
            "rate": target - rest,
            "amount": target - rest,
        }
        boqs[f"P{k}"] = lines
    ev = [e for e in run(boqs, items) if e["indicator"] == "boq_total_progression"]
    assert len(ev) == 1 and ev[0]["bidders"] == ["P0", "P1", "P2"]
    assert ev[0]["details"]["kind"] == kind and ev[0]["value"] <= ev[0]["threshold"]


def test_check_boq_messages() -> None:
    ok = {"code": "010101001001", "name": "挖土方", "unit": "m3", "quantity": Decimal("12.5")}
    good = [{**ok, "rate": Decimal("33.33"), "amount": Decimal("416.63")}]
    assert check_boq(good) == []
    bad = good + [
        {**ok, "rate": Decimal(1), "amount": Decimal("12.50")},  # duplicate code
        {**ok, "code": "", "rate": Decimal(1), "amount": Decimal("12.50")},
        {
            **ok,
            "code": "010101002001",
            "quantity": Decimal(0),
            "rate": Decimal(1),
            "amount": Decimal(0),
        },
        {**ok, "code": "010101003001", "rate": Decimal(10), "amount": Decimal("126.00")},
        {**ok, "code": "010101004001", "rate": None, "amount": Decimal(1)},
    ]
    problems = check_boq(bad)
    assert any("第 2 行" in p and "重复" in p for p in problems)
    assert any("第 3 行缺少项目编码" in p for p in problems)
    assert any("第 4 行" in p and "工程量应为正数" in p for p in problems)
    assert any("第 5 行" in p and "不符" in p for p in problems)
    assert any("第 6 行" in p and "综合单价缺失" in p for p in problems)
    assert len(problems) == 5


def test_objects_accepted_and_provisional_items_ignored(market) -> None:
    from types import SimpleNamespace

    _, items, boqs = market
    # Same rates on the 5 fixed (暂估价) items only: every bidder has them, no evidence.
    objs = {k: [SimpleNamespace(**line) for line in v] for k, v in boqs.items()}
    assert boq_screens(objs, provisional_codes=PROVISIONAL) == []
    assert boq_screens({"A": boqs["B00"]}) == []
