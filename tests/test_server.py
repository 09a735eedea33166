"""Through a real uvicorn process, a real websocket client, and a real kill -9."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    def __init__(self, tmp_path: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'puljen.db'}",
            "SECRET_KEY": "server-test-secret-" + "y" * 32,
            "PULJEN_DATA_DIR": str(tmp_path),
        }
        self.log = (tmp_path / "server.log").open("ab")
        self.process: subprocess.Popen[bytes] | None = None

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
        self.log.close()

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )

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


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path)
    running.start()
    yield running
    running.stop()


def _receive(ws: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(ws.recv(timeout=10))
    return message


def test_kill_9_loses_nothing_and_the_event_stream_resumes(server: Server) -> None:
    created = server.cli(
        "user",
        "create",
        "--email",
        "fac@server.dk",
        "--password",
        "a long password",
        "--role",
        "facilitator",
    )
    assert created.returncode == 0, created.stderr
    duplicate = server.cli(
        "user",
        "create",
        "--email",
        "fac@server.dk",
        "--password",
        "a long password",
        "--role",
        "facilitator",
    )
    assert duplicate.returncode != 0 and "already exists" in duplicate.stderr

    fac = server.call(
        "POST", "/api/v1/auth/login", json={"email": "fac@server.dk", "password": "a long password"}
    )["token"]
    group = server.call(
        "POST", "/api/v1/groups", fac, json={"name": "Holdet", "pot": {"amount_minor": 30_000_00}}
    )
    workshop = server.call(
        "POST", f"/api/v1/groups/{group['id']}/workshops", fac, json={"title": "W"}
    )
    round_id = server.call(
        "POST", f"/api/v1/workshops/{workshop['id']}/rounds", fac, json={"title": "R"}
    )["id"]
    members = [
        server.call("POST", "/api/v1/join", json={"code": workshop["code"], "name": n})["token"]
        for n in ("Alma", "Bent", "Cira")
    ]
    server.call("POST", f"/api/v1/rounds/{round_id}/phase", fac, json={"phase": "proposing"})
    proposals = [
        server.call(
            "POST",
            f"/api/v1/rounds/{round_id}/proposals",
            token,
            json={
                "title": title,
                "amount_minor": amount,
                "how_it_helps": "Tættere på uddannelse.",
                "category": "course",
            },
        )["id"]
        for token, title, amount in zip(
            members, ("Kursus", "Bærbar", "Buskort"), (12_000_00, 8_000_00, 20_000_00), strict=True
        )
    ]
    for phase in ("discussing", "voting"):
        server.call("POST", f"/api/v1/rounds/{round_id}/phase", fac, json={"phase": phase})

    with server.events(workshop["id"], fac) as ws:
        hello = _receive(ws)
        assert hello["type"] == "hello"
        for token, approvals in zip(
            members, ([proposals[0]], [proposals[0], proposals[1]], [proposals[2]]), strict=True
        ):
            server.call(
                "PUT", f"/api/v1/rounds/{round_id}/ballot", token, json={"approvals": approvals}
            )
        counts = [_receive(ws) for _ in range(3)]
    assert [c["ballots"] for c in counts] == [1, 2, 3]
    assert [c["seq"] for c in counts] == [hello["seq"] + 1, hello["seq"] + 2, hello["seq"] + 3]
    last_seen = counts[-1]["seq"]

    server.kill_9()
    server.start()  # the same database file

    after = server.call("GET", f"/api/v1/rounds/{round_id}", members[1])
    assert after["phase"] == "voting" and after["ballots"] == 3 and after["members"] == 3
    assert after["my_ballot"] == {"approvals": sorted([proposals[0], proposals[1]])}
    assert [p["title"] for p in after["proposals"]] == ["Kursus", "Bærbar", "Buskort"]

    with server.events(workshop["id"], members[0], since=last_seen - 2) as ws:
        hello_again = _receive(ws)
        assert hello_again["seq"] == last_seen  # seq survived the crash
        replayed = [_receive(ws) for _ in range(2)]
        assert [e["seq"] for e in replayed] == [last_seen - 1, last_seen]
        server.call("PUT", f"/api/v1/rounds/{round_id}/ballot", members[2], json={"approvals": []})
        live = _receive(ws)
        assert live["seq"] == last_seen + 1 and live["type"] == "ballots.changed"
        assert live["ballots"] == 3

    server.call("POST", f"/api/v1/rounds/{round_id}/phase", fac, json={"phase": "closed"})
    result = server.call("GET", f"/api/v1/rounds/{round_id}/result", members[0])
    assert result["funded"] == [proposals[0], proposals[1]]  # 2 approvals, then 1 of 8,000 fits
    pot = server.call("GET", f"/api/v1/groups/{group['id']}", fac)["pot"]
    assert pot["reserved_minor"] == 20_000_00 and pot["available_minor"] == 10_000_00


def test_the_server_refuses_to_start_in_production_without_a_secret(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(PULJEN_ENV="production", DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}")
    started = subprocess.run(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert started.returncode != 0
    assert "SECRET_KEY" in started.stderr
