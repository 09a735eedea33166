"""PostgreSQL as a first-class database: the use cases lock in the order they claim (the
workshop, then the pot), a transaction PostgreSQL aborts for a deadlock or a serialization
failure is run again a bounded number of times, and two server processes behind one
``SECRET_KEY`` accept each other's tokens.

The retry's rules and the two processes run on either database; the locks only on
PostgreSQL (``PULJEN_TEST_POSTGRES_URL``), since SQLite locks the whole file instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, OperationalError

from app.infra import db
from app.infra.config import Settings
from app.main import build_services
from app.usecases import accounts, decisions, rounds
from tests.conftest import Api, make_settings
from tests.databases import postgres_server
from tests.support import Server

on_postgres = pytest.mark.skipif(
    postgres_server() is None, reason="row locks: only on PostgreSQL (PULJEN_TEST_POSTGRES_URL)"
)


# The retry's rules ------------------------------------------------------------------------


class _Aborted(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _aborted(sqlstate: str) -> DBAPIError:
    """What SQLAlchemy raises when the driver reports ``sqlstate``."""
    return OperationalError("COMMIT", {}, _Aborted(sqlstate))


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr("app.infra.db.time.sleep", slept.append)
    return slept


def _failing(times: int, sqlstate: str, calls: list[int]) -> Callable[[], str]:
    @db.retrying
    def work() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise _aborted(sqlstate)
        return "done"

    return work


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_deadlock_or_serialization_failure_is_run_again(
    pauses: list[float], sqlstate: str
) -> None:
    calls: list[int] = []
    assert _failing(2, sqlstate, calls)() == "done"
    assert len(calls) == 3
    assert len(pauses) == 2
    assert pauses[0] < pauses[1] * 2


def test_the_retry_gives_up_after_a_bounded_number_of_attempts(pauses: list[float]) -> None:
    calls: list[int] = []
    with pytest.raises(OperationalError):
        _failing(100, "40P01", calls)()
    assert len(calls) == db.ATTEMPTS
    assert len(pauses) == db.ATTEMPTS - 1
    assert sum(pauses) <= db.BACKOFF_MAX_SECONDS * db.ATTEMPTS


def test_other_database_errors_are_not_run_again(pauses: list[float]) -> None:
    calls: list[int] = []
    with pytest.raises(OperationalError):
        _failing(1, "23505", calls)()  # unique_violation: a real answer, not a collision
    assert len(calls) == 1
    assert pauses == []


def test_a_retrying_use_case_inside_another_runs_once_and_the_outer_one_again(
    pauses: list[float],
) -> None:
    inner_calls: list[int] = []
    outer_calls: list[int] = []
    inner = _failing(1, "40P01", inner_calls)

    @db.retrying
    def outer() -> str:
        outer_calls.append(1)
        return inner()

    assert outer() == "done"
    # The inner one's first attempt aborted the outer transaction too: all of it again.
    assert len(outer_calls) == 2
    assert len(inner_calls) == 2


# Row locks on PostgreSQL -------------------------------------------------------------------


def _closed_round(api: Api) -> dict[str, Any]:
    """A closed round that funded one proposal of 8,000 kr. from a pot of 10,000 kr."""
    fac = api.user("fac@locks.dk")
    approver = api.user("sagsbehandler@locks.dk", role="approver")
    group = api.group(fac, amount_minor=10_000_00)
    workshop = api.workshop(fac, group["id"])
    member = api.join(workshop["code"], "Asta")
    round_id = api.round(fac, workshop["id"])["id"]
    api.phase(fac, round_id, "proposing")
    proposal = api.propose(member, round_id, "Kørekort", 8_000_00)
    api.phase(fac, round_id, "discussing")
    api.phase(fac, round_id, "voting")
    api.vote(member, round_id, [proposal])
    api.phase(fac, round_id, "closed")
    (decision,) = api.ok("GET", f"/api/v1/groups/{group['id']}/decisions", approver)
    return {
        "fac": fac,
        "approver": approver,
        "group": group,
        "workshop": workshop,
        "decision": decision["id"],
    }


@pytest.fixture
def connection(api: Api) -> Iterator[Connection]:
    """A connection of "another process", in a transaction the test ends itself."""
    with api.services.db.engine.connect() as other:
        other.execute(text("SET deadlock_timeout = '30s'"))  # never the victim itself
        yield other
        other.rollback()


def _lock(connection: Connection, table: str, row_id: str, *, nowait: bool = False) -> None:
    wait = " NOWAIT" if nowait else ""
    connection.execute(
        text(f"SELECT id FROM {table} WHERE id = :id FOR UPDATE{wait}"), {"id": row_id}
    )


def _waiting_on_a_lock(api: Api, *, count: int = 1) -> None:
    """Wait until ``count`` other sessions of this test's database wait for a row lock."""
    deadline = time.monotonic() + 20
    with api.services.db.engine.connect() as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
            if waiting >= count:
                return
            watcher.rollback()
            time.sleep(0.02)
    raise AssertionError("nobody waited for the lock")


