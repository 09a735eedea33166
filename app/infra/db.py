"""The database: engines, units of work and schema upgrades.

SQLite (the embedded default) runs in WAL mode with foreign keys on. A writing unit of work
starts with ``BEGIN IMMEDIATE``, so it holds SQLite's write lock from its first read: two
writers can never both read the same balance and both act on it. On PostgreSQL the use cases
take row locks (``SELECT … FOR UPDATE``) on the pot and the workshop instead; the ledger's
constraints hold on either.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
_WRITE = "puljen_write"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        writing = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


class Database:
    """One engine (and its pool) per process; sessions per unit of work."""

    def __init__(self, url: str) -> None:
        self.url = url
        if is_sqlite(url):
            database = make_url(url).database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(
                url, connect_args={"check_same_thread": False, "timeout": 30}
            )
            _prepare_sqlite(self.engine)
        else:
            self.engine = create_engine(url, pool_pre_ping=True)
        self._write_engine = self.engine.execution_options(**{_WRITE: True})
        self._write_lock: AbstractContextManager[object] = (
            threading.Lock() if is_sqlite(url) else nullcontext()
        )

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A unit of work that changes things: committed on success, rolled back on error.

        On SQLite, writers of this process also queue on a lock before ``BEGIN IMMEDIATE``:
        SQLite's own busy handler polls with sleeps of up to 100 ms, a lock hands over at once.
        """
        with self._write_lock, Session(self._write_engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def upgrade(self) -> None:
        """Create or upgrade the schema to the newest migration. A database already there
        (every start but the first after a release) only has its version read: running
        Alembic's environment to find nothing to do costs tens of milliseconds per start."""
        with self.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
        if set(current) != newest_revisions():
            upgrade(self.url)

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@cache
def newest_revisions() -> frozenset[str]:
    """The heads of migrations/, read once per process."""
    return frozenset(ScriptDirectory.from_config(alembic_config("")).get_heads())


def upgrade(url: str) -> None:
    command.upgrade(alembic_config(url), "head")
