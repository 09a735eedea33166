"""A real uvicorn process on a real SQLite file, for the tests that need one."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

from tests.databases import database_url


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