def _in_thread(call: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(call())
        except Exception as error:
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@on_postgres
@pytest.mark.parametrize("step", ["approve", "close"])
def test_a_use_case_locks_the_workshop_before_the_pot(
    api: Api, connection: Connection, step: str
) -> None:
    s = _closed_round(api)
    approver = accounts.authenticate(api.services, s["approver"])
    fac = accounts.authenticate(api.services, s["fac"])
    later = api.round(s["fac"], s["workshop"]["id"])["id"]
    for phase in ("proposing", "discussing", "voting"):
        api.phase(s["fac"], later, phase)
    calls: dict[str, Callable[[], Any]] = {
        "approve": lambda: decisions.approve(api.services, approver, s["decision"]),
        "close": lambda: rounds.move_phase(api.services, fac, later, phase="closed"),
    }
    _lock(connection, "workshop", s["workshop"]["id"])  # "another process" holds the workshop
    thread, outcome = _in_thread(calls[step])
    _waiting_on_a_lock(api)
    # The use case waits for the workshop without holding the pot: the pot is still free.
    _lock(connection, "pot_group", s["group"]["id"], nowait=True)
    connection.rollback()
    thread.join(timeout=30)
    assert outcome, "the use case did not finish"
    assert not isinstance(outcome[0], Exception), outcome


@on_postgres
def test_a_deadlocked_approval_is_run_again_and_overspends_nothing(
    api: Api, connection: Connection, caplog: pytest.LogCaptureFixture
) -> None:
    s = _closed_round(api)
    approver = accounts.authenticate(api.services, s["approver"])
    # "Another process" takes the pot first and the workshop second: the wrong order.
    _lock(connection, "pot_group", s["group"]["id"])
    caplog.set_level(logging.WARNING, logger="puljen.db")
    thread, outcome = _in_thread(lambda: decisions.approve(api.services, approver, s["decision"]))
    _waiting_on_a_lock(api)  # the approval holds the workshop and waits for the pot
    # Now the cycle closes: PostgreSQL aborts the approval (its deadlock_timeout is the
    # shorter), which lets this one through; the approval is then run again and succeeds.
    _lock(connection, "workshop", s["workshop"]["id"])
    connection.rollback()
    thread.join(timeout=30)
    assert outcome, "the use case did not finish"
    assert not isinstance(outcome[0], Exception), outcome
    assert outcome[0].decision.status == "approved"
    assert [r.getMessage() for r in caplog.records if "40P01" in r.getMessage()], caplog.text
    pot = api.ok("GET", f"/api/v1/groups/{s['group']['id']}", s["fac"])["pot"]
    assert pot["approved_minor"] == 8_000_00
    assert pot["reserved_minor"] == 0
    assert pot["available_minor"] == 2_000_00
    entries = api.ok("GET", f"/api/v1/groups/{s['group']['id']}/ledger", s["fac"])
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    assert [e["kind"] for e in entries].count("approve") == 1  # approved once, not twice


# Two processes, one secret -------------------------------------------------------------


def _server(tmp_path: Path, name: str, database: str, secret: str) -> Server:
    (tmp_path / name).mkdir()
    server = Server(tmp_path / name)
    server.env.update(DATABASE_URL=database, SECRET_KEY=secret)
    return server


@pytest.fixture
def shared_database(tmp_path: Path) -> Settings:
    """One database (with a facilitator in it) that the servers of the test share."""
    settings = make_settings(tmp_path)
    services = build_services(settings)
    services.db.upgrade()
    accounts.create_user(
        services, email="fac@two.dk", password="a long password", role="facilitator"
    )
    services.db.dispose()
    return settings


@pytest.mark.server
def test_two_processes_behind_one_secret_accept_each_others_tokens(
    tmp_path: Path, shared_database: Settings
) -> None:
    secret = "shared-test-secret-" + "z" * 32
    url = shared_database.database_url
    a, b = (_server(tmp_path, name, url, secret) for name in ("a", "b"))
    stranger = _server(tmp_path, "c", url, "another-secret-" + "q" * 32)
    servers = (a, b, stranger)
    try:
        for server in servers:
            server.start()
        login = {"email": "fac@two.dk", "password": "a long password"}
        fac = a.call("POST", "/api/v1/auth/login", json=login)["token"]
        group = b.call(  # a facilitator's token from A works on B
            "POST", "/api/v1/groups", fac, json={"name": "Holdet", "pot": {"amount_minor": 100}}
        )
        workshop = b.call(
            "POST", f"/api/v1/groups/{group['id']}/workshops", fac, json={"title": "W"}
        )
        member = b.call("POST", "/api/v1/join", json={"code": workshop["code"], "name": "Alma"})
        seen = a.call("GET", f"/api/v1/workshops/{workshop['id']}", member["token"])
        assert seen["id"] == workshop["id"]  # and a member's token from B works on A
        for token in (fac, member["token"]):  # a process with another secret accepts neither
            refused = httpx.get(
                f"{stranger.base}/api/v1/workshops/{workshop['id']}",
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
            assert refused.status_code == 401, refused.text
    finally:
        for server in servers:
            server.stop()
