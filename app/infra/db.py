"""The database: engines, units of work and schema upgrades.

SQLite (the embedded default) runs in WAL mode with foreign keys on. A writing unit of work
starts with ``BEGIN IMMEDIATE``, so it holds SQLite's write lock from its first read: two
writers can never both read the same balance and both act on it. On PostgreSQL (READ
COMMITTED) the use cases take row locks (``SELECT … FOR UPDATE``) instead, always in one
order: the workshop, then the pot; a statement after a lock sees what was committed before
it. Should PostgreSQL still abort a transaction to let another go on (a deadlock through a
lock the code does not take in that order, or a serialization failure), ``retrying`` runs
the whole use case again, a bounded number of times. The ledger's constraints hold on either.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
_WRITE = "puljen_write"
log = logging.getLogger("puljen.db")
P = ParamSpec("P")
T = TypeVar("T")

# PostgreSQL's SQLSTATEs for "this transaction was aborted so that another could go on":
# serialization_failure and deadlock_detected. Running the transaction again is the cure.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
ATTEMPTS = 5  # in all, the first included
BACKOFF_SECONDS = 0.02  # before the second attempt; doubled each time, with jitter
BACKOFF_MAX_SECONDS = 0.5
_retrying: ContextVar[bool] = ContextVar("puljen_retrying", default=False)


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


def retryable(error: BaseException) -> bool:
    """Whether the database aborted the transaction only so that another could go on."""
    sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None)
    return isinstance(error, DBAPIError) and sqlstate in RETRYABLE_SQLSTATES


def backoff(attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based): exponential,
    capped, with jitter so that two losers do not collide again in step."""
    ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_SECONDS * 2 ** (attempt - 1))
    return random.uniform(ceiling / 2, ceiling)


def retrying(work: Callable[P, T]) -> Callable[P, T]:
    """Run the use case ``work`` again when the database aborted its transaction for a
    deadlock or a serialization failure, at most ``ATTEMPTS`` times in all, then let the
    error through. ``work`` must be a whole unit of work (it runs again from its start, and
    its events are published only once committed); a retrying use case called inside
    another runs once, and the outer one is retried as a whole."""

    @functools.wraps(work)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        if _retrying.get():
            return work(*args, **kwargs)
        token = _retrying.set(True)
        try:
            attempt = 1
            while True:
                try:
                    return work(*args, **kwargs)
                except DBAPIError as error:
                    if attempt >= ATTEMPTS or not retryable(error):
                        raise
                    pause = backoff(attempt)
                    log.warning(
                        "%s: the database aborted attempt %d of %d (%s); again in %.0f ms",
                        work.__qualname__,
                        attempt,
                        ATTEMPTS,
                        getattr(error.orig, "sqlstate", "?"),
                        pause * 1000,
                    )
                    time.sleep(pause)
                    attempt += 1
        finally:
            _retrying.reset(token)

    return run


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
        with (
            self._write_lock,
            Session(self._write_engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
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
