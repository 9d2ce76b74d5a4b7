"""Files that only the platform's own system user may read: the data directory, the secret
key, the ledger signing key, the demo bidders' private keys and the SQLite database.

Directories are 0700 and files 0600 from the moment they are created (never written first and
narrowed afterwards), and `tighten()` narrows what an older install left wider, on every start.

config/settings.py imports this before Django is set up, so it imports nothing from Django.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
# The database and the files SQLite keeps beside it (WAL, shared memory, rollback journal).
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def _narrow(path: Path, mode: int) -> None:
    """chmod to `mode` when it differs; a path not ours (a shared mount) is left alone."""
    try:
        current = path.lstat()
        if stat.S_ISLNK(current.st_mode) or stat.S_IMODE(current.st_mode) == mode:
            return
        path.chmod(mode)
    except OSError:
        pass


def private_dir(path: str | os.PathLike[str]) -> Path:
    """Create `path` (and missing parents) owner-only, or narrow it when it exists."""
    path = Path(path)
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _narrow(path, DIR_MODE)
    return path


def write_private(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write `data` atomically into an owner-only file. A missing directory is created
    owner-only; an existing one is the caller's to narrow (`private_dir`), since a key may be
    configured into a folder the platform does not own."""
    path = Path(path)
    path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # a stale .tmp from an older install may be wider
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)
    return path


def tighten_tree(path: str | os.PathLike[str]) -> None:
    """Every directory under `path` (itself included) 0700, every file 0600."""
    root = Path(path)
    if not root.is_dir() or root.is_symlink():
        if root.is_file():
            _narrow(root, FILE_MODE)
        return
    _narrow(root, DIR_MODE)
    for folder, dirs, files in os.walk(root):
        base = Path(folder)
        for name in dirs:
            _narrow(base / name, DIR_MODE)
        for name in files:
            _narrow(base / name, FILE_MODE)


def sqlite_private(database: str | os.PathLike[str]) -> None:
    """Create the SQLite file owner-only before SQLite does (SQLite gives its -wal and -shm
    files the database file's mode), and narrow an existing one and its companions."""
    path = Path(database)
    if path.parent.is_dir() and not path.exists():
        os.close(
            os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
        )  # an empty file is a valid database
    for suffix in SQLITE_SUFFIXES:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            _narrow(companion, FILE_MODE)


def tighten(
    data_dir: str | os.PathLike[str],
    *,
    trees: Iterable[str | os.PathLike[str]] = (),
    files: Iterable[str | os.PathLike[str]] = (),
    sqlite: str | os.PathLike[str] | None = None,
) -> None:
    """On start: the data directory 0700, each of `trees` (key folders) 0700/0600 throughout,
    each of `files` (the secret key, a signing key kept elsewhere) 0600, the SQLite files 0600."""
    private_dir(data_dir)
    for tree in trees:
        tighten_tree(tree)
    for name in files:
        file = Path(name)
        if file.is_file():
            _narrow(file, FILE_MODE)
    if sqlite:
        sqlite_private(sqlite)
