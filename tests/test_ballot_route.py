"""The phone's ballot post answers only ``#ballot-state``: it reads nothing but who is asking
and what the cast itself needs (no snapshot of the room, no tally of a live result), and
renders the same block as when it was drawn from a whole snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from app.deliberation.errors import InvalidInput
from app.usecases import accounts, rounds
from app.usecases.live import load_snapshot, own_ballot_of
from app.usecases.unit import Services
from app.web.routes.errors import error_message
from app.web.templating import render_blocks
from tests.conftest import Api

CSRF = "the-token-is-long-enough-1234"


@contextmanager
def statements(services: Services) -> Iterator[list[str]]:
    """The SQL statements the app sends to its database inside the block."""
    sent: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    engine = services.db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def voting(api: Api) -> dict[str, Any]:
    """A round voting with its result shown live, three proposals, Emil's phone in it."""
    fac = api.user("fac@ballot.dk")
    workshop = api.workshop(fac, api.group(fac)["id"])
    round_id = api.round(fac, workshop["id"], show_live=True)["id"]
    api.phase(fac, round_id, "proposing")
    proposals = [api.propose(fac, round_id, title, 1_000_00) for title in ("Kursus", "Tur", "Mad")]
    others = [api.join(workshop["code"], name) for name in ("Sara", "Ali")]
    api.phase(fac, round_id, "discussing")
    api.phase(fac, round_id, "voting")
    for other in others:
        api.vote(other, round_id, proposals[:1])
    token = api.join(workshop["code"], "Emil")
    api.client.cookies.set("puljen_member", token)
    api.client.cookies.set("puljen_csrf", CSRF)
    return {"workshop_id": workshop["id"], "round_id": round_id, "proposals": proposals}


def _post(api: Api, round_id: str, approvals: list[str]) -> str:
    response = api.client.post(
        f"/m/rounds/{round_id}/ballot",
        data={"approvals": approvals},
        headers={"X-CSRF-Token": CSRF, "HX-Request": "true"},
    )
    assert response.status_code == 200
    html: str = response.text
    return html


def _as_from_a_snapshot(
    api: Api, workshop_id: str, ballot: dict[str, Any] | None, error: str = ""
) -> str:
    """``#ballot-state`` as the route rendered it before: from the room's whole snapshot."""
    context = {
        "csrf": CSRF,
        "snap": load_snapshot(api.services, workshop_id),
        "me": None,
        "ballot": ballot,
        "form": {},
        "errors": {},
        "notice": "",
        "error": error,
        "oob": False,
    }
    return render_blocks("member.html", ["ballot_state"], "da", context)


def test_the_ballot_post_reads_only_who_asks_and_what_the_cast_needs(
    api: Api, voting: dict[str, Any]
) -> None:
    token = api.client.cookies["puljen_member"]
    actor = accounts.authenticate(api.services, token)
    round_id, picks = voting["round_id"], voting["proposals"]
    with statements(api.services) as authenticating:
        accounts.authenticate(api.services, token)
    with statements(api.services) as casting:
        rounds.cast_ballot(api.services, actor, round_id, {"approvals": picks[1:]})
    with statements(api.services) as posting:
        _post(api, round_id, picks[:2])
    assert len(posting) <= len(authenticating) + len(casting), posting
    assert not [s for s in posting if "FROM result" in s or "FROM comment" in s]


def test_the_ballot_post_renders_the_block_a_snapshot_rendered(
    api: Api, voting: dict[str, Any]
) -> None:
    round_id, picks = voting["round_id"], voting["proposals"]
    sent = _post(api, round_id, picks[:2])
    assert 'id="ballot-state"' in sent
    assert "ballot-state sent" in sent
    actor = accounts.authenticate(api.services, api.client.cookies["puljen_member"])
    assert actor.member_id is not None
    stored = own_ballot_of(api.services, round_id, actor.member_id)
    assert stored is not None
    assert sorted(stored["approvals"]) == sorted(picks[:2])
    assert sent == _as_from_a_snapshot(api, voting["workshop_id"], stored)


def test_a_refused_ballot_says_why_in_the_same_block(api: Api, voting: dict[str, Any]) -> None:
    actor = accounts.authenticate(api.services, api.client.cookies["puljen_member"])
    with pytest.raises(InvalidInput) as why:
        rounds.cast_ballot(api.services, actor, voting["round_id"], {"approvals": ["nope"]})
    refused = _post(api, voting["round_id"], ["nope"])
    assert "ballot-state not-sent" in refused
    assert 'class="error"' in refused
    error = error_message(why.value, "da")
    assert refused == _as_from_a_snapshot(api, voting["workshop_id"], None, error)
