"""Bad input gets a clear error naming the field, changes nothing, and is never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Api


@pytest.fixture
def proposing(api: Api) -> dict[str, Any]:
    fac = api.user("fac@validation.dk")
    group = api.group(fac, amount_minor=10_000_00)
    workshop = api.workshop(fac, group["id"])
    round_id = api.round(fac, workshop["id"], budget_minor=5_000_00)["id"]
    member = api.join(workshop["code"], "Sara")
    api.phase(fac, round_id, "proposing")
    return {"fac": fac, "member": member, "round_id": round_id, "group_id": group["id"]}


GOOD = {
    "title": "Kørekort",
    "description": "Teori og køretimer",
    "amount_minor": 4_000_00,
    "how_it_helps": "Jeg kan tage job som pædagogmedhjælper i en anden by.",
    "category": "licence",
}


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"title": ""}, "title", 422),
        ({"title": "   "}, "title", 422),
        ({"title": "x" * 121}, "title", 422),
        ({"description": "x" * 2001}, "description", 422),
        ({"how_it_helps": ""}, "how_it_helps", 422),
        ({"how_it_helps": "x" * 501}, "how_it_helps", 422),
        ({"amount_minor": 0}, "amount_minor", 422),
        ({"amount_minor": -5}, "amount_minor", 422),
        ({"amount_minor": 5_000_01}, "amount_minor", 422),
        ({"amount_minor": 12.5}, "amount_minor", 422),
        ({"amount_minor": "400000"}, "amount_minor", 422),
        ({"amount_minor": True}, "amount_minor", 422),
        ({"category": "holiday"}, "category", 422),
        ({"category": 3}, "category", 422),
        ({"title": None}, "title", 422),
        ({"title": ["a"]}, "title", 422),
    ],
)
def test_a_bad_proposal_field_is_named_and_nothing_is_stored(
    api: Api, proposing: dict[str, Any], change: dict[str, Any], field: str, status: int
) -> None:
    body = {**GOOD, **change}
    response = api.call(
        "POST", f"/api/v1/rounds/{proposing['round_id']}/proposals", proposing["member"], json=body
    )
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["field"] == field
    assert error["code"] == "invalid_input"
    assert error["message"]
    seen = api.ok("GET", f"/api/v1/rounds/{proposing['round_id']}", proposing["member"])
    assert seen["proposals"] == []


def test_missing_fields_are_named(api: Api, proposing: dict[str, Any]) -> None:
    body = dict(GOOD)
    del body["how_it_helps"]
    response = api.call(
        "POST", f"/api/v1/rounds/{proposing['round_id']}/proposals", proposing["member"], json=body
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "how_it_helps"


def test_an_amount_equal_to_the_budget_and_a_long_title_are_fine(
    api: Api, proposing: dict[str, Any]
) -> None:
    body = {**GOOD, "amount_minor": 5_000_00, "title": "t" * 120, "how_it_helps": "h" * 500}
    response = api.call(
        "POST", f"/api/v1/rounds/{proposing['round_id']}/proposals", proposing["member"], json=body
    )
    assert response.status_code == 201, response.text


def test_the_error_message_speaks_the_callers_language(api: Api, proposing: dict[str, Any]) -> None:
    body = {**GOOD, "title": ""}
    path = f"/api/v1/rounds/{proposing['round_id']}/proposals"
    english = api.call(
        "POST", path, proposing["member"], json=body, headers={"Accept-Language": "en"}
    )
    assert english.json()["error"]["message"] == "Write what it is called."
    assert english.json()["error"]["field"] == "title"
    danish = api.call("POST", path, proposing["member"], json=body)
    assert danish.json()["error"]["message"] == "Skriv, hvad det hedder."
    too_much = api.call("POST", path, proposing["member"], json={**GOOD, "amount_minor": 6_000_00})
    assert too_much.json()["error"]["message"] == (
        "Rundens budget er 5.000,00\xa0kr., og beløbet er større end det."
    )


def test_garbage_json_is_a_400(api: Api, proposing: dict[str, Any]) -> None:
    response = api.call(
        "POST",
        f"/api/v1/rounds/{proposing['round_id']}/proposals",
        proposing["member"],
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


@pytest.mark.parametrize("payload", [b"[]", b"42", b'"text"', b"null"])
def test_a_body_that_is_not_an_object_is_refused(
    api: Api, proposing: dict[str, Any], payload: bytes
) -> None:
    response = api.call(
        "POST",
        f"/api/v1/rounds/{proposing['round_id']}/proposals",
        proposing["member"],
        content=payload,
        headers={"Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


def test_a_body_over_64_kib_is_a_413(api: Api, proposing: dict[str, Any]) -> None:
    body = {**GOOD, "description": "x" * (65 * 1024)}
    response = api.call(
        "POST", f"/api/v1/rounds/{proposing['round_id']}/proposals", proposing["member"], json=body
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_a_chunked_body_over_64_kib_is_a_413_too(api: Api, proposing: dict[str, Any]) -> None:
    def chunks() -> Any:
        yield b'{"title": "'
        for _ in range(80):
            yield b"x" * 1024
        yield b'"}'

    response = api.call(
        "POST",
        f"/api/v1/rounds/{proposing['round_id']}/proposals",
        proposing["member"],
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/rounds/nope"),
        ("GET", "/api/v1/rounds/nope/result"),
        ("POST", "/api/v1/rounds/nope/phase"),
        ("GET", "/api/v1/groups/nope"),
        ("GET", "/api/v1/workshops/nope"),
    ],
)
def test_unknown_ids_are_404(api: Api, proposing: dict[str, Any], method: str, path: str) -> None:
    response = api.call(method, path, proposing["fac"], json={"phase": "voting"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_ballot_for_a_proposal_of_another_round_is_refused(
    api: Api, proposing: dict[str, Any]
) -> None:
    fac, member, round_id = proposing["fac"], proposing["member"], proposing["round_id"]
    api.propose(member, round_id, "A", 100)
    api.phase(fac, round_id, "discussing")
    api.phase(fac, round_id, "voting")
    for body in ({"approvals": ["not-a-proposal"]}, {"approvals": "x"}, {"approvals": [1]}, {}):
        response = api.call("PUT", f"/api/v1/rounds/{round_id}/ballot", member, json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["field"] == "approvals"
    assert api.ok("GET", f"/api/v1/rounds/{round_id}", member)["ballots"] == 0


def test_an_unknown_method_says_so(api: Api, proposing: dict[str, Any]) -> None:
    workshop_id = api.ok("GET", f"/api/v1/rounds/{proposing['round_id']}", proposing["fac"])[
        "workshop_id"
    ]
    response = api.call(
        "POST",
        f"/api/v1/workshops/{workshop_id}/rounds",
        proposing["fac"],
        json={"title": "Borda", "method": "borda"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "method"


scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50)
)
json_values = (
    scalars
    | st.lists(scalars, max_size=4)
    | st.dictionaries(st.text(max_size=8), scalars, max_size=3)
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.dictionaries(st.sampled_from([*GOOD.keys(), "extra"]), json_values, max_size=6))
def test_no_proposal_body_makes_the_server_fail(
    api: Api, proposing: dict[str, Any], body: dict[str, Any]
) -> None:
    response = api.call(
        "POST",
        f"/api/v1/rounds/{proposing['round_id']}/proposals",
        proposing["member"],
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"code", "message"}
