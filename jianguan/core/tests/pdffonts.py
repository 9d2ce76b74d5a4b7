"""`pdffonts` (poppler-utils) read into rows: the independent check that a PDF embeds its
fonts (a reader without Chinese fonts would otherwise show boxes)."""

from __future__ import annotations

import subprocess
import tempfile

from tests.needs import tool


def fonts(content: bytes) -> list[dict[str, str]]:
    """One dict per font of the PDF: name, type, emb ("yes"/"no")."""
    exe = tool("pdffonts")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(content)
        fh.flush()
        out = subprocess.run([exe, fh.name], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    # Column widths from the dashes under the header: names and types may contain spaces.
    spans, start = [], 0
    for dashes in lines[1].split(" "):
        spans.append((start, start + len(dashes)))
        start += len(dashes) + 1
    rows = []
    for line in lines[2:]:
        cells = [line[a:b].strip() for a, b in spans]
        rows.append({"name": cells[0], "type": cells[1], "emb": cells[3]})
    return rows


def assert_all_embedded(content: bytes) -> list[dict[str, str]]:
    rows = fonts(content)
    assert rows, "pdffonts found no font at all"
    bare = [r for r in rows if r["emb"] != "yes"]
    assert not bare, f"fonts not embedded: {bare}"
    return rows
