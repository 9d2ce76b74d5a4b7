"""Integrity checks for the vendored front-end assets in ``static/vendor/``.

The platform runs on a government intranet, so every third-party front-end
asset is vendored (no CDN).  ``static/vendor/VENDOR.md`` records the pinned
package versions and the SHA-256 of every vendored file in ``sha256sum``
format (``<64 hex digits>  <path relative to the vendor directory>``).

This module is deliberately free of Django imports so it can be used from a
plain unit test, a management command or a CI script alike::

    from jianguan.web.vendor_check import VENDOR_DIR, verify_vendor

    assert verify_vendor(VENDOR_DIR) == []

The same file can also be checked by hand: ``cd static/vendor && sha256sum
--ignore-missing -c VENDOR.md`` (non-hash lines are reported as improperly
formatted and ignored).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

__all__ = [
    "VENDOR_DIR",
    "MANIFEST_NAME",
    "parse_manifest",
    "verify_vendor",
    "check_css_references",
]

#: Default location of the vendored tree (``jianguan/web/static/vendor``).
VENDOR_DIR = Path(__file__).resolve().parent / "static" / "vendor"

#: Name of the manifest file inside the vendor directory.
MANIFEST_NAME = "VENDOR.md"

# A sha256sum line: 64 hex digits, whitespace, optional "*" (binary mode
# marker), then the relative path.  Table rows start with "|", prose lines
# never start with 64 hex digits, so only checksum lines match.
_SHA_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](\S.*?)\s*$")

# Files inside the vendor directory that are not vendored assets and thus
# need no checksum entry.
_IGNORED_NAMES = {MANIFEST_NAME, ".DS_Store", "Thumbs.db"}
_IGNORED_DIRS = {"__pycache__"}

# url(...) in CSS, quoted or unquoted, and @import "...".
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"""@import\s+(['"])(.*?)\1""", re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _safe_relpath(rel: str) -> bool:
    """Reject absolute paths and paths escaping the vendor directory."""
    pure = PurePosixPath(rel)
    return not pure.is_absolute() and ".." not in pure.parts and "\\" not in rel


def parse_manifest(text: str) -> list[tuple[str, str]]:
    """Return ``(sha256, relative_path)`` pairs found in VENDOR.md text."""
    entries: list[tuple[str, str]] = []
    for line in text.splitlines():
        match = _SHA_LINE.match(line.strip())
        if match:
            entries.append((match.group(1).lower(), match.group(2)))
    return entries


def verify_vendor(root: Path = VENDOR_DIR) -> list[str]:
    """Check the vendored tree under ``root`` against ``root/VENDOR.md``.

    ``root`` is the vendor directory itself (the one containing VENDOR.md).
    Returns a list of human-readable problems; an empty list means the tree
    matches the manifest exactly.  Reported problems:

    * VENDOR.md missing or containing no checksum lines;
    * malformed/unsafe or duplicate entries;
    * a listed file that is missing;
    * a listed file whose SHA-256 differs from the recorded one;
    * a file present in the tree but not listed in VENDOR.md.
    """
    root = Path(root)
    manifest = root / MANIFEST_NAME
    if not manifest.is_file():
        return [f"{manifest}: manifest not found"]

    entries = parse_manifest(manifest.read_text(encoding="utf-8"))
    if not entries:
        return [f"{manifest}: no sha256 lines found"]

    problems: list[str] = []
    listed: set[str] = set()
    for expected, rel in entries:
        if not _safe_relpath(rel):
            problems.append(f"{rel}: unsafe path in {MANIFEST_NAME}")
            continue
        if rel in listed:
            problems.append(f"{rel}: listed more than once in {MANIFEST_NAME}")
            continue
        listed.add(rel)
        path = root / rel
        if not path.is_file():
            problems.append(f"{rel}: missing file")
            continue
        actual = _sha256(path)
        if actual != expected:
            problems.append(f"{rel}: sha256 mismatch (expected {expected}, got {actual})")

    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        rel_parts = path.relative_to(root).parts
        if path.name in _IGNORED_NAMES or _IGNORED_DIRS.intersection(rel_parts):
            continue
        rel = "/".join(rel_parts)
        if rel not in listed:
            problems.append(f"{rel}: file not listed in {MANIFEST_NAME}")

    return problems


def check_css_references(root: Path = VENDOR_DIR) -> list[str]:
    """Check every ``url()`` / ``@import`` in the vendored CSS.

    Returns problems for references that would hit the network (``http:``,
    ``https:``, protocol-relative ``//``) and for relative references whose
    target file does not exist in the vendored tree.  ``data:`` URIs and
    fragment-only references (e.g. ``url(#default#VML)``) are ignored, and
    comments are stripped first (licence banners may mention URLs).
    """
    root = Path(root)
    problems: list[str] = []
    for css in sorted(root.rglob("*.css")):
        rel_css = css.relative_to(root).as_posix()
        text = _CSS_COMMENT.sub("", css.read_text(encoding="utf-8"))
        refs = [m.group(2).strip() for m in _CSS_URL.finditer(text)]
        refs += [m.group(2).strip() for m in _CSS_IMPORT.finditer(text)]
        for ref in refs:
            low = ref.lower()
            if not ref or low.startswith(("data:", "#")):
                continue
            if low.startswith(("http:", "https:", "//")) or re.match(r"^[a-z][a-z0-9+.-]*:", low):
                problems.append(f"{rel_css}: external reference {ref!r}")
                continue
            if ref.startswith("/"):
                problems.append(f"{rel_css}: root-absolute reference {ref!r}")
                continue
            target_rel = re.split(r"[?#]", ref, maxsplit=1)[0]
            target = (css.parent / target_rel).resolve()
            try:
                target.relative_to(root.resolve())
            except ValueError:
                problems.append(f"{rel_css}: reference {ref!r} leaves the vendor tree")
                continue
            if not target.is_file():
                problems.append(f"{rel_css}: reference {ref!r} points to a missing file")
    return problems


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys

    vendor_root = Path(sys.argv[1]) if len(sys.argv) > 1 else VENDOR_DIR
    found = verify_vendor(vendor_root) + check_css_references(vendor_root)
    for problem in found:
        print(problem)
    sys.exit(1 if found else 0)
