"""Independent computation of the ledger-entry known answers (writes ledger_entries.json).

Imports nothing from jianguan (nor the rfc8785 package the project uses): RFC 8785 (JCS) is
re-implemented below from the RFC, and the entry document follows README "可信存证接口" and
DESIGN.md "Ledger": an entry is the RFC 8785 JSON of {type, object, actor, time, payload, files};
leaf hash = H(0x00 || leaf_input), node hash = H(0x01 || left || right) (RFC 9162 §2.1.1), H = SM3
(default) or SHA-256. The documented conversion of payload values: Decimal -> its string
(str(Decimal), trailing zeros kept), datetime -> UTC "YYYY-MM-DDTHH:MM:SS.mmmZ" (milliseconds,
truncated), date -> ISO date, set -> sorted list, tuple -> list, None/bool/int/str as is; a file
-> {"name", "sm3": lowercase hex SM3 of its bytes}.

Typed payload values are written in the JSON as {"$decimal": "..."}, {"$date": "..."},
{"$datetime": "...+00:00"}, {"$set": [...]}, {"$tuple": [...]}; files as {"name", "content_b64"}.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent


# --- RFC 8785 -----------------------------------------------------------------------------------


def _jcs_string(s: str) -> str:
    out = ['"']
    short = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
             "\t": "\\t"}  # fmt: skip
    for ch in s:
        if ch in short:
            out.append(short[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _jcs_number(x: float | int) -> str:
    """ECMAScript Number.prototype.toString (RFC 8785 §3.2.2.3) for finite doubles."""
    if isinstance(x, int):
        if abs(x) > 2**53 - 1:
            raise ValueError("integer outside IEEE 754 exact range")
        x = float(x)
    if not math.isfinite(x):
        raise ValueError("NaN/Infinity")
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    t = Decimal(repr(abs(x))).as_tuple()  # repr: shortest round-trip digits, like ECMAScript
    digits = "".join(map(str, t.digits)).rstrip("0") or "0"
    # value = 0.digits × 10^n
    n = len(t.digits) + t.exponent
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    mant = digits[0] + ("." + digits[1:] if k > 1 else "")
    return sign + mant + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def jcs(v) -> bytes:
    def enc(v) -> str:
        if v is None:
            return "null"
        if v is True:
            return "true"
        if v is False:
            return "false"
        if isinstance(v, int | float):
            return _jcs_number(v)
        if isinstance(v, str):
            return _jcs_string(v)
        if isinstance(v, list):
            return "[" + ",".join(enc(i) for i in v) + "]"
        if isinstance(v, dict):
            keys = sorted(v, key=lambda k: k.encode("utf-16-be"))  # UTF-16 code units
            return "{" + ",".join(_jcs_string(k) + ":" + enc(v[k]) for k in keys) + "}"
        raise TypeError(type(v))

    return enc(v).encode("utf-8")


# RFC 8785 §3.2.2 and §3.2.3 examples, outputs copied from the RFC text.
RFC_EXAMPLES = [
    {
        "name": "RFC 8785 §3.2.2 sample",
        "input_json": '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
        "output": '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    },
    {
        "name": "RFC 8785 §3.2.3 sorting of properties",
        "input_json": '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}',
        "output": '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    },
]


# --- entries ------------------------------------------------------------------------------------


def sm3(data: bytes) -> bytes:
    return hashlib.new("sm3", data).digest()


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def plain(v):
    """Tagged JSON value -> what the ledger writes (the documented conversion)."""
    if isinstance(v, dict) and len(v) == 1 and next(iter(v)).startswith("$"):
        tag, inner = next(iter(v.items()))
        if tag == "$decimal":
            return str(Decimal(inner))
        if tag == "$date":
            return date.fromisoformat(inner).isoformat()
        if tag == "$datetime":
            t = datetime.fromisoformat(inner).astimezone(UTC)
            return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
        if tag == "$set":
            return sorted(plain(i) for i in inner)
        if tag == "$tuple":
            return [plain(i) for i in inner]
        raise ValueError(tag)
    if isinstance(v, dict):
        return {k: plain(i) for k, i in v.items()}
    if isinstance(v, list):
        return [plain(i) for i in v]
    return v


ENTRIES = [
    {
        "type": "tendering.bid_received",
        "model": "tendering.Bid",
        "id": 17,
        "actor": {"username": "bidder_zhang", "credit_code": "91110115MA01BID01X"},
        "time": "2026-03-10T16:00:00.123456+08:00",
        "payload": {
            "price": {"$decimal": "12345678.90"},
            "bidder": "北京示例建设集团有限公司",
            "lots": {"$tuple": [1, 2]},
            "received_at": {"$datetime": "2026-03-10T08:00:00.999999+00:00"},
            "package_sm3": "2c1a315f888108b51b1e1d63b92c41b418b64fd5f5802a68fbbe7850df0ec513",
        },
        "files": [],
    },
    {
        "type": "contracts.payment_claim_reviewed",
        "model": "contracts.PaymentClaim",
        "id": 4242,
        "actor": {"username": "auditor_li", "credit_code": "91110000AUDIT0001K"},
        "time": "2026-04-01T01:02:03.000999+00:00",
        "payload": {
            "amounts": {
                "claimed": {"$decimal": "1000000.00"},
                "approved": {"$decimal": "987654.32"},
                "cut": {"$decimal": "-12345.68"},
                "tiny": {"$decimal": "0.000001"},
                "huge": {"$decimal": "12345678901234567890.12"},
            },
            "ratio": {"$decimal": "0.9877"},
            "opinion": '审减："钢筋"单价\t偏高\n详见附件\\附表1',
            "items": [
                {"code": "010101001", "qty": {"$decimal": "12.500"}, "unit": "m³"},
                {"code": "010101002", "qty": {"$decimal": "0"}, "unit": "t"},
            ],
            "tags": {"$set": ["复核", "audit", "Zeta"]},
            "due": {"$date": "2026-04-30"},
            "note": None,
            "final": True,
            "count": 3,
            "largest_exact": 9007199254740991,
            "negative": -42,
        },
        "files": [
            {
                "name": "审计意见.pdf",
                "content_b64": base64.b64encode(b"%PDF-1.4\n% vector\n").decode(),
            },
            {"name": "photo.jpg", "content_b64": base64.b64encode(bytes(range(256))).decode()},
        ],
    },
    {
        "type": "compliance.order_issued",
        "model": "accounts.Organisation",
        "id": 7,
        "actor": {"username": "", "credit_code": None},
        "time": "2026-12-31T23:59:59.999999+00:00",
        "payload": {
            "€": 1,
            "\r": 2,
            "\ufb33": 3,
            "1": 4,
            "😀": 5,
            "\u0080": 6,
            "ö": 7,
            "nested": {"z": {"y": {"x": [{"b": 1, "a": 2}, [], {}]}}, "A": "大写"},
            "text": '行1\u2028行2\u0001\u001f\u007f"/😀',
            "empty": "",
        },
        "files": [],
    },
]


def document(e: dict) -> dict:
    app, model = e["model"].split(".")
    t = datetime.fromisoformat(e["time"]).astimezone(UTC)
    return {
        "type": e["type"],
        "object": {"app": app, "model": model.lower(), "id": str(e["id"])},
        "actor": {
            "user": e["actor"]["username"] or None,
            "organisation": e["actor"]["credit_code"],
        },
        "time": t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z",
        "payload": plain(e["payload"]),
        "files": [
            {"name": f["name"], "sm3": sm3(base64.b64decode(f["content_b64"])).hex()}
            for f in e["files"]
        ],
    }


def main() -> None:
    for ex in RFC_EXAMPLES:
        got = jcs(json.loads(ex["input_json"])).decode()
        assert got == ex["output"], (ex["name"], got)
    out_entries = []
    leaves = {"sm3": [], "sha256": []}
    for e in ENTRIES:
        raw = jcs(document(e))
        for alg, h in (("sm3", sm3), ("sha256", sha256)):
            leaves[alg].append(h(b"\x00" + raw))
        out_entries.append({
            **e,
            "expected": {
                "leaf_input_utf8": raw.decode("utf-8"),
                "leaf_input_b64": base64.b64encode(raw).decode(),
                "leaf_hash_sm3": leaves["sm3"][-1].hex(),
                "leaf_hash_sha256": leaves["sha256"][-1].hex(),
            },
        })  # fmt: skip
    roots = {}
    for alg, h in (("sm3", sm3), ("sha256", sha256)):
        lv = leaves[alg]
        roots[alg] = h(b"\x01" + h(b"\x01" + lv[0] + lv[1]) + lv[2]).hex()  # RFC 9162, n = 3
    doc = {
        "about": "Ledger entry known answers: RFC 8785 bytes of {type, object, actor, time, "
        "payload, files}, leaf hash H(0x00||leaf_input) with SM3 and SHA-256, and the "
        "RFC 9162 root of the three. Computed by make_ledger_entries.py (its own JCS "
        "implementation, checked against the RFC 8785 examples), never by the code under "
        "test.",
        "rfc8785_examples": RFC_EXAMPLES,
        "entries": out_entries,
        "root_of_three": roots,
    }
    (HERE / "ledger_entries.json").write_text(
        json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    for e in out_entries:
        print(e["expected"]["leaf_input_utf8"][:150])
    print(roots)


if __name__ == "__main__":
    main()
