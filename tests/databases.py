"""Where a test's database lives: the one seam every fixture and real server goes through.

Today each test gets a fresh SQLite file; the suite is meant to run the same on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path


def database_url(tmp_path: Path, name: str = "puljen") -> str:
    """A URL for a fresh, empty database that belongs to one test."""
    return f"sqlite:///{tmp_path / f'{name}.db'}"
