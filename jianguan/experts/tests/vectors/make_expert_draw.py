"""Independent re-implementation of the published expert draw, used ONCE to write expert_draw.json.

Imports nothing from jianguan: it follows the procedure as documented in the module docstring of
jianguan/experts/draw.py and README "Random draws are re-runnable":

* eligible = candidates with no exclusion (employed by tenderer/agency/bidder at any time in
  [on - lookback_years, on]; declared relation; regulator staff; punished; suspended or not
  available; >= max_seats_same_tenderer seats for the same tenderer in [on - window, on]);
* pool digest = SHA-256 of canonical JSON {"type": "expert_pool", "request": {...},
  "eligible": [[id, sorted(specialties ∩ needed)], ...] ascending by id};
* commitment = SHA-256 of canonical JSON {"type": "expert_draw_commitment", "pool_digest",
  "seed_hex", "at", "officer"};
* rank within a specialty by HMAC-SHA256(key=seed, msg=UTF-8 "<specialty>:<decimal id>")
  ascending; take `count`, skipping anyone already drawn for an earlier specialty; after all
  members are fixed, the next `alternates_per_specialty` non-members in rank order per specialty
  are the alternates; a declined seat goes to the first alternate of that specialty who is not
  sitting, has not declined and shows no conflict.

Run: python jianguan/experts/tests/vectors/make_expert_draw.py  (rewrites the JSON beside it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent


def cj(obj) -> bytes:
    # ASCII keys, strings and integers only: sorted keys + no whitespace is RFC 8785 here.
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


SEED = bytes(range(32))  # 000102…1f, the published seed of this vector
REQUEST = {
    "tender": "DX-2026-KAT-01",
    "on": "2026-03-16",
    "tenderer": "91110115TENDERER01",
    "agency": "91110115AGENCY0001",
    "bidders": ["91110115BIDDERAAAA", "91110115BIDDERBBBB"],
    "needs": [["civil", 3], ["cost", 2]],
    "lookback_years": 3,
    "max_seats_same_tenderer": 2,
    "seat_window_days": 365,
    "alternates_per_specialty": 3,
}

# Candidates (JSON form used by the test too). Dates are ISO strings.
CANDIDATES = [
    {"id": 1, "specialties": ["civil"]},
    {"id": 2, "specialties": ["civil"]},
    {"id": 3, "specialties": ["civil"]},
    {"id": 4, "specialties": ["civil"]},
    {"id": 5, "specialties": ["civil"]},
    {"id": 6, "specialties": ["civil"]},
    {"id": 7, "specialties": ["civil", "electrical"]},
    {"id": 8, "specialties": ["civil"]},
    {"id": 9, "specialties": ["civil"]},
    {"id": 11, "specialties": ["cost"], "economic": True},
    {"id": 12, "specialties": ["cost"], "economic": True},
    {"id": 13, "specialties": ["cost"], "economic": True},
    {"id": 14, "specialties": ["cost"], "economic": True},
    {"id": 15, "specialties": ["cost"], "economic": True},
    {"id": 20, "specialties": ["civil", "cost"]},
    {"id": 21, "specialties": ["civil", "cost"]},
    # excluded, one reason each:
    {
        "id": 30,
        "specialties": ["civil"],
        "employments": [
            {"organisation": "91110115BIDDERAAAA", "start": "2019-01-01", "end": "2023-03-16"}
        ],
    },  # ended exactly 3 years ago: still counts
    {
        "id": 31,
        "specialties": ["civil"],
        "employments": [
            {"organisation": "91110115BIDDERAAAA", "start": "2019-01-01", "end": "2023-03-15"}
        ],
    },  # ended the day before the cut-off: eligible
    {"id": 32, "specialties": ["cost"], "economic": True, "regulator_staff": True},
    {
        "id": 33,
        "specialties": ["cost"],
        "economic": True,
        "related_organisations": ["91110115AGENCY0001"],
    },
    {"id": 34, "specialties": ["civil"], "punished_for_tendering": True},
    {"id": 35, "specialties": ["civil"], "suspended": True},
    {"id": 36, "specialties": ["civil"], "available": False},
    {
        "id": 37,
        "specialties": ["civil"],
        "seats": [
            {"tenderer": "91110115TENDERER01", "on": "2025-03-16"},
            {"tenderer": "91110115TENDERER01", "on": "2026-01-05"},
        ],
    },  # 2 seats in window
    {
        "id": 38,
        "specialties": ["civil"],
        "seats": [
            {"tenderer": "91110115TENDERER01", "on": "2025-03-15"},
            {"tenderer": "91110115TENDERER01", "on": "2026-01-05"},
        ],
    },  # one is 366 days old
    {
        "id": 39,
        "specialties": ["cost"],
        "economic": True,
        "employments": [{"organisation": "91110115TENDERER01", "start": "2024-05-01"}],
    },
]
AT = "2026-03-16T01:30:00.000Z"
OFFICER = "supervisor01"


def d(s: str) -> date:
    return date.fromisoformat(s)


def excluded(c: dict, r: dict) -> bool:
    on = d(r["on"])
    try:
        cutoff = on.replace(year=on.year - r["lookback_years"])
    except ValueError:
        cutoff = on.replace(year=on.year - r["lookback_years"], day=28)
    parties = [r["tenderer"], *([r["agency"]] if r["agency"] else []), *r["bidders"]]
    for e in c.get("employments", []):
        end = d(e["end"]) if e.get("end") else None
        if e["organisation"] in parties and d(e["start"]) <= on and (end is None or end >= cutoff):
            return True
    if set(c.get("related_organisations", [])) & set(parties):
        return True
    if c.get("regulator_staff") or c.get("punished_for_tendering") or c.get("suspended"):
        return True
    if c.get("available", True) is False:
        return True
    window = timedelta(days=r["seat_window_days"])
    recent = [
        s
        for s in c.get("seats", [])
        if s["tenderer"] == r["tenderer"] and on - window <= d(s["on"]) <= on
    ]
    return len(recent) >= r["max_seats_same_tenderer"]


def rank(seed: bytes, spec: str, cid: int) -> bytes:
    return hmac.new(seed, f"{spec}:{cid}".encode(), hashlib.sha256).digest()


def main() -> None:
    r = REQUEST
    needed = {s for s, _ in r["needs"]}
    by_id = sorted(CANDIDATES, key=lambda c: c["id"])
    eligible = [c for c in by_id if not excluded(c, r)]
    excluded_ids = [c["id"] for c in by_id if excluded(c, r)]
    pool_payload = {
        "type": "expert_pool",
        "request": r,
        "eligible": [[c["id"], sorted(set(c["specialties"]) & needed)] for c in eligible],
    }
    pool_json = cj(pool_payload)
    pool_digest = hashlib.sha256(pool_json).hexdigest()
    commitment = hashlib.sha256(
        cj(
            {
                "type": "expert_draw_commitment",
                "pool_digest": pool_digest,
                "seed_hex": SEED.hex(),
                "at": AT,
                "officer": OFFICER,
            }
        )
    ).hexdigest()

    def ranked(spec: str, skip: set[int]) -> list[int]:
        ids = [c["id"] for c in eligible if spec in c["specialties"] and c["id"] not in skip]
        return sorted(ids, key=lambda i: rank(SEED, spec, i))

    ranks = {
        spec: [
            [c["id"], rank(SEED, spec, c["id"]).hex()]
            for c in sorted(eligible, key=lambda c: rank(SEED, spec, c["id"]))
            if spec in c["specialties"]
        ]
        for spec in sorted(needed)
    }
    members: list[list] = []
    taken: set[int] = set()
    for spec, count in r["needs"]:
        for cid in ranked(spec, taken)[:count]:
            members.append([spec, cid])
            taken.add(cid)
    alternates = [
        [spec, ranked(spec, taken)[: r["alternates_per_specialty"]]] for spec, _ in r["needs"]
    ]
    # Replacement: the first member of "civil" declines.
    declined = members[0][1]
    spec = members[0][0]
    sitting = {m for _, m in members}
    alt_list = dict((s, a) for s, a in alternates)[spec]
    repl = next(a for a in alt_list if a not in sitting and a != declined)
    after_members = [[s, repl if m == declined else m] for s, m in members]
    after_alternates = [
        [s, [a for a in alts if a != repl]] if s == spec else [s, alts] for s, alts in alternates
    ]
    out = {
        "about": "Expert committee draw known answer (jianguan/experts/draw.py). Computed by "
        "make_expert_draw.py from the documented procedure, never by the code under "
        "test. rank_key = HMAC-SHA256(seed, '<specialty>:<id>'); ranks lists every "
        "eligible candidate of a specialty in rank order with its HMAC.",
        "seed_hex": SEED.hex(),
        "request": r,
        "candidates": CANDIDATES,
        "at": AT,
        "officer": OFFICER,
        "expected": {
            "excluded_ids": excluded_ids,
            "eligible_ids": [c["id"] for c in eligible],
            "pool_canonical_json": pool_json.decode(),
            "pool_digest": pool_digest,
            "commitment": commitment,
            "ranks": ranks,
            "members": members,
            "alternates": alternates,
            "replacement": {
                "declined": declined,
                "specialty": spec,
                "replacement": repl,
                "members": after_members,
                "alternates": after_alternates,
            },
        },
    }
    (HERE / "expert_draw.json").write_text(
        json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(json.dumps(out["expected"]["members"]), out["expected"]["alternates"], repl)


if __name__ == "__main__":
    main()
