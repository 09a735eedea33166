"""Where a test's database lives: the one seam every fixture and real server goes through.

Migrating a new database costs about a second (eight migrations, several of them SQLite batch
rebuilds); copying a migrated one costs a millisecond. So each backend migrates once per test
process into a *template* and gives every test its own copy, already at the newest migration
(``create_app`` then finds nothing to do). Under pytest-xdist every worker is its own process
and so has its own template.

One function per backend (``sqlite_database_url``; PostgreSQL's beside it makes each test's
database with ``CREATE DATABASE … TEMPLATE …``), one entry point: :func:`database_url`.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from functools import cache
from pathlib import Path

from app.infra.db import upgrade


@cache
def _sqlite_template() -> Path:
    """A SQLite file migrated to the newest revision, once per process, WAL folded in."""
    folder = Path(tempfile.mkdtemp(prefix="puljen-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    template = folder / "template.db"
    upgrade(f"sqlite:///{template}")
    # Fold any write-ahead log into the file and leave it in rollback-journal mode, so one
    # file is the whole database; the app switches each copy to WAL when it connects.
    with sqlite3.connect(template) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    assert not template.with_name("template.db-wal").exists()
    return template


def sqlite_database_url(tmp_path: Path, name: str) -> str:
    """A copy of the migrated SQLite template in ``tmp_path``, made on first use: a second
    call for the same test and name (a restarted app, a second process) finds the same data."""
    path = tmp_path / f"{name}.db"
    if not path.exists():
        tmp_path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_sqlite_template(), path)
    return f"sqlite:///{path}"


def database_url(tmp_path: Path, name: str = "puljen") -> str:
    """A URL for a database at the newest migration that belongs to one test."""
    return sqlite_database_url(tmp_path, name)
