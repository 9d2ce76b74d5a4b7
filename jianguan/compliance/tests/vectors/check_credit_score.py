"""Re-check the hand-written credit_score.json with exact fractions (imports nothing from jianguan).

Run: python jianguan/compliance/tests/vectors/check_credit_score.py  -> "ok" or an AssertionError.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent


def away(x: Fraction) -> int:
    """Round half away from zero to an integer."""
    n = abs(x)
    r = (n.numerator * 2 + n.denominator) // (2 * n.denominator)
    return r if x >= 0 else -r


def main() -> None:
    doc = json.loads((HERE / "credit_score.json").read_text("utf-8"))
    for ex in doc["examples"]:
        on, p, exp = date.fromisoformat(ex["on"]), ex["params"], ex["expected"]
        good = bad = count = 0
        for e in ex["entries"]:
            occ, rec, exp_on = (
                date.fromisoformat(e[k]) for k in ("occurred_on", "recorded_on", "expires_on")
            )
            ends = date.fromisoformat(e["ends_on"]) if e["ends_on"] else None
            counts = rec < on and occ <= on < exp_on and (ends is None or on < ends)
            if not counts:
                c = 0
            elif p["decay"] == "none":
                c = e["points"]
            else:
                c = away(Fraction(e["points"] * (exp_on - on).days, (exp_on - occ).days))
            assert c == e["contribution"], (ex["name"], e["record_id"], c)
            if counts:
                count += 1
                good, bad = (good + c, bad) if c > 0 else (good, bad + c)
        raw = p["base"] + good + bad
        score = min(max(raw, p["floor"]), p["cap"])
        got = {
            "good": good,
            "bad": bad,
            "count": count,
            "raw": raw,
            "clamp": score - raw,
            "score": score,
        }
        assert got == {k: exp[k] for k in got}, (ex["name"], got)
        assert f"{score // 100}.{score % 100:02d}" == exp["score_points"]
    dg = doc["digest"]
    lines = "".join(f"{s}:{v}\n" for s, v in sorted(map(tuple, dg["scores"])))
    assert lines == dg["bytes"]
    assert hashlib.sha256(lines.encode()).hexdigest() == dg["sha256"]
    print("ok")


if __name__ == "__main__":
    main()
