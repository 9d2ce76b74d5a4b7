"""Independent computation of the 下浮系数 K draw vectors (writes draw_k.json beside it).

Imports nothing from jianguan. The published procedure (README "Random draws are re-runnable";
docstring of jianguan.tendering.evaluation.price_score.draw_k / k_commitment):

* the K set is made value-canonical: each value written in plain decimal without trailing
  zeros ("0.00" -> "0", "0.010" -> "0.01"), duplicates by value removed, sorted by value; the
  canonical strings below are written out BY HAND from the inputs;
* msg = b"price-k:" + JSON array of those strings, no whitespace (e.g. ["0","0.01"]);
* idx = int(HMAC-SHA256(key=seed, msg), big-endian) mod len(set); K = set[idx];
* commitment = SHA-256 of canonical JSON {"type": "price_k_commitment", "k_set": [...],
  "seed_hex": ..., "at": ...} (sorted keys, no whitespace, UTF-8).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

CASES = [
    # (name, k_set as given, canonical strings written by hand, seed hex, at)
    (
        "four-values",
        ["0.00", "0.01", "0.02", "0.03"],
        ["0", "0.01", "0.02", "0.03"],
        "00" * 32,
        "2026-03-16T02:00:00.000Z",
    ),
    (
        "four-values-seed-ff",
        ["0.00", "0.01", "0.02", "0.03"],
        ["0", "0.01", "0.02", "0.03"],
        "ff" * 32,
        "2026-03-16T02:00:00.000Z",
    ),
    (
        "unsorted-and-trailing-zeros",
        ["0.030", "0.010", "0.0", "0.020", "0.01"],
        ["0", "0.01", "0.02", "0.03"],
        bytes(range(32)).hex(),
        "2026-03-16T02:00:00.000Z",
    ),
    (
        "five-values",
        ["0.005", "0.015", "0.025", "0.035", "0.045"],
        ["0.005", "0.015", "0.025", "0.035", "0.045"],
        hashlib.sha256(b"jianguan k vector 1").hexdigest(),
        "2026-04-01T06:30:00.000Z",
    ),
    (
        "seven-values",
        ["0.01", "0.02", "0.03", "0.04", "0.05", "0.06", "0.07"],
        ["0.01", "0.02", "0.03", "0.04", "0.05", "0.06", "0.07"],
        hashlib.sha256(b"jianguan k vector 2").hexdigest(),
        "2026-04-01T06:30:00.000Z",
    ),
    ("single-value", ["0.05"], ["0.05"], "11" * 16, "2026-04-01T06:30:00.000Z"),
]


def main() -> None:
    out = []
    for name, given, canon, seed_hex, at in CASES:
        msg = b"price-k:" + json.dumps(canon, separators=(",", ":")).encode()
        mac = hmac.new(bytes.fromhex(seed_hex), msg, hashlib.sha256).digest()
        idx = int.from_bytes(mac, "big") % len(canon)
        commit = json.dumps(
            {"type": "price_k_commitment", "k_set": canon, "seed_hex": seed_hex, "at": at},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
        out.append(
            {
                "name": name,
                "k_set": given,
                "canonical": canon,
                "seed_hex": seed_hex,
                "at": at,
                "message": msg.decode(),
                "hmac_hex": mac.hex(),
                "index": idx,
                "k": canon[idx],
                "commitment_json": commit.decode(),
                "commitment": hashlib.sha256(commit).hexdigest(),
            }
        )
    doc = {
        "about": "下浮系数 K draw known answers (price_score.draw_k, k_commitment), computed by "
        "make_draw_k.py from the documented procedure, never by the code under test.",
        "cases": out,
    }
    (HERE / "draw_k.json").write_text(
        json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    for c in out:
        print(c["name"], c["index"], c["k"])


if __name__ == "__main__":
    main()
