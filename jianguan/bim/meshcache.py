"""The platform's mesh cache: each triangulated element in a file under a folder (DATA_DIR/bim/
meshes), keyed by GlobalId and geometry hash, so an unchanged element of the next revision is
read back instead of triangulated again. No Django: the child process uses it."""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from jianguan.bim.engine.types import Mesh


class FileMeshCache:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, guid: str, geometry_hash: str) -> Path:
        # GlobalIds use [0-9A-Za-z_$]: "$" is fine in a file name; the hash is hex
        safe = guid.replace("/", "_")
        return self.root / geometry_hash[:2] / f"{safe}-{geometry_hash}.npz"

    def get(self, guid: str, geometry_hash: str) -> Mesh | None:
        path = self._path(guid, geometry_hash)
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = [str(x) for x in data["meta"]]
                return Mesh(
                    guid=guid,
                    ifc_class=meta[0],
                    name=meta[1],
                    storey=meta[2],
                    geometry_hash=geometry_hash,
                    vertices=data["vertices"].astype(np.float64),
                    faces=data["faces"],
                )
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
            return None  # absent or half-written: triangulate again

    def put(self, mesh: Mesh) -> None:
        path = self._path(mesh.guid, mesh.geometry_hash)
        path.parent.mkdir(parents=True, exist_ok=True)
        # written aside then renamed: a reader never sees half a file
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(
                    fh,
                    vertices=np.asarray(mesh.vertices, dtype=np.float64),
                    faces=np.asarray(mesh.faces),
                    meta=np.array([mesh.ifc_class, mesh.name or "", mesh.storey or ""]),
                )
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
