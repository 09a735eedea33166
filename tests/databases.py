"""Where a test's database lives: the one seam every fixture and real server goes through.

Each test gets a fresh SQLite file, or, when ``PULJEN_TEST_POSTGRES_URL`` names a PostgreSQL
server (``scripts/postgres`` starts a throw-away one), a fresh PostgreSQL database copied
from a template that is migrated once per test process (``CREATE DATABASE … TEMPLATE …``),
dropped again when the test that made it ends (``drop_test_databases``), or with the process.
"""

from __future__ import annotations

import atexit
import os
import uuid
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
    return sqlite_database(tmp_path, name)


def postgres_server() -> str | None:
    """The PostgreSQL server the suite runs on, or None for SQLite."""
    return os.environ.get(POSTGRES_ENV) or None


# SQLite ----------------------------------------------------------------------------------


def sqlite_database(tmp_path: Path, name: str) -> str:
    return f"sqlite:///{tmp_path / f'{name}.db'}"


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
