"""Where a test's database lives: the one seam every fixture and real server goes through.

Migrating a new database costs about a second (eight migrations, several of them SQLite batch
rebuilds); copying a migrated one costs a millisecond. So each backend migrates once per test
process into a *template* and gives every test its own copy, already at the newest migration
(``create_app`` then finds nothing to do). Under pytest-xdist every worker is its own process
and so has its own template.

Each test gets a copy of a SQLite file, or, when ``PULJEN_TEST_POSTGRES_URL`` names a
PostgreSQL server (``scripts/postgres`` starts a throw-away one), a PostgreSQL database made
with ``CREATE DATABASE … TEMPLATE …``, dropped again when the test that made it ends
(``drop_test_databases``), or with the process. One entry point: :func:`database_url`.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
import uuid
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url

POSTGRES_ENV = "PULJEN_TEST_POSTGRES_URL"


def database_url(tmp_path: Path, name: str = "puljen", *, empty: bool = False) -> str:
    """A URL for a fresh database that belongs to one test.

    ``empty``: without any schema yet (for the tests of the migrations themselves); by
    default the database may already be at the newest migration, as the app upgrades it at
    start anyway.
    """
    server = postgres_server()
    if server is not None:
        return postgres_database(server, empty=empty)
    return sqlite_database(tmp_path, name, empty=empty)


def postgres_server() -> str | None:
    """The PostgreSQL server the suite runs on, or None for SQLite."""
    return os.environ.get(POSTGRES_ENV) or None


# SQLite ----------------------------------------------------------------------------------


def sqlite_database(tmp_path: Path, name: str, *, empty: bool = False) -> str:
    """A copy of the migrated SQLite template in ``tmp_path`` (or a new ``empty`` file), made
    on first use: a second call for the same test and name (a restarted app, a second
    process) finds the same data."""
    path = tmp_path / f"{name}.db"
    if not path.exists() and not empty:
        tmp_path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_sqlite_template(), path)
    return f"sqlite:///{path}"


@cache
def _sqlite_template() -> Path:
    """A SQLite file migrated to the newest revision, once per process, WAL folded in."""
    from app.infra.db import upgrade

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


# PostgreSQL ------------------------------------------------------------------------------

_created: list[str] = []  # the databases made, oldest first, not dropped yet
_templates: dict[str, str] = {}  # server URL -> this process's migrated template database
_admins: dict[str, Engine] = {}  # server URL -> an engine on its maintenance database


def _with_database(server: str, database: str) -> URL:
    return make_url(server).set(database=database)


def _admin(server: str, statement: str) -> None:
    """Run ``statement`` on the server's maintenance database, outside a transaction
    (``CREATE DATABASE`` and ``DROP DATABASE`` cannot run in one)."""
    if server not in _admins:
        _admins[server] = create_engine(server, isolation_level="AUTOCOMMIT")
        atexit.register(_admins[server].dispose)
    with _admins[server].connect() as connection:
        connection.exec_driver_sql(statement)


def _template(server: str) -> str:
    """This process's template: created and migrated once, dropped when the process ends.
    One per process (pid), so pytest-xdist workers never share or race on one."""
    if server not in _templates:
        from app.infra.db import upgrade

        name = f"puljen_template_{os.getpid()}"
        _admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _admin(server, f"CREATE DATABASE {name}")
        upgrade(_with_database(server, name).render_as_string(hide_password=False))
        _templates[server] = name
        atexit.register(_admin, server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return _templates[server]


def postgres_database(server: str, *, empty: bool = False) -> str:
    """A new database on ``server``: a copy of the migrated template, or ``empty``."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    if empty:
        _admin(server, f"CREATE DATABASE {name}")
    else:
        _admin(server, f"CREATE DATABASE {name} TEMPLATE {_template(server)}")
    _created.append(name)
    return _with_database(server, name).render_as_string(hide_password=False)


def made() -> int:
    """How many PostgreSQL databases this process has made and not dropped yet; a test's
    fixture notes it before the test, to drop only what the test made after it."""
    return len(_created)


def drop_test_databases(since: int = 0) -> None:
    """Drop the PostgreSQL databases made after the first ``since`` (closing what still
    holds them). Those of wider-scoped fixtures go when the process ends."""
    server = postgres_server()
    while len(_created) > since:
        name = _created.pop()
        if server is not None:
            _admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


atexit.register(drop_test_databases)
