"""What some tests need from the machine (the OCDS schema, pdftotext, Node.js).

On a developer's machine without it such a test skips (or leaves out the check that needs it);
under CI (``CI=true``, set by ``.ci/run``, which installs all of them) it fails instead: a CI
run must never go green by skipping what it was meant to check.
"""

from __future__ import annotations

import os
import shutil

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def available(ok: bool, what: str) -> bool:
    """``ok``; under CI a missing ``what`` fails the test instead of leaving a check out."""
    if not ok and in_ci():
        pytest.fail(f"CI=true but {what}: .ci/run installs it, the check must not be skipped")
    return ok


def need(ok: bool, what: str) -> None:
    """Skip the test without ``what``, or fail it under CI."""
    if not available(ok, what):
        pytest.skip(what)


def tool(name: str) -> str:
    """The path of a command-line tool the test needs (skip without it, fail under CI)."""
    path = shutil.which(name)
    need(path is not None, f"{name} not installed")
    return path
