"""Benchmark the collusion screens (pure modules, no database) on one large tender.

One JSON line per figure::

    python bench/collusion.py              # full scale: 200 bids x 3,000 lines x 50 pages, 10^5 tenders
    python bench/collusion.py --trace all  # also tracemalloc for similarity (+3.5 min)
    python bench/collusion.py --bids 20 --lines 300 --pages 5 --tenders 1000        # smoke

Figures
-------
* ``collusion.similarity``: ``similarity.similar_pairs`` over ``--bids`` technical proposals of
  ``--pages`` x 1,500 Chinese characters (jieba tokenisation is most of the time).
* ``collusion.boq``: ``boq.boq_screens`` over ``--bids`` x ``--lines`` priced BoQ lines.
* ``collusion.boq.check``: ``boq.check_boq`` over every BoQ (the upload-time validation).
* ``collusion.fingerprints``: ``fingerprints.fingerprint_screens``, two generated PDFs per bid.
* ``collusion.price``: ``price_screens.screens`` over the bid totals, and
  ``collusion.price_many``: ``price_screens.screens_many`` over ``--tenders`` historical tenders
  (3-15 bids each); both skipped with a note if the module is absent.

Each figure has ``seconds`` (untraced run) and ``peak_mib`` (a second run of the same call under
``tracemalloc``: Python and numpy allocations made by the screen, inputs excluded), plus
``rss_mib`` (the process high-water mark so far, inputs included) and ``rss_growth_mib`` (how
much the call raised that mark). ``--trace all`` also traces similarity, which takes ~3.5 more
minutes at full scale (measured: 55 s untraced, peak 398 MiB traced, 200 bids x 50 pages);
``--trace none`` skips all traced runs. ``found`` says whether the injected ring was reported.

How the data is built (fixed seed)
----------------------------------
Text: sentences of 8-18 common jieba-dictionary words; the tender has ``--pages`` / 2 pages and
every proposal copies a fifth of its content from it. Ring: R1 is R0 with 10 % of sentences
rewritten and R0's typos. BoQs: base rate per item, each bidder's rate = base x price level x
lognormal(0, 0.1) noise; R1 = R0 x 0.985; R2 copies R0's rates on 60 % of items; R3 and R4 share
one wrong 合价; R5-R7 have totals in arithmetic progression. Fingerprints: R0/R1 share a MAC
hash, R2 saves its PDF from R0's (same /ID), R3/R4 share a bond account.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import io
import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._http import emit  # noqa: E402
from jianguan.tendering.collusion import boq, fingerprints, similarity  # noqa: E402

SEED = 40_2026
CHARS_PER_PAGE = 1500
TYPOS = ["涉计", "帮扎", "养户", "脚于"]
FEN = Decimal("0.01")


@dataclass(slots=True)
class Line:  # slots: 600,000 of these must stay small
    code: str
    name: str
    unit: str
    quantity: Decimal
    rate: Decimal
    amount: Decimal


def _rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure(name: str, fn: Callable[[], Any], trace: bool, **fields: Any) -> Any:
    gc.collect()
    rss0 = _rss_mib()
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    growth = round(_rss_mib() - rss0, 1)
    peak = None
    if trace:
        gc.collect()
        tracemalloc.start()
        fn()
        peak = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    emit(
        name,
        seconds=round(seconds, 3),
        peak_mib=peak,
        rss_mib=_rss_mib(),
        rss_growth_mib=growth,
        **fields,
    )
    return result


# --- text ---------------------------------------------------------------------------------
def vocabulary() -> list[str]:
    similarity._jieba()
    import jieba

    return sorted(
        w
        for w, f in jieba.dt.FREQ.items()
        if f > 2000 and 2 <= len(w) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in w)
    )


def sentences(rng: random.Random, vocab: list[str], chars: int) -> list[str]:
    out, n = [], 0
    while n < chars:
        s = "".join(rng.choices(vocab, k=rng.randint(8, 18))) + "。"
        out.append(s)
        n += len(s)
    return out


def proposals(rng: random.Random, vocab: list[str], bids: int, pages: int) -> tuple[dict, str]:
    size = pages * CHARS_PER_PAGE
    tender = sentences(rng, vocab, max(1, pages // 2) * CHARS_PER_PAGE)
    props: dict[str, str] = {}
    for i in range(bids):
        copied = rng.sample(tender, k=min(len(tender), max(1, len(tender) * size // 5 // 3000)))
        props[f"B{i:03d}"] = "".join(
            copied[: size // 5 // 30] + sentences(rng, vocab, size * 4 // 5)
        )
    if bids >= 2:
        own = sentences(rng, vocab, size * 4 // 5)
        for t, typo in enumerate(TYPOS):
            own[(t + 1) * len(own) // 6] += typo + "。"
        props["B000"] = "".join(tender[:20] + own)
        edited = [sentences(rng, vocab, 1)[0] if rng.random() < 0.1 else s for s in own]
        props["B001"] = "".join(tender[10:30] + edited)
    return props, "".join(tender)


# --- bills of quantities ------------------------------------------------------------------
def boqs(
    rng: np.random.Generator, bids: int, lines: int
) -> tuple[dict[str, list[Line]], list[str]]:
    codes = [
        f"01{i // 1000:02d}{(i // 100) % 10:02d}{i % 100:03d}{i % 7:03d}" for i in range(lines)
    ]
    qty = [Decimal(str(round(q, 2))) for q in rng.uniform(1, 2000, lines)]
    base = rng.lognormal(5.5, 1.0, lines) + 20
    out: dict[str, list[Line]] = {}
    for i in range(bids):
        rates = base * rng.lognormal(0, 0.05) * rng.lognormal(0, 0.1, lines)
        out[f"B{i:03d}"] = _lines(codes, qty, rates.round(2))
    if bids >= 8:
        r0 = np.array([float(x.rate) for x in out["B000"]])
        out["B001"] = _lines(codes, qty, (r0 * 0.985).round(2))
        mix = np.where(rng.random(lines) < 0.6, r0, [float(x.rate) for x in out["B002"]])
        out["B002"] = _lines(codes, qty, mix)
        for key in ("B003", "B004"):  # same wrong 合价 on the same line
            line = out[key][5]
            line.rate, line.amount = out["B003"][5].rate, Decimal("99999.99")
        target = Decimal(int(sum(x.amount for x in out["B005"])))
        for k, key in enumerate(("B005", "B006", "B007")):
            ls = out[key]
            rest = sum(x.amount for x in ls[1:])
            gap = target + 1_234_567 * k - rest
            ls[0] = Line(ls[0].code, ls[0].name, ls[0].unit, Decimal(1), gap, gap)
    return out, codes


def _lines(codes: list[str], qty: list[Decimal], rates: np.ndarray) -> list[Line]:
    out = []
    for code, q, r in zip(codes, qty, rates.tolist(), strict=True):
        rate = Decimal(str(r)).quantize(FEN)
        out.append(Line(code, "清单项", "m3", q, rate, (q * rate).quantize(FEN)))
    return out


# --- fingerprints ---------------------------------------------------------------------------
def _pdf(author: str, clone: bytes = b"") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(clone)) if clone else PdfWriter()
    if not clone:
        writer.add_blank_page(595, 842)
    writer.add_metadata({"/Author": author, "/Creator": "WPS 文字"})
    writer.generate_file_identifiers()
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def bids_meta(rng: random.Random, n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        h = f"{rng.getrandbits(128):032x}"
        out.append(
            {
                "bidder": f"B{i:03d}",
                "machine_fingerprint": {"hostname_sm3": h, "mac_sm3": [h[::-1]], "user_sm3": h[:8]},
                "upload_ip": f"10.{i // 250}.{i % 250}.{rng.randint(1, 254)}",
                "files": [
                    {"name": f"{t}.pdf", "pdf": _pdf(f"员工{i}-{t}")} for t in ("技术标", "商务标")
                ],
                "contacts": {"agent": f"代理{i}", "phone": f"139{i:08d}", "email": f"b{i}@x.cn"},
                "key_staff": [f"京{i:014d}", f"京{i + 10**6:014d}"],
                "bond_account": f"1100{i:012d}",
            }
        )
    if n >= 5:
        out[1]["machine_fingerprint"]["mac_sm3"] = out[0]["machine_fingerprint"]["mac_sm3"]
        out[2]["files"][0]["pdf"] = _pdf("员工2", clone=out[0]["files"][0]["pdf"])
        out[4]["bond_account"] = out[3]["bond_account"]
    return out


# --- price screens (the other engineer's module, optional) ---------------------------------
def _price_module() -> Any | None:
    name = "jianguan.tendering.collusion.price_screens"
    return importlib.import_module(name) if importlib.util.find_spec(name) else None


def historical(rng: np.random.Generator, tenders: int) -> list[list[float]]:
    sizes = rng.integers(3, 16, tenders)
    reserve = rng.lognormal(15, 1.2, tenders)
    return [
        (r * rng.uniform(0.8, 1.0, k)).round(2).tolist()
        for r, k in zip(reserve, sizes, strict=True)
    ]


def _check_all(priced: dict[str, list[Line]]) -> list[list[str]]:
    return [boq.check_boq(v) for v in priced.values()]


def _ring(evidence: list[dict], *members: str) -> bool:
    return any(set(members) <= set(map(str, e["bidders"])) for e in evidence)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bids", type=int, default=200)
    p.add_argument("--lines", type=int, default=3000)
    p.add_argument("--pages", type=int, default=50)
    p.add_argument("--tenders", type=int, default=100_000)
    p.add_argument(
        "--trace",
        choices=("fast", "all", "none"),
        default="fast",
        help="tracemalloc re-runs: all screens but similarity (fast), all, or none",
    )
    args = p.parse_args(argv)
    trace = args.trace != "none"
    started = time.perf_counter()
    rng, nrng = random.Random(SEED), np.random.default_rng(SEED)
    scale = {"bids": args.bids}

    t0 = time.perf_counter()
    props, tender = proposals(rng, vocabulary(), args.bids, args.pages)
    chars = sum(map(len, props.values()))
    emit("collusion.generate.text", seconds=round(time.perf_counter() - t0, 1), chars=chars)
    ev = measure(
        "collusion.similarity",
        partial(similarity.similar_pairs, props, tender),
        args.trace == "all",  # traced, jieba runs about 3x slower: ~3.5 min at full scale
        **scale,
        pages=args.pages,
        chars=chars,
        tender_chars=len(tender),
    )
    emit("collusion.similarity.result", pairs=len(ev), found=_ring(ev, "B000", "B001"))
    del props, tender

    t0 = time.perf_counter()
    priced, codes = boqs(nrng, args.bids, args.lines)
    emit("collusion.generate.boq", seconds=round(time.perf_counter() - t0, 1))
    measure("collusion.boq.check", partial(_check_all, priced), trace, **scale)
    ev = measure(
        "collusion.boq",
        partial(boq.boq_screens, priced, tender_codes=codes),
        trace,
        **scale,
        lines=args.lines,
    )
    kinds = sorted({e["indicator"] for e in ev})
    emit(
        "collusion.boq.result", evidence=len(ev), indicators=kinds, found=_ring(ev, "B000", "B001")
    )
    totals = [float(sum(x.amount for x in v)) for v in priced.values()]
    del priced

    t0 = time.perf_counter()
    meta = bids_meta(rng, args.bids)
    emit("collusion.generate.pdf", seconds=round(time.perf_counter() - t0, 1), pdfs=2 * args.bids)
    ev = measure(
        "collusion.fingerprints", lambda: fingerprints.fingerprint_screens(meta), trace, **scale
    )
    emit("collusion.fingerprints.result", evidence=len(ev), found=_ring(ev, "B000", "B001"))

    price = _price_module()
    if price is None:
        emit("collusion.price", skipped="jianguan/tendering/collusion/price_screens.py not found")
    else:
        measure("collusion.price", lambda: price.screens(totals), trace, **scale)
        hist = historical(nrng, args.tenders)
        measure(
            "collusion.price_many", lambda: price.screens_many(hist), trace, tenders=args.tenders
        )
    emit(
        "collusion.bench.total", seconds=round(time.perf_counter() - started, 1), rss_mib=_rss_mib()
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
