"""Benchmark: a workshop round through a real uvicorn process on a real SQLite file.

Prints, for the same server and client in the same run:
  * baseline: GET /healthz (a request that touches the database and nothing else),
  * ballots: PUT /api/v1/rounds/{id}/ballot from many members at once,
  * fan-out: time from a ballot's HTTP answer until every websocket subscriber has the event,
  * close: closing a round (result + ledger reservation) with that many ballots.

Usage: .venv/bin/python bench/workshop_round.py [--members 20] [--proposals 12] [--requests 400]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def summary(name: str, seconds: list[float], wall: float) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[int(len(ms) * 0.95) - 1]
    rate = len(ms) / wall if wall else 0.0
    return (
        f"{name:<28} {len(ms):>6} {rate:>10.0f} {statistics.median(ms):>9.2f} {p95:>9.2f}"
        f" {ms[-1]:>9.2f}"
    )


async def timed_requests(
    client: httpx.AsyncClient,
    calls: list[tuple[str, str, dict | None, str | None]],
    concurrency: int,
) -> tuple[list[float], float]:
    queue = list(calls)
    latencies: list[float] = []

    async def worker() -> None:
        while queue:
            method, path, body, token = queue.pop()
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            started = time.perf_counter()
            response = await client.request(method, path, json=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            response.raise_for_status()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started


async def run(args: argparse.Namespace, base: str, port: int, env: dict[str, str]) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "user",
            "create",
            "--email",
            "bench@puljen.dk",
            "--password",
            "bench password",
            "--role",
            "facilitator",
        ],
        env=env,
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:

        async def call(method: str, path: str, token: str | None = None, body: dict | None = None):
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = await client.request(method, path, json=body, headers=headers)
            response.raise_for_status()
            return response.json() if response.content else None

        fac = (
            await call(
                "POST",
                "/api/v1/auth/login",
                body={"email": "bench@puljen.dk", "password": "bench password"},
            )
        )["token"]
        group = await call(
            "POST", "/api/v1/groups", fac, {"name": "Bench", "pot": {"amount_minor": 60_000_00}}
        )
        workshop = await call(
            "POST", f"/api/v1/groups/{group['id']}/workshops", fac, {"title": "B"}
        )
        round_id = (
            await call("POST", f"/api/v1/workshops/{workshop['id']}/rounds", fac, {"title": "R"})
        )["id"]
        members = [
            (await call("POST", "/api/v1/join", body={"code": workshop["code"], "name": f"M{i}"}))[
                "token"
            ]
            for i in range(args.members)
        ]
        await call("POST", f"/api/v1/rounds/{round_id}/phase", fac, {"phase": "proposing"})
        proposals = [
            (
                await call(
                    "POST",
                    f"/api/v1/rounds/{round_id}/proposals",
                    members[i % len(members)],
                    {
                        "title": f"P{i}",
                        "amount_minor": (i % 7 + 1) * 1_000_00,
                        "how_it_helps": "Bench",
                        "category": "course",
                    },
                )
            )["id"]
            for i in range(args.proposals)
        ]
        for phase in ("discussing", "voting"):
            await call("POST", f"/api/v1/rounds/{round_id}/phase", fac, {"phase": phase})

        print(
            f"{'measure':<28} {'count':>6} {'per sec':>10} {'p50 ms':>9} {'p95 ms':>9}"
            f" {'max ms':>9}"
        )
        health = [("GET", "/healthz", None, None)] * args.requests
        latencies, wall = await timed_requests(client, health, args.concurrency)
        print(summary("baseline GET /healthz", latencies, wall))

        ballots = [
            (
                "PUT",
                f"/api/v1/rounds/{round_id}/ballot",
                {"approvals": proposals[(i % 5) : (i % 5) + 4]},
                members[i % len(members)],
            )
            for i in range(args.requests)
        ]
        latencies, wall = await timed_requests(client, ballots, args.concurrency)
        print(summary("PUT ballot", latencies, wall))

        # Fan-out: N subscribers, one ballot at a time, time until all have it.
        url = f"ws://127.0.0.1:{port}/ws/workshops/{workshop['id']}/events?token={fac}"
        sockets = [await websockets.connect(url) for _ in range(args.subscribers)]
        for ws in sockets:
            json.loads(await ws.recv())  # hello
        fanout: list[float] = []
        started_all = time.perf_counter()
        for i in range(args.fanout_rounds):
            await call(
                "PUT",
                f"/api/v1/rounds/{round_id}/ballot",
                members[i % len(members)],
                {"approvals": proposals[: (i % 4) + 1]},
            )
            sent = time.perf_counter()
            await asyncio.gather(*(ws.recv() for ws in sockets))
            fanout.append(time.perf_counter() - sent)
        wall = time.perf_counter() - started_all
        print(summary(f"fan-out to {args.subscribers} sockets", fanout, wall))
        for ws in sockets:
            await ws.close()

        started = time.perf_counter()
        await call("POST", f"/api/v1/rounds/{round_id}/phase", fac, {"phase": "closed"})
        closed = time.perf_counter() - started
        print(summary("close round (result+ledger)", [closed], closed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--proposals", type=int, default=12)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--subscribers", type=int, default=25)
    parser.add_argument("--fanout-rounds", type=int, default=100)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "SECRET_KEY": "bench-" + "z" * 40,
            "PULJEN_DATA_DIR": tmp,
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.main:app",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            print(
                f"Puljen bench: {args.members} members, {args.proposals} proposals, "
                f"concurrency {args.concurrency}, SQLite file, one uvicorn process"
            )
            asyncio.run(run(args, base, port, env))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
