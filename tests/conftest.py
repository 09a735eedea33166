"""Shared fixtures: a real database per test (SQLite, or PostgreSQL: tests/databases.py), the
real ASGI app, real users."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from starlette.testclient import TestClient

from app.infra import security
from app.infra.config import Settings
from app.main import create_app
from app.usecases import accounts
from app.usecases.unit import Services
from tests.databases import database_url, drop_test_databases, made

PASSWORD = "correct horse battery"

# argon2 at its production cost (64 MiB, three passes) spends about 0.3 s per hash or login,
# more than most tests spend on everything else. Tests hash at the lowest cost argon2 allows;
# a hash records its own parameters, so a server process verifies such a hash just as cheaply.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(security, "_hasher", CHEAP_HASHER)
        patch.setattr(security, "_DUMMY_HASH", CHEAP_HASHER.hash("a password nobody has"))
        yield


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url(tmp_path),
        "secret_key": "test-secret-" + "x" * 40,
        "environment": "test",
        "public_url": "http://puljen.test",
        "receipts_dir": tmp_path / "receipts",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(autouse=True)
def _test_databases() -> Iterator[None]:
    """The PostgreSQL databases a test made are dropped when it ends (SQLite's files go with
    its tmp_path); those of session fixtures stay until the session ends."""
    before = made()
    yield
    drop_test_databases(since=before)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def services(client: TestClient) -> Services:
    result: Services = client.app.state.services  # type: ignore[attr-defined]
    return result


@dataclass
class Api:
    """A thin helper that speaks the JSON API the way a client would."""

    client: TestClient
    services: Services
    tokens: dict[str, str] = field(default_factory=dict)

    def user(
        self, email: str, role: str = "facilitator", organisation_id: str | None = None
    ) -> str:
        accounts.create_user(
            self.services,
            email=email,
            password=PASSWORD,
            role=role,
            organisation_id=organisation_id,
        )
        response = self.client.post(
            "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["token"]
        return token

    def call(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.request(method, path, headers=headers, **kwargs)

    def ok(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        response = self.call(method, path, token, **kwargs)
        assert response.status_code < 300, (
            f"{method} {path}: {response.status_code} {response.text}"
        )
        return response.json() if response.content else None

    # A small story used by many tests -------------------------------------------------

    def group(self, token: str, amount_minor: int = 60_000_00, name: str = "Holdet") -> Any:
        return self.ok(
            "POST",
            "/api/v1/groups",
            token,
            json={"name": name, "pot": {"amount_minor": amount_minor, "currency": "DKK"}},
        )

    def workshop(self, token: str, group_id: str) -> Any:
        return self.ok(
            "POST", f"/api/v1/groups/{group_id}/workshops", token, json={"title": "Workshop 1"}
        )

    def round(self, token: str, workshop_id: str, **body: Any) -> Any:
        body.setdefault("title", "Hvad skal vi bruge puljen på?")
        body.setdefault("method", "approval")
        return self.ok("POST", f"/api/v1/workshops/{workshop_id}/rounds", token, json=body)

    def join(self, code: str, name: str) -> str:
        token: str = self.ok("POST", "/api/v1/join", json={"code": code, "name": name})["token"]
        return token

    def phase(self, token: str, round_id: str, phase: str) -> Any:
        return self.ok("POST", f"/api/v1/rounds/{round_id}/phase", token, json={"phase": phase})

    def propose(
        self, token: str, round_id: str, title: str, amount_minor: int, **extra: Any
    ) -> str:
        body = {
            "title": title,
            "description": "",
            "amount_minor": amount_minor,
            "how_it_helps": "Det hjælper mig tættere på et job.",
            "category": "course",
        }
        body.update(extra)
        proposal_id: str = self.ok(
            "POST", f"/api/v1/rounds/{round_id}/proposals", token, json=body
        )["id"]
        return proposal_id

    def vote(self, token: str, round_id: str, approvals: list[str]) -> Any:
        return self.ok(
            "PUT", f"/api/v1/rounds/{round_id}/ballot", token, json={"approvals": approvals}
        )


@pytest.fixture
def api(client: TestClient, services: Services) -> Api:
    return Api(client, services)
