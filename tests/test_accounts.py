"""Users and roles change through the use cases and the ``puljen user`` command, and every
change is in the organisation's audit trail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app import cli
from app.deliberation.errors import InvalidInput
from app.usecases import accounts
from app.usecases.unit import Services
from tests.conftest import PASSWORD, Api
from tests.databases import database_url


def _trail(api: Api, token: str, action: str) -> list[dict[str, object]]:
    answer = api.call("GET", "/api/v1/audit", token)
    assert answer.status_code == 200, answer.text
    return [e for e in answer.json() if e["action"] == action]


def test_a_new_role_holds_from_the_next_request_and_is_audited(api: Api) -> None:
    admin = api.user("admin@odense.dk", role="admin")
    token = api.user("kim@odense.dk", role="approver")
    group = {"name": "Holdet", "pot": {"amount_minor": 100_00}}
    assert api.call("POST", "/api/v1/groups", token, json=group).status_code == 403

    accounts.set_role(api.services, email=" Kim@Odense.dk ", role="facilitator")

    made = api.call("POST", "/api/v1/groups", token, json=group)
    assert made.status_code == 201, made.text
    [entry] = _trail(api, admin, "user.role")
    assert entry["before"] == {"email": "kim@odense.dk", "role": "approver"}
    assert entry["after"] == {"email": "kim@odense.dk", "role": "facilitator"}
    assert entry["actor_role"] == "system"


def test_setting_the_same_role_again_changes_and_records_nothing(api: Api) -> None:
    admin = api.user("admin@odense.dk", role="admin")
    api.user("kim@odense.dk", role="approver")
    accounts.set_role(api.services, email="kim@odense.dk", role="approver")
    assert _trail(api, admin, "user.role") == []


def test_a_new_password_ends_every_login_and_the_old_one_stops_working(api: Api) -> None:
    admin = api.user("admin@odense.dk", role="admin")
    first = api.user("kim@odense.dk", role="facilitator")
    second = api.client.post(
        "/api/v1/auth/login", json={"email": "kim@odense.dk", "password": PASSWORD}
    ).json()["token"]

    ended = accounts.set_password(api.services, email="kim@odense.dk", password="a new long one")

    assert ended == 2
    for token in (first, second):
        assert api.call("GET", "/api/v1/groups", token).status_code == 401
    old = {"email": "kim@odense.dk", "password": PASSWORD}
    assert api.client.post("/api/v1/auth/login", json=old).status_code == 401
    new = {"email": "kim@odense.dk", "password": "a new long one"}
    assert api.client.post("/api/v1/auth/login", json=new).status_code == 200
    [entry] = _trail(api, admin, "user.password")
    assert entry["after"] == {"email": "kim@odense.dk", "logins_ended": 2}
    assert "a new long one" not in str(entry)
    assert "password_hash" not in str(entry)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: accounts.set_role(s, email="nobody@odense.dk", role="admin"), "email"),
        (lambda s: accounts.set_role(s, email="kim@odense.dk", role="member"), "role"),
        (lambda s: accounts.set_role(s, email="not an address", role="admin"), "email"),
        (lambda s: accounts.set_password(s, email="kim@odense.dk", password="short"), "password"),
        (lambda s: accounts.set_password(s, email="nobody@odense.dk", password="x" * 12), "email"),
    ],
)
def test_bad_changes_name_the_field_and_change_nothing(
    api: Api, change: Callable[[Services], object], field: str
) -> None:
    admin = api.user("admin@odense.dk", role="admin")
    token = api.user("kim@odense.dk", role="approver")
    with pytest.raises(InvalidInput) as refused:
        change(api.services)
    assert refused.value.field == field
    assert api.call("GET", "/api/v1/audit", token).status_code == 200  # still logged in
    actions = {e["action"] for e in api.call("GET", "/api/v1/audit", admin).json()}
    assert actions.isdisjoint({"user.role", "user.password"})


def test_the_puljen_user_command_changes_roles_and_passwords(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url(tmp_path, "cli"))
    monkeypatch.setenv("PULJEN_DATA_DIR", str(tmp_path))
    create = ["user", "create", "--email", "kim@odense.dk", "--password", PASSWORD]
    assert cli.main([*create, "--role", "approver"]) == 0
    capsys.readouterr()

    assert cli.main(["user", "role", "--email", "kim@odense.dk", "--role", "admin"]) == 0
    assert capsys.readouterr().out.strip() == "kim@odense.dk is now admin"
    assert cli.main(["user", "password", "--email", "kim@odense.dk", "--password", "ab"]) == 1
    assert "at least 10 characters" in capsys.readouterr().err
    assert cli.main(["user", "role", "--email", "nobody@odense.dk", "--role", "admin"]) == 1
    assert capsys.readouterr().err.strip() == "puljen: There is no user with that e-mail."
