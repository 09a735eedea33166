"""A real uvicorn process on a real database, for the tests that need one.

The browser tests share one such server per test process (see tests/browser/conftest.py):
each test then works in an organisation of its own, with its own users, so no test sees
another's groups, workshops or decisions.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import sqlalchemy as sa
from websockets.sync.client import ClientConnection, connect

from app.infra.config import load_settings
from app.infra.tables import UserRow
from app.main import build_services
from app.usecases import accounts
from app.usecases.unit import Services
from tests.databases import database_url

if TYPE_CHECKING:
    from tests.conftest import Api


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(tmp_path),
            "SECRET_KEY": "server-test-secret-" + "y" * 32,
            "PULJEN_DATA_DIR": str(tmp_path),
        }
        self.log = (tmp_path / "server.log").open("ab")
        self.process: subprocess.Popen[bytes] | None = None
        self.organisation_id: str | None = None  # where :meth:`user` puts new users

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(self.port)],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("uvicorn did not start")

    def kill_9(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if "services" in self.__dict__:
            self.services.db.dispose()
        self.log.close()

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    @cached_property
    def services(self) -> Services:
        """The server's database, reached from the test's own process (SQLite in WAL mode
        and PostgreSQL both take a second process): quicker than a CLI subprocess."""
        return build_services(load_settings(self.env))

    def user(self, email: str, password: str, role: str) -> None:
        """A staff user in the current organisation, as ``puljen user create`` would make."""
        accounts.create_user(
            self.services,
            email=email,
            password=password,
            role=role,
            organisation_id=self.organisation_id,
        )

    def new_organisation(self) -> None:
        """From now on new users belong to an organisation of their own."""
        self.organisation_id = accounts.create_organisation(
            self.services, name=f"Test {uuid.uuid4().hex[:8]}"
        ).id

    def retire_organisation(self) -> None:
        """Give the users of the current organisation e-mails nobody will use again, so the
        next test can create users under the same names (an e-mail is unique server-wide)."""
        assert self.organisation_id is not None
        users = UserRow.__table__  # type: ignore[attr-defined]
        with self.services.db.writing() as session:
            session.execute(
                sa.update(users)
                .where(users.c.organisation_id == self.organisation_id)
                .values(email=users.c.id.concat("@retired.test"))
            )
        self.organisation_id = None

    def call(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = httpx.request(
            method, f"{self.base}{path}", headers=headers, timeout=10, **kwargs
        )
        assert response.status_code < 300, f"{path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def events(self, workshop_id: str, token: str, since: int | None = None) -> ClientConnection:
        query = f"token={token}" + (f"&since={since}" if since is not None else "")
        return connect(
            f"ws://127.0.0.1:{self.port}/ws/workshops/{workshop_id}/events?{query}",
            open_timeout=10,
        )


# An organisation, a group and a workshop as rows, for tests that fill an old schema before
# upgrading it (":now" is bound by the caller).
OLD_WORKSHOP_ROWS = (
    "INSERT INTO organisation (id, name, created_at) VALUES ('o', 'Aarhus', :now)",
    "INSERT INTO pot_group (id, organisation_id, name, currency, created_at)"
    " VALUES ('g', 'o', 'Holdet', 'DKK', :now)",
    "INSERT INTO workshop (id, group_id, organisation_id, title, code, screen_token,"
    " language, event_seq, created_at) VALUES ('w', 'g', 'o', 'W', 'ABCDEF', 't', 'da',"
    " 0, :now)",
)


def collide(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` in threads released together; return each result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # collected and asserted on
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def closed_round(api: Api, amounts: dict[str, int], pot: int = 50_000_00) -> dict[str, Any]:
    """A closed approval round that funded every proposal in ``amounts``."""
    fac = api.user("fac@odense.dk")
    approver = api.user("sagsbehandler@odense.dk", role="approver")
    group = api.group(fac, amount_minor=pot)
    workshop = api.workshop(fac, group["id"])
    member = api.join(workshop["code"], "Asta")
    round_id = api.round(fac, workshop["id"])["id"]
    api.phase(fac, round_id, "proposing")
    ids = {title: api.propose(member, round_id, title, amount) for title, amount in amounts.items()}
    api.phase(fac, round_id, "discussing")
    api.phase(fac, round_id, "voting")
    api.vote(member, round_id, list(ids.values()))
    api.phase(fac, round_id, "closed")
    listed = api.ok("GET", f"/api/v1/groups/{group['id']}/decisions", approver)
    by_title = {d["title"]: d for d in listed}
    return {"fac": fac, "approver": approver, "group": group, "decisions": by_title}


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # enough of a PNG for a receipt upload
