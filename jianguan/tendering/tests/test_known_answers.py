"""Known answers for tendering algorithms that outsiders replay or that must never drift (issue 14).

Every expectation comes from a data file under vectors/, computed once by hand or by an
independent script there (make_draw_k.py, check_price_score.py, make_sealed_bid.py) that
imports nothing from jianguan. No expectation is derived from the code under test.
"""

from __future__ import annotations

import importlib.util
import json
from decimal import Decimal
from pathlib import Path

import pytest

from jianguan.tendering.evaluation.price_score import (
    PriceConfig,
    benchmark,
    draw_k,
    k_commitment,
    price_scores,
    valid_prices,
)

VECTORS = Path(__file__).parent / "vectors"


def _load(name: str) -> dict:
    return json.loads((VECTORS / name).read_text("utf-8"))


# --- 下浮系数 K draw ---------------------------------------------------------------------------

K_CASES = _load("draw_k.json")["cases"]


@pytest.mark.parametrize("case", K_CASES, ids=[c["name"] for c in K_CASES])
def test_draw_k(case):
    k_set = tuple(Decimal(k) for k in case["k_set"])
    got = draw_k(k_set, bytes.fromhex(case["seed_hex"]))
    assert got == Decimal(case["k"])
    assert format(got, "f") == case["k"]


@pytest.mark.parametrize("case", K_CASES, ids=[c["name"] for c in K_CASES])
def test_k_commitment(case):
    k_set = tuple(Decimal(k) for k in case["k_set"])
    assert k_commitment(k_set, case["seed_hex"], case["at"]) == case["commitment"]


# --- 价格分 worked examples --------------------------------------------------------------------

PRICE_EXAMPLES = _load("price_score.json")["examples"]


def _config(c: dict) -> PriceConfig:
    return PriceConfig(
        max_points=Decimal(c["max_points"]),
        trim_min_n=c["trim_min_n"],
        k_set=tuple(Decimal(k) for k in c["k_set"]),
        e_above=Decimal(c["e_above"]),
        e_below=Decimal(c["e_below"]),
        floor=Decimal(c["floor"]),
        cap=None if c["cap"] is None else Decimal(c["cap"]),
        places=c["places"],
        benchmark_places=c["benchmark_places"],
    )


@pytest.mark.parametrize("ex", PRICE_EXAMPLES, ids=[e["name"] for e in PRICE_EXAMPLES])
def test_price_score_worked_example(ex):
    cfg = _config(ex["config"])
    prices = {b: Decimal(p) for b, p in ex["prices"].items()}
    ceiling, k, exp = Decimal(ex["ceiling"]), Decimal(ex["k"]), ex["expected"]

    valid, _ = valid_prices(prices, ceiling)
    s, details = benchmark(valid, cfg, k)
    assert details["n"] == exp["valid_n"]
    assert details["trimmed"] == exp["trimmed"]
    assert details["mean"] == Decimal(exp["mean"])
    assert s == Decimal(exp["benchmark"])

    out = price_scores(prices, ceiling, cfg, k)
    assert set(out) == set(exp["bids"])
    for bid, want in exp["bids"].items():
        got = out[bid]
        assert got["valid"] is want["valid"], bid
        if want["score"] is None:
            assert got["score"] is None and got["deviation_pct"] is None, bid
            continue
        # Exact strings: the value and the number of places (55.48, 0.00) both count.
        assert str(got["score"]) == want["score"], bid
        assert str(got["deviation_pct"]) == want["deviation_pct"], bid
        assert got["benchmark"] == Decimal(exp["benchmark"]), bid


# --- sealed-bid format (jianguan-sealed-bid v1) ------------------------------------------------

SEALED = VECTORS / "sealed_bid"
SEALED_EXPECTED = _load("sealed_bid/expected.json")
PRIVATE_PEM = (SEALED / "recipient_private.pem").read_bytes()
PACKAGES = sorted(SEALED_EXPECTED["packages"])


def _independent():
    """vectors/make_sealed_bid.py as a module (it imports nothing from jianguan)."""
    spec = importlib.util.spec_from_file_location(
        "jianguan_vector_make_sealed_bid", VECTORS / "make_sealed_bid.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", PACKAGES)
def test_fixed_package_opens_byte_for_byte(name, tmp_path):
    from jianguan.tendering import sealer

    exp = SEALED_EXPECTED["packages"][name]
    path = SEALED / name
    assert sealer.package_sm3(path) == exp["package_sm3"]
    manifest = sealer.verify_package_structure(path)
    assert manifest.raw == exp["manifest_json"].encode("utf-8")
    assert manifest.to_json() == exp["manifest_json"].encode("utf-8")
    assert manifest.cipher == exp["cipher"]
    assert manifest.recipient_key_fingerprint == SEALED_EXPECTED["recipient_key_fingerprint"]
    assert (
        sealer.key_fingerprint((SEALED / "recipient_public.pem").read_bytes())
        == (SEALED_EXPECTED["recipient_key_fingerprint"])
    )

    data_key = sealer.unwrap_data_key(package=path, private_pem=PRIVATE_PEM)
    assert data_key.hex() == exp["data_key_hex"]

    opened = sealer.open_package(package=path, data_key=data_key, out_dir=tmp_path / "out")
    assert opened.summary == json.loads(exp["summary_json"])
    assert (
        json.dumps(opened.summary, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        == (exp["summary_json"])
    )
    assert [(f.index, f.name, f.size, f.sm3) for f in opened.files] == [
        (f["index"], f["name"], f["size"], f["sm3"]) for f in exp["files"]
    ]
    assert [f.media_type for f in opened.manifest.files] == [f["media_type"] for f in exp["files"]]
    for f in exp["files"]:
        assert (tmp_path / "out" / f["name"]).read_bytes() == (SEALED / f["plain"]).read_bytes()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f["name"] for f in exp["files"]
    )


def test_project_sealer_writes_what_the_independent_reader_opens(tmp_path):
    """The other direction: a package sealed by the project opens with the documented format."""
    from jianguan.tendering import sealer

    independent = _independent()
    exp = SEALED_EXPECTED["packages"]["bid-aes.zip"]
    paths = []
    for f in exp["files"]:
        paths.append(tmp_path / f["name"])
        paths[-1].write_bytes((SEALED / f["plain"]).read_bytes())
    out = tmp_path / "bid.zip"
    summary = {
        "bid_price": "12345678.90",
        "bidder": "北京示例建设集团有限公司",
        "duration_days": 365,
    }
    sealer.seal(
        files=paths,
        summary=summary,
        recipient_public_pem=(SEALED / "recipient_public.pem").read_bytes(),
        out=out,
        chunk_size=1024,
        fingerprint={"kind": "python", "sealer_version": "test"},
    )
    got = independent.open_independently(out.read_bytes(), PRIVATE_PEM)
    assert {k: v for k, v in got["summary"].items() if k != "nonce"} == summary
    for f in exp["files"]:
        assert got["files"][f["name"]] == (SEALED / f["plain"]).read_bytes()
