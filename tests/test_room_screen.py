"""The room's shared view at use-case and render level: the timer and the spotlight end with
their phase, an expired timer is not running, the join code comes back on demand, the pot's
figures add up after an approval, phones get the timer and the spotlight, and the screen's
card grid is shaped for the number of cards."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from app.deliberation.permissions import Actor, Role
from app.deliberation.pots import Balance, EntryKind
from app.infra.clock import utcnow
from app.infra.tables import EventRow, UserRow, WorkshopRow
from app.usecases import facilitation
from app.usecases.live import load_snapshot
from app.web.views import Audience, grid_shape, push
from tests.conftest import Api


def _actor(api: Api, email: str) -> Actor:
    with api.services.db.reading() as session:
        user = session.exec(select(UserRow).where(UserRow.email == email)).one()
        return Actor(Role(user.role), user.organisation_id, user_id=user.id)


def _room(api: Api, proposals: int = 2) -> dict[str, Any]:
    fac = api.user("fac@room.dk")
    group = api.group(fac)
    workshop = api.workshop(fac, group["id"])
    round_id = api.round(fac, workshop["id"], budget_minor=20_000_00)["id"]
    member = api.join(workshop["code"], "Maja")
    api.phase(fac, round_id, "proposing")
    ids = [api.propose(member, round_id, f"Forslag {i}", 5_000_00) for i in range(proposals)]
    return {
        "fac": fac,
        "actor": _actor(api, "fac@room.dk"),
        "group": group,
        "workshop": workshop,
        "round_id": round_id,
        "member": member,
        "proposals": ids,
    }


def _render(api: Api, workshop_id: str, audience: Audience, language: str = "da") -> str:
    snap = load_snapshot(api.services, workshop_id)
    return push(audience, language, snap, stage_changed=True, base_url="http://x", connected=set())


def _events(api: Api, workshop_id: str) -> list[EventRow]:
    with api.services.db.reading() as session:
        return list(
            session.exec(
                select(EventRow)
                .where(EventRow.workshop_id == workshop_id)
                .order_by(col(EventRow.seq))
            )
        )


@pytest.mark.parametrize("target", ["discussing", "voting", "closed"])
def test_moving_the_phase_ends_the_timer_and_the_spotlight_with_live_events(
    api: Api, target: str
) -> None:
    s = _room(api)
    wid = s["workshop"]["id"]
    for step in ("discussing", "voting", "closed"):
        if step == target:
            break
        api.phase(s["fac"], s["round_id"], step)
    facilitation.start_timer(api.services, s["actor"], wid, seconds=300)
    facilitation.spotlight(api.services, s["actor"], wid, proposal_id=s["proposals"][0])
    assert load_snapshot(api.services, wid).spotlight is not None
    seq_before = _events(api, wid)[-1].seq
    api.phase(s["fac"], s["round_id"], target)

    snap = load_snapshot(api.services, wid)
    assert snap.workshop.timer_ends_at is None
    assert snap.timer_ends_at is None
    assert snap.workshop.spotlight_proposal_id is None
    assert snap.spotlight is None
    moved = [e for e in _events(api, wid) if e.seq > seq_before]
    kinds = [e.type for e in moved]
    assert kinds[:3] == ["round.phase", "timer.changed", "spotlight.changed"]  # one commit
    assert moved[1].payload == {"ends_at": None}
    assert moved[2].payload == {"proposal_id": None}
    screen = _render(api, wid, Audience.SCREEN)
    assert 'class="spotlight"' not in screen
    assert 'class="timer"' not in screen
    console = _render(api, wid, Audience.FACILITATORS)
    assert console.count("focus-toggle") == 2
    assert not re.search(r'focus-toggle"[^>]*aria-pressed="true"', console)
    assert "data-timer-stop" not in console


def test_a_new_round_starts_without_the_last_rounds_timer(api: Api) -> None:
    s = _room(api)
    wid = s["workshop"]["id"]
    for step in ("discussing", "voting", "closed"):
        api.phase(s["fac"], s["round_id"], step)
    facilitation.start_timer(api.services, s["actor"], wid, seconds=60)
    second = api.round(s["fac"], wid, budget_minor=1_000_00)["id"]
    api.phase(s["fac"], second, "proposing")
    assert load_snapshot(api.services, wid).timer_ends_at is None


def test_an_expired_timer_is_not_running_and_the_console_offers_a_new_one(api: Api) -> None:
    s = _room(api)
    wid = s["workshop"]["id"]
    facilitation.start_timer(api.services, s["actor"], wid, seconds=60)
    console = _render(api, wid, Audience.FACILITATORS)
    assert "data-timer-stop" in console
    assert 'data-done-text="Tiden er gået"' in console
    assert console.count('"minutes": "') == 4  # stop, and 2/5/10 to start again
    with api.services.db.writing() as session:  # the minute has passed
        row = session.get(WorkshopRow, wid)
        assert row is not None
        row.timer_ends_at = utcnow() - timedelta(seconds=5)
        session.add(row)
    assert load_snapshot(api.services, wid).timer_ends_at is None
    console = _render(api, wid, Audience.FACILITATORS)
    assert "data-timer-stop" not in console
    assert "Der kører ingen nedtælling." in console
    assert console.count('"minutes": "') == 3
    assert 'class="timer"' not in _render(api, wid, Audience.SCREEN)


def test_the_spotlight_toggles_show_the_true_state(api: Api) -> None:
    s = _room(api, proposals=3)
    wid = s["workshop"]["id"]
    first, second, _ = s["proposals"]
    facilitation.spotlight(api.services, s["actor"], wid, proposal_id=second)
    console = _render(api, wid, Audience.FACILITATORS)
    pressed = re.findall(
        r'id="console-proposal-([^"]+)".*?focus-toggle".*?aria-pressed="(\w+)"', console, re.S
    )
    assert pressed == [(first, "false"), (second, "true"), (s["proposals"][2], "false")]
    assert '"proposal_id": ""' in console  # pressing the pressed one ends it
    assert ">I fokus<" in console
    assert "Spotlight" not in console
    assert "Spotlight" not in _render(api, wid, Audience.SCREEN)
    assert "Spotlight" not in _render(api, wid, Audience.MEMBERS)


def test_the_join_code_comes_back_full_size_on_demand(api: Api) -> None:
    s = _room(api)
    wid = s["workshop"]["id"]
    screen = _render(api, wid, Audience.SCREEN)
    assert "join-corner" in screen
    assert "join-overlay" not in screen
    facilitation.show_join_code(api.services, s["actor"], wid, shown=True)
    snap = load_snapshot(api.services, wid)
    assert snap.join_code_shown
    assert snap.spotlight is None
    screen = _render(api, wid, Audience.SCREEN)
    assert "join-overlay" in screen
    assert s["workshop"]["code"] in screen
    console = _render(api, wid, Audience.FACILITATORS)
    assert re.search(r'join-code".*?aria-pressed="true"', console, re.S)
    facilitation.show_join_code(api.services, s["actor"], wid, shown=False)
    assert "join-overlay" not in _render(api, wid, Audience.SCREEN)
    facilitation.show_join_code(api.services, s["actor"], wid, shown=True)
    api.phase(s["fac"], s["round_id"], "discussing")  # ends with the phase, like a spotlight
    assert not load_snapshot(api.services, wid).join_code_shown


def test_the_join_code_is_large_until_the_group_has_joined(api: Api) -> None:
    fac = api.user("fac@join.dk")
    workshop = api.workshop(fac, api.group(fac)["id"])
    round_id = api.round(fac, workshop["id"])["id"]
    wid = workshop["id"]
    assert "join-panel large" in _render(api, wid, Audience.SCREEN)  # draft
    api.phase(fac, round_id, "proposing")
    screen = _render(api, wid, Audience.SCREEN)
    assert "join-panel medium" in screen
    assert "join-corner" not in screen
    api.join(workshop["code"], "Ali")
    screen = _render(api, wid, Audience.SCREEN)
    assert "join-panel" not in screen
    assert "join-corner" in screen
    assert workshop["code"] in screen  # still readable in the corner


def _figures(html: str) -> dict[str, int]:
    pot = html[html.index('class="pot"') :]
    pot = pot[: pot.index('class="meter"')]
    found = re.findall(r'class="figure (?:part-)?(\w+)">.*?data-minor="(-?\d+)"', pot, re.S)
    return {name: int(minor) for name, minor in found}


def test_the_pot_figures_add_up_after_an_approval(api: Api) -> None:
    s = _room(api)
    wid = s["workshop"]["id"]
    for step in ("discussing", "voting"):
        api.phase(s["fac"], s["round_id"], step)
    api.vote(s["member"], s["round_id"], s["proposals"])
    api.phase(s["fac"], s["round_id"], "closed")
    approver = api.user("sagsbehandler@room.dk", role="approver")
    items = api.ok("GET", f"/api/v1/groups/{s['group']['id']}/decisions", approver)
    assert len(items) == 2
    api.ok("POST", f"/api/v1/decisions/{items[0]['id']}/approve", approver, json={})

    balance = load_snapshot(api.services, wid).balance
    assert balance.approved_minor == 5_000_00
    assert balance.reserved_minor == 5_000_00
    for audience in (Audience.SCREEN, Audience.FACILITATORS):
        figures = _figures(_render(api, wid, audience))
        assert set(figures) == {"total", "available", "reserved", "approved", "spent"}
        parts = figures["available"] + figures["reserved"] + figures["approved"]
        assert parts + figures["spent"] == figures["total"] == 60_000_00
        assert figures["reserved"] == 5_000_00
        assert figures["approved"] == 5_000_00


def test_balance_parts_add_up_to_the_pot() -> None:
    b = Balance.of(
        [
            (EntryKind.GRANT, 1000),
            (EntryKind.RESERVE, 300),
            (EntryKind.APPROVE, 200),
            (EntryKind.PAY, 50),
        ]
    )
    assert dict(b.parts) == {"spent": 50, "approved": 150, "reserved": 100, "available": 700}
    assert sum(amount for _, amount in b.parts) == b.total_minor
    assert sum(b.percent(amount) for _, amount in b.parts) == pytest.approx(100)
    assert Balance().percent(5) == 0.0


def test_phones_get_the_timer_and_the_spotlight_without_their_stage(api: Api) -> None:
    s = _room(api)
    wid = s["workshop"]["id"]
    facilitation.start_timer(api.services, s["actor"], wid, seconds=120)
    facilitation.spotlight(api.services, s["actor"], wid, proposal_id=s["proposals"][1])
    snap = load_snapshot(api.services, wid)
    html = push(Audience.MEMBERS, "da", snap, stage_changed=False, base_url="", connected=set())
    status = html[html.index('id="status"') :]
    assert 'role="timer"' in status
    assert "Tid tilbage" in status
    assert "in-focus" in status
    assert "Forslag 1" in status
    assert "I fokus" in status
    assert 'id="stage"' not in html
    assert "proposal-form" not in html


@pytest.mark.parametrize("n", range(0, 41))
def test_the_screen_grid_has_room_for_every_card(n: int) -> None:
    for wide in (True, False):
        shape = grid_shape(n, wide=wide)
        assert shape.columns * shape.rows >= max(n, 1)
        assert shape.rows <= 6
        assert shape.columns <= 8
        assert (shape.columns - 1) * shape.rows < max(n, 1)  # no empty column
