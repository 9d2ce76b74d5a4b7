"""Where the shared OCDS 1.1.5 schema is: ``OCDS_SCHEMA_DIR``, else ``../shared`` beside the
checkout (the project's convention), else the workplace's ``/work/shared`` (a CI clone in a
temporary folder has no ``../shared``)."""

from __future__ import annotations

import os
from pathlib import Path

_REPO = Path(__file__).resolve().parents[3]
_CANDIDATES = [
    os.environ.get("OCDS_SCHEMA_DIR", ""),
    str(_REPO.parent / "shared" / "data" / "ocds-1.1.5"),
    "/work/shared/data/ocds-1.1.5",
]
OCDS_SCHEMA = next(
    (Path(c) for c in _CANDIDATES if c and (Path(c) / "release-schema.json").is_file()),
    Path(_CANDIDATES[1]),
)
FOUND = (OCDS_SCHEMA / "release-schema.json").is_file()
