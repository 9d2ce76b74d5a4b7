"""Independent verifier for the JianGuan ledger, offline (bundle file) or online (live API).

Why a separate tool: the point of a transparency log is that nobody has to trust the
server, so the verifier needs only the standard library, ``cryptography`` and ``rfc8785``
(plus ``gmssl-pyx`` if heads are signed with SM2). It never imports Django and can be copied
to an auditor's laptop together with ``merkle.py``, ``merkle_consistency.py``,
``merkle_memory.py``, ``signing.py``, ``sm2keys.py`` and ``canonical.py``.

Usage::

    python -m jianguan.ledger.verify --bundle ledger-bundle.json [--trusted-key-id ID ...]
    python -m jianguan.ledger.verify --url https://jg.example.gov.cn [--token T]
                                     [--state FILE] [--no-entries] [--trusted-key-id ID ...]

Exit status 0 only when everything verified; 1 on any verification failure (the first
failing entry index is named, in English and Chinese); 2 on bad command-line usage.

Bundle format ``jianguan-ledger-bundle/1`` (one JSON document)::

    {
      "format": "jianguan-ledger-bundle/1",
      "hash_alg": "sm3",                       # or "sha256"; the Merkle hash (RFC 9162 §2.1)
      "entries": [                             # ALL entries 0..n-1, in order, no gaps
        {"index": 0,
         "leaf_input": "<standard base64>",    # canonical (RFC 8785) JSON bytes of
                                               # {"type", "object", "actor", "time",
                                               #  "payload", "files"} - exactly these keys
         "leaf_hash": "<lowercase hex>"},      # H(0x00 || leaf_input) as stored
        ...
      ],
      "heads": [                               # signed tree heads, ascending tree_size;
        {"tree_size": 12,                      # the last one must cover every entry
         "root_hash": "<lowercase hex>",
         "timestamp": "2026-11-23T12:00:00.123Z",
         "hash_alg": "sm3",
         "signature": "<standard base64>",     # over RFC 8785 JSON of the 4 keys above
         "key_id": "<32 hex>",
         "sig_alg": "ed25519"},                # or "sm2"
        ...
      ],
      "keys": [
        {"key_id": "<32 hex>",                 # SHA-256(SPKI DER)[:16], recomputed here
         "sig_alg": "ed25519",
         "public_key": "-----BEGIN PUBLIC KEY-----\\n...",   # SPKI PEM, canonical layout
         "valid_from": "2026-01-01T00:00:00.000Z",          # or null
         "valid_to": null}                                  # or a timestamp
      ]
    }

Extra keys in any object are ignored (and therefore not verified).

Bundle format ``jianguan-ledger-bundle/2`` (``manage.py ledger_export FILE --as USERNAME``, a
third-party auditor's bundle) is the same, except that an entry the named user may not read
is ``{"index": i, "leaf_hash": "<lowercase hex>", "withheld": true}`` with no ``leaf_input``:
its leaf hash goes into the recomputed tree as given, so every signed root still proves it
(an edited hash breaks the root); the report counts the withheld entries. ``/1`` bundles
may not withhold anything.

What is checked offline, and why each single-byte edit is caught:

* entries: ``index`` equals its position (a gap, duplicate or reorder is named); the
  base64 is canonical; ``leaf_input`` is canonical JSON with exactly the six keys; its leaf
  hash equals the stored ``leaf_hash`` string exactly. An edit to ``leaf_input`` or
  ``leaf_hash`` is reported at that exact index.
* if both ``leaf_input`` and ``leaf_hash`` were rewritten consistently, the recomputed
  Merkle root of the first ``tree_size`` entries differs from every signed head covering
  that entry. The first altered index then lies between the largest matching head and the
  smallest mismatching one; the lower bound is reported (exact when heads are one apart).
* heads: fields well-formed, same ``hash_alg`` as the bundle, signature valid under the
  key named by ``key_id``, timestamp within the key's validity, ``tree_size`` and timestamp
  non-decreasing, root equal to the recomputed MTH, and an RFC 9162 consistency proof
  generated from the bundle verifies between consecutive heads.
* keys: PEM in canonical layout, ``key_id`` recomputed from it, ``sig_alg`` matches the key
  type, validity bounds parse. Validity bounds are not signed, so an edit that still
  covers all head timestamps cannot be detected; pin keys with ``--trusted-key-id`` (a key
  id obtained out of band) to stop a forger who re-signs a whole bundle with a new key.

Online mode (``--url``) fetches ``/api/v1/ledger/{keys,head}``, checks the head signature,
fetches every entry (``/entries/{i}``, with ``Authorization: Bearer TOKEN``) and its
inclusion proof against the head (an entry withheld from the token's user, answered as
``{"index", "withheld": true, "leaf_hash"}``, is checked by that leaf hash and reported as
"withheld, verified by hash"), and checks a consistency proof from every head recorded
earlier in the state file (default ``~/.jianguan-verify-state.json``, keyed by URL) to the
new head. Only when everything verifies is the new head appended to the state file. A
smaller tree size than one seen before, or the same size with another root, is reported as
a fork or rollback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .bundle import make_bundle, verify_bundle
from .common import (
    BUNDLE_FORMAT,
    DEFAULT_STATE_FILE,
    ENTRY_KEYS,
    Report,
    check_leaf_input,
)
from .online import Fetch, FetchError, http_fetch, verify_online

__all__ = [
    "BUNDLE_FORMAT",
    "DEFAULT_STATE_FILE",
    "ENTRY_KEYS",
    "Fetch",
    "FetchError",
    "Report",
    "check_leaf_input",
    "http_fetch",
    "main",
    "make_bundle",
    "verify_bundle",
    "verify_online",
]


# --------------------------------------------------------------------------- CLI


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m jianguan.ledger.verify",
        description="Verify a JianGuan ledger bundle offline, or a live ledger over HTTP.",
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--bundle", type=Path, help="bundle JSON file (offline mode)")
    source.add_argument("--url", help="base URL of the JianGuan site (online mode)")
    p.add_argument("--token", help="API token for fetching entries (online mode)")
    p.add_argument(
        "--state",
        default=DEFAULT_STATE_FILE,
        help=f"where heads seen earlier are kept (default {DEFAULT_STATE_FILE})",
    )
    p.add_argument(
        "--no-entries",
        action="store_true",
        help="online: skip per-entry inclusion proofs (check head and consistency only)",
    )
    p.add_argument(
        "--trusted-key-id",
        action="append",
        default=None,
        metavar="KEY_ID",
        help="only accept heads signed by this key id (repeatable); obtain it out of band",
    )
    return p


def main(
    argv: Sequence[str] | None = None,
    *,
    fetch: Fetch = http_fetch,
    out: TextIO | None = None,
) -> int:
    """Command-line entry point; returns the exit status (0 = everything verified)."""
    args = _parser().parse_args(argv)
    report = Report(out or sys.stdout)
    if args.bundle is not None:
        try:
            bundle = json.loads(args.bundle.read_bytes())
        except (OSError, ValueError) as exc:
            report.fail(f"cannot read bundle: {exc}", "无法读取数据包", where=str(args.bundle))
            return report.summary("bundle")
        verify_bundle(bundle, report, args.trusted_key_id)
        return report.summary("bundle")
    verify_online(
        args.url,
        report,
        token=args.token,
        state_path=args.state,
        fetch=fetch,
        check_entries=not args.no_entries,
        trusted_key_ids=args.trusted_key_id,
    )
    return report.summary(args.url)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
