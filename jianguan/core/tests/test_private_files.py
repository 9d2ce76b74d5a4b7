"""Keys, the secret key and the database are readable by the platform's own user only:
directories 0700, files 0600, on a fresh install, after the demo seed and on an old install
(narrowed on start)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from jianguan.core import private_files

ROOT = Path(settings.BASE_DIR)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _modes_under(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): _mode(p) for p in [root, *root.rglob("*")]}


def test_write_private_is_owner_only_from_the_start(tmp_path):
    old = os.umask(0)  # even with no umask at all
    try:
        path = private_files.write_private(tmp_path / "new" / "key.pem", b"secret")
    finally:
        os.umask(old)
    assert path.read_bytes() == b"secret"
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    # a stale, wider .tmp does not widen the result
    stale = tmp_path / "new" / "key.pem.tmp"
    stale.write_bytes(b"x")
    stale.chmod(0o644)
    private_files.write_private(tmp_path / "new" / "key.pem", "again")
    assert _mode(path) == 0o600 and not stale.exists()


def test_the_sqlite_file_and_its_wal_are_owner_only(tmp_path):
    import sqlite3

    db = tmp_path / "jianguan.sqlite3"
    private_files.sqlite_private(db)
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        conn.commit()
        modes = {p.name: _mode(p) for p in tmp_path.iterdir()}
    finally:
        conn.close()
    assert modes == {
        "jianguan.sqlite3": 0o600,
        "jianguan.sqlite3-wal": 0o600,
        "jianguan.sqlite3-shm": 0o600,
    }


@pytest.mark.django_db
def test_demo_keys_and_the_ledger_key_are_private_after_the_seed(demo_district):
    keys = demo_district.data_dir / "demo-keys"
    modes = _modes_under(keys)
    assert len([name for name in modes if name.endswith(".pem")]) >= 3
    wrong = {
        name: oct(mode)
        for name, mode in modes.items()
        if mode != (0o700 if (keys / name).is_dir() else 0o600)
    }
    assert wrong == {}
    assert _mode(Path(settings.LEDGER_SIGNING_KEY)) == 0o600


PROBE = """
import json, os, stat
from pathlib import Path
import django
django.setup()
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:  # SQLite creates the file, its -wal and -shm here
    cursor.execute("CREATE TABLE IF NOT EXISTS probe (x integer)")
    cursor.execute("INSERT INTO probe VALUES (1)")
    root = Path(settings.DATA_DIR)
    print(json.dumps({str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode)
                      for p in [root, *root.rglob("*")] if "staticfiles" not in p.parts}))
"""


def _start(data_dir: Path) -> dict[str, int]:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATA_DIR": str(data_dir),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_fresh_install_is_private(tmp_path):
    data = tmp_path / "data"
    modes = _start(data)
    assert modes["."] == 0o700
    assert modes["secret_key"] == 0o600
    assert modes["jianguan.sqlite3"] == 0o600
    assert modes["jianguan.sqlite3-wal"] == 0o600
    assert modes["jianguan.sqlite3-shm"] == 0o600


def test_an_old_install_is_narrowed_on_start(tmp_path):
    data = tmp_path / "data"
    for folder in ("keys/retired", "demo-keys/JG-ZB-2026-0001"):
        (data / folder).mkdir(parents=True)
    files = [
        "secret_key",
        "jianguan.sqlite3",
        "keys/ledger.pem",
        "keys/retired/old.pem",
        "demo-keys/README.txt",
        "demo-keys/JG-ZB-2026-0001/bidder1.pem",
    ]
    (data / "secret_key").write_text("x" * 50)
    for name in files[1:]:
        (data / name).write_bytes(b"")
    for path in [data, *data.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    modes = _start(data)
    for name in files:
        assert modes[name] == 0o600, name
    for folder in (".", "keys", "keys/retired", "demo-keys", "demo-keys/JG-ZB-2026-0001"):
        assert modes[folder] == 0o700, folder
