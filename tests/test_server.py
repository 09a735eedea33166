"""Through a real uvicorn process, a real websocket client, and a real kill -9."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection

from tests.support import Server, free_port

pytestmark = pytest.mark.server


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
    assert duplicate.returncode != 0
    assert "already exists" in duplicate.stderr

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
    assert after["phase"] == "voting"
    assert after["ballots"] == 3
    assert after["members"] == 3
    assert after["my_ballot"] == {"approvals": sorted([proposals[0], proposals[1]])}
    assert [p["title"] for p in after["proposals"]] == ["Kursus", "Bærbar", "Buskort"]

    with server.events(workshop["id"], members[0], since=last_seen - 2) as ws:
        hello_again = _receive(ws)
        assert hello_again["seq"] == last_seen  # seq survived the crash
        replayed = [_receive(ws) for _ in range(2)]
        assert [e["seq"] for e in replayed] == [last_seen - 1, last_seen]
        server.call("PUT", f"/api/v1/rounds/{round_id}/ballot", members[2], json={"approvals": []})
        live = _receive(ws)
        assert live["seq"] == last_seen + 1
        assert live["type"] == "ballots.changed"
        assert live["ballots"] == 3

    server.call("POST", f"/api/v1/rounds/{round_id}/phase", fac, json={"phase": "closed"})
    result = server.call("GET", f"/api/v1/rounds/{round_id}/result", members[0])
    assert result["funded"] == [proposals[0], proposals[1]]  # 2 approvals, then 1 of 8,000 fits
    pot = server.call("GET", f"/api/v1/groups/{group['id']}", fac)["pot"]
    assert pot["reserved_minor"] == 20_000_00
    assert pot["available_minor"] == 10_000_00


def test_the_server_refuses_to_start_in_production_without_a_secret(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(PULJEN_ENV="production", DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}")
    started = subprocess.run(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert started.returncode != 0
    assert "SECRET_KEY" in started.stderr
