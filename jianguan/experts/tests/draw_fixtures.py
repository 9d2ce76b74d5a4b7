"""Requests, candidates and pools shared by the expert-draw tests (no database)."""

from __future__ import annotations

import hashlib
from dataclasses import replace as dc_replace
from datetime import date

from jianguan.experts.draw import (
    Candidate,
    Request,
)

ON = date(2025, 6, 10)
TENDERER = "91110115TENDERER01"
AGENCY = "91110115AGENCY0001"
BIDDER_A = "91110115BIDDERAAAA"
BIDDER_B = "91110115BIDDERBBBB"
SEED = hashlib.sha256(b"fixed test seed").digest()


def req(**kw) -> Request:
    base = dict(
        tender="DX-2025-001",
        on=ON,
        tenderer=TENDERER,
        agency=AGENCY,
        bidders=frozenset({BIDDER_A, BIDDER_B}),
        needs=(("civil", 3), ("cost", 2)),
    )
    base.update(kw)
    return Request(**base)


def cand(i: int, *specs: str, **kw) -> Candidate:
    return Candidate(
        id=i, name=f"专家{i}", specialties=frozenset(specs or ("civil",)), economic=False, **kw
    )


def pool() -> list[Candidate]:
    civil = [cand(i, "civil") for i in range(1, 9)]
    cost = [dc_replace(cand(i, "cost"), economic=True) for i in range(11, 16)]
    both = [cand(20, "civil", "cost")]
    return civil + cost + both
