"""The pot can never be overspent and a member never has two ballots, whatever the timing.

Each test starts real threads on real connections to one database and lets them collide at
a barrier: a SQLite file, or PostgreSQL when ``PULJEN_TEST_POSTGRES_URL`` is set (where the
use cases' row locks, not SQLite's one write lock, keep them apart).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from app.deliberation.permissions import Actor
from app.infra.db import Database
from app.infra.tables import BallotRow, LedgerEntryRow
from app.usecases import accounts, ledger, rounds
from tests.conftest import Api
from tests.support import collide


def _voting_round(api: Api, fac: str, workshop: dict[str, Any], member: str, amount: int) -> str:
    round_id: str = api.round(fac, workshop["id"])["id"]
    api.phase(fac, round_id, "proposing")
    proposal = api.propose(member, round_id, "Kørekort", amount)
    api.phase(fac, round_id, "discussing")
    api.phase(fac, round_id, "voting")
    api.vote(member, round_id, [proposal])
    return round_id


@pytest.mark.parametrize("attempt", range(5))
def test_two_rounds_closing_at_the_same_instant_cannot_reserve_the_same_money(
    api: Api, attempt: int
) -> None:
    fac = api.user(f"fac{attempt}@concurrency.dk")
    group = api.group(fac, amount_minor=10_000_00)
    first_ws, second_ws = api.workshop(fac, group["id"]), api.workshop(fac, group["id"])
    first_member = api.join(first_ws["code"], "Asta")
    second_member = api.join(second_ws["code"], "Bjørn")
    # Both rounds are created while the whole pot is available, each wants 8,000 kr.
    first = _voting_round(api, fac, first_ws, first_member, 8_000_00)
    second = _voting_round(api, fac, second_ws, second_member, 8_000_00)

    actor = accounts.authenticate(api.services, fac)
    # A second engine on the same database stands in for a second server process: it does not
    # share this process's write lock, so only the database transaction keeps them apart.
    other = replace(api.services, db=Database(api.services.db.url))
    outcomes = collide(
        lambda: rounds.move_phase(api.services, actor, first, phase="closed"),
        lambda: rounds.move_phase(other, actor, second, phase="closed"),
    )
    other.db.dispose()
    assert all(not isinstance(o, Exception) for o in outcomes), outcomes

    funded = [api.ok("GET", f"/api/v1/rounds/{r}/result", fac)["funded"] for r in (first, second)]
    assert sorted(len(f) for f in funded) == [0, 1]  # exactly one round got the money
    pot = api.ok("GET", f"/api/v1/groups/{group['id']}", fac)["pot"]
    assert pot["reserved_minor"] == 8_000_00
    assert pot["available_minor"] == 2_000_00
    loser = first if not funded[0] else second
    reason = next(iter(api.ok("GET", f"/api/v1/rounds/{loser}/result", fac)["reasons"].values()))
    assert reason["code"] == "not_enough_left"
    assert reason["left_minor"] == 2_000_00


def test_many_closes_at_once_never_take_the_pot_below_zero(api: Api) -> None:
    fac = api.user("fac@many.dk")
    group = api.group(fac, amount_minor=10_000_00)
    actor: Actor = accounts.authenticate(api.services, fac)
    round_ids = []
    for index in range(6):
        workshop = api.workshop(fac, group["id"])
        member = api.join(workshop["code"], f"M{index}")
        round_ids.append(_voting_round(api, fac, workshop, member, 3_000_00))
    processes = [replace(api.services, db=Database(api.services.db.url)) for _ in round_ids]
    outcomes = collide(
        *[
            (lambda r=r, s=s: rounds.move_phase(s, actor, r, phase="closed"))
            for r, s in zip(round_ids, processes, strict=True)
        ]
    )
    for process in processes:
        process.db.dispose()
    assert all(not isinstance(o, Exception) for o in outcomes), outcomes
    pot = api.ok("GET", f"/api/v1/groups/{group['id']}", fac)["pot"]
    assert pot["reserved_minor"] == 9_000_00  # three of six fit in 10,000 kr.
    assert pot["available_minor"] == 1_000_00
    with api.services.db.reading() as session:
        entries = ledger.entries(session, group["id"])
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert all(
        e.total_after_minor - e.reserved_after_minor - e.spent_after_minor >= 0 for e in entries
    )


def test_the_database_itself_refuses_an_entry_that_overspends(api: Api) -> None:
    fac = api.user("fac@check.dk")
    group = api.group(fac, amount_minor=1_000_00)
    with pytest.raises(IntegrityError), api.services.db.writing() as session:
        session.add(
            LedgerEntryRow(
                group_id=group["id"],
                seq=2,
                kind="reserve",
                amount_minor=2_000_00,
                actor="test",
                total_after_minor=1_000_00,
                reserved_after_minor=2_000_00,
                spent_after_minor=0,
            )
        )
    with pytest.raises(IntegrityError), api.services.db.writing() as session:
        # A second writer acting on a stale balance reuses the same seq: refused.
        session.add(
            LedgerEntryRow(
                group_id=group["id"],
                seq=1,
                kind="reserve",
                amount_minor=500_00,
                actor="test",
                total_after_minor=1_000_00,
                reserved_after_minor=500_00,
                spent_after_minor=0,
            )
        )
    assert api.ok("GET", f"/api/v1/groups/{group['id']}", fac)["pot"]["available_minor"] == 1_000_00


def test_a_member_sending_two_ballots_at_once_has_one_ballot(api: Api) -> None:
    fac = api.user("fac@ballots.dk")
    workshop = api.workshop(fac, api.group(fac)["id"])
    member = api.join(workshop["code"], "Carl")
    round_id = api.round(fac, workshop["id"])["id"]
    api.phase(fac, round_id, "proposing")
    a = api.propose(member, round_id, "A", 100)
    b = api.propose(member, round_id, "B", 100)
    api.phase(fac, round_id, "discussing")
    api.phase(fac, round_id, "voting")
    actor = accounts.authenticate(api.services, member)
    outcomes = collide(
        *[
            (lambda body=body: rounds.cast_ballot(api.services, actor, round_id, body))
            for body in ({"approvals": [a]}, {"approvals": [b]}, {"approvals": [a, b]}) * 3
        ]
    )
    assert all(not isinstance(o, Exception) for o in outcomes), outcomes
    with api.services.db.reading() as session:
        rows = session.exec(select(BallotRow).where(BallotRow.round_id == round_id)).all()
    assert len(rows) == 1
    assert api.ok("GET", f"/api/v1/rounds/{round_id}", member)["ballots"] == 1


def test_the_database_refuses_a_second_ballot_row(api: Api) -> None:
    fac = api.user("fac@unique.dk")
    workshop = api.workshop(fac, api.group(fac)["id"])
    member_token = api.join(workshop["code"], "Dan")
    round_id = api.round(fac, workshop["id"])["id"]
    member_id = accounts.authenticate(api.services, member_token).member_id
    assert member_id is not None
    with api.services.db.writing() as session:
        session.add(BallotRow(round_id=round_id, member_id=member_id, body={"approvals": []}))
    with pytest.raises(IntegrityError), api.services.db.writing() as session:
        session.add(BallotRow(round_id=round_id, member_id=member_id, body={"approvals": []}))
