"""Canonical JSON (RFC 8785, JSON Canonicalization Scheme) for hashed and signed bytes.

Why: a Merkle leaf and a signed tree head commit to *bytes*. If two implementations could
serialise the same object differently (key order, whitespace, number or escape forms), a
verifier re-serialising an entry would get a different hash. JCS fixes one byte string per
JSON value, so the Django side, the offline verifier and any third-party tool agree.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

__all__ = ["canonical_json", "parse_canonical"]


def canonical_json(obj: Any) -> bytes:
    """RFC 8785 canonical UTF-8 bytes of ``obj``.

    Raises ``ValueError`` for values JCS cannot represent exactly (NaN/Infinity, integers
    beyond IEEE 754 double precision, non-string keys), instead of the library's own error
    types, so callers handle one exception class.
    """
    try:
        return rfc8785.dumps(obj)
    except rfc8785.CanonicalizationError as exc:
        raise ValueError(f"value cannot be canonicalised as RFC 8785 JSON: {exc}") from exc


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name} is not allowed")


def parse_canonical(data: bytes) -> Any:
    """Parse JSON ``data`` and insist it is already in RFC 8785 canonical form.

    Why strict: the leaf hash covers these exact bytes, so accepting a non-canonical
    variant would let two different byte strings stand for "the same" entry. Duplicate
    keys, extra whitespace, escaped ASCII, ``1.0`` for ``1`` and so on all raise
    ``ValueError``.
    """
    if not isinstance(data, bytes | bytearray):
        raise ValueError("canonical JSON must be given as bytes")
    try:
        text = bytes(data).decode("utf-8")
        obj = json.loads(text, parse_constant=_reject_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not valid UTF-8 JSON: {exc}") from exc
    if canonical_json(obj) != bytes(data):
        raise ValueError("JSON is valid but not in RFC 8785 canonical form")
    return obj
