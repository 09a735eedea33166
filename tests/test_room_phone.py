"""The phone in a real room (issue 10, points 1-4): one phone is one member, leaving and
coming back, resends that are not stored twice, a member's own state on all their pages
only, and a closed round's figures frozen at the close."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import select

from app.deliberation.errors import Conflict, InvalidInput, NotAuthenticated
from app.deliberation.permissions import Actor
from app.infra.db import alembic_config, upgrade
from app.infra.tables import CommentRow, MemberRow, ProposalRow
from app.usecases import accounts, rounds, workshops
from app.usecases.live import load_snapshot
from app.usecases.models import Proposal
from app.usecases.unit import Services
from tests.conftest import Api
from tests.databases import database_url
from tests.support import OLD_WORKSHOP_ROWS

PHONE_A = "a" * 43
PHONE_B = "b" * 43


def _workshop(api: Api, **round_: Any) -> dict[str, Any]:
    fac = api.user("fac@phone.dk")
    workshop = api.workshop(fac, api.group(fac)["id"])
    round_id = api.round(fac, workshop["id"], **round_)["id"]
    return {"fac": fac, "workshop": workshop, "code": workshop["code"], "round_id": round_id}


def _members(services: Services, workshop_id: str) -> list[MemberRow]:
    with services.db.reading() as session:
        return list(session.exec(select(MemberRow).where(MemberRow.workshop_id == workshop_id)))


# 1. The same phone typing its own name again is the same member ---------------------------


def test_the_same_phone_typing_its_name_again_is_the_same_member(api: Api) -> None:
    s = _workshop(api)
    first = workshops.join_workshop(api.services, code=s["code"], name="Emil", device=PHONE_A)
    again = workshops.join_workshop(api.services, code=s["code"], name="emil ", device=PHONE_A)
    assert again.member.id == first.member.id
    assert again.token != first.token
    assert len(_members(api.services, s["workshop"]["id"])) == 1
    stored = _members(api.services, s["workshop"]["id"])[0].device_hash
    assert stored == workshops.device_hash(api.services, s["workshop"]["id"], PHONE_A)
    assert stored
    assert PHONE_A not in stored
    with pytest.raises(Conflict) as taken:  # another phone: the clear "name taken"
        workshops.join_workshop(api.services, code=s["code"], name="Emil", device=PHONE_B)
    assert taken.value.code == "name_taken"
    with pytest.raises(Conflict):  # and without any device (the JSON API)
        workshops.join_workshop(api.services, code=s["code"], name="Emil")
    assert len(_members(api.services, s["workshop"]["id"])) == 1


def test_the_join_page_knows_the_phone(api: Api) -> None:
    s = _workshop(api)
    client = api.client
    page = client.get(f"/j/{s['code']}")
    assert page.headers["cache-control"] == "no-store"
    csrf = client.cookies["puljen_csrf"]
    joined = client.post(
        "/j", data={"code": s["code"], "name": "Emil", "csrf": csrf}, headers={"HX-Request": "1"}
    )
    assert joined.status_code == 204
    assert client.cookies.get("puljen_device")
    back = client.get(f"/j/{s['code']}", follow_redirects=False)
    assert back.status_code == 303
    assert back.headers["location"] == "/m"
    assert back.headers["cache-control"] == "no-store"
    client.cookies.delete("puljen_member")  # the login ended; the phone is still known
    offer = client.get(f"/j/{s['code']}")
    assert "Fortsæt som Emil" in offer.text or "Continue as Emil" in offer.text


# 2. Leaving: no longer counted, name free, the same phone comes back as the same member ----


def _emil_voted_beside_sara(api: Api) -> tuple[dict[str, Any], workshops.Joined, str, str]:
    """Emil (on phone A) and Sara in a round in voting; Emil has voted for Sara's proposal."""
    s = _workshop(api)
    emil = workshops.join_workshop(api.services, code=s["code"], name="Emil", device=PHONE_A)
    sara = api.join(s["code"], "Sara")
    api.phase(s["fac"], s["round_id"], "proposing")
    proposal = api.propose(sara, s["round_id"], "Kørekort", 1_000_00)
    api.phase(s["fac"], s["round_id"], "discussing")
    api.phase(s["fac"], s["round_id"], "voting")
    api.vote(emil.token, s["round_id"], [proposal])
    return s, emil, sara, proposal


def test_a_member_who_left_is_not_counted_and_comes_back_as_themselves(api: Api) -> None:
    s, emil, sara, proposal = _emil_voted_beside_sara(api)
    services = api.services
    api.vote(sara, s["round_id"], [])
    snap = load_snapshot(services, s["workshop"]["id"])
    assert (snap.ballots, snap.eligible) == (2, 2)
    workshops.leave_workshop(services, accounts.authenticate(services, emil.token))
    with pytest.raises(NotAuthenticated):
        accounts.authenticate(services, emil.token)
    snap = load_snapshot(services, s["workshop"]["id"])
    assert (snap.ballots, snap.eligible) == (1, 1)  # neither in N nor in M
    live = api.ok("GET", f"/api/v1/rounds/{s['round_id']}", sara)
    assert (live["ballots"], live["members"]) == (1, 1)
    back = workshops.join_workshop(services, code=s["code"], name="Emil", device=PHONE_A)
    assert back.member.id == emil.member.id
    assert back.member.left_at is None
    snap = load_snapshot(services, s["workshop"]["id"])
    assert (snap.ballots, snap.eligible) == (2, 2)  # their ballot is theirs again
    mine = api.ok("GET", f"/api/v1/rounds/{s['round_id']}", back.token)["my_ballot"]
    assert mine == {"approvals": [proposal]}


def test_the_name_of_a_member_who_left_is_free_and_the_tally_agrees(api: Api) -> None:
    s, emil, sara, _proposal = _emil_voted_beside_sara(api)
    services = api.services
    workshops.leave_workshop(services, accounts.authenticate(services, emil.token))
    other = workshops.join_workshop(services, code=s["code"], name="Emil", device=PHONE_B)
    assert other.member.id != emil.member.id  # the name did not block
    with pytest.raises(Conflict):  # and now the first phone cannot make a second Emil
        workshops.join_workshop(services, code=s["code"], name="Emil", device=PHONE_A)
    api.phase(s["fac"], s["round_id"], "closed")
    result = api.ok("GET", f"/api/v1/rounds/{s['round_id']}/result", sara)
    snap = load_snapshot(services, s["workshop"]["id"])
    assert result["voters"] == snap.ballots == 0
    assert snap.eligible == 2


def test_leaving_in_the_browser_asks_first(api: Api) -> None:
    s = _workshop(api)
    client = api.client
    client.get(f"/j/{s['code']}")
    csrf = client.cookies["puljen_csrf"]
    client.post("/j", data={"code": s["code"], "name": "Emil", "csrf": csrf})
    member = client.get("/m")
    assert 'href="/m/leave"' in member.text
    assert 'action="/m/leave"' not in member.text
    ask = client.get("/m/leave")
    assert 'id="leave-form"' in ask.text
    assert 'href="/m"' in ask.text
    assert len(_members(api.services, s["workshop"]["id"])) == 1
    assert _members(api.services, s["workshop"]["id"])[0].left_at is None  # asking is not leaving
    left = client.post("/m/leave", data={"csrf": csrf}, follow_redirects=False)
    assert left.status_code == 303
    assert left.headers["location"] == "/j"
    assert _members(api.services, s["workshop"]["id"])[0].left_at is not None
    offer = client.get(f"/j/{s['code']}")  # after Leave, no one-tap way back in as Emil
    assert 'name="name" value="Emil"' not in offer.text


# 3. A resend of a proposal or comment whose answer was lost is not stored twice ------------


LICENCE: dict[str, Any] = {
    "title": "Kørekort",
    "description": "",
    "amount_minor": 1_000_00,
    "how_it_helps": "Jeg kan køre til job.",
    "category": "licence",
}


def _proposing_as_emil(api: Api) -> tuple[dict[str, Any], str, Actor, dict[str, Any]]:
    """A round open for proposals, Emil in it (his token and actor), his proposal's fields."""
    s = _workshop(api)
    token = api.join(s["code"], "Emil")
    api.phase(s["fac"], s["round_id"], "proposing")
    return s, token, accounts.authenticate(api.services, token), dict(LICENCE)


def test_a_resent_proposal_or_comment_is_stored_once(api: Api) -> None:
    s, token, actor, fields = _proposing_as_emil(api)

    def propose(key: str) -> Proposal:
        return rounds.submit_proposal(
            api.services,
            actor,
            s["round_id"],
            title="Kørekort",
            description="",
            amount_minor=1_000_00,
            how_it_helps="Jeg kan køre til job.",
            category="licence",
            idempotency_key=key,
        )

    one, two, other = propose("k" * 20), propose("k" * 20), propose("z" * 20)
    assert one.id == two.id != other.id
    with api.services.db.reading() as session:
        assert len(session.exec(select(ProposalRow)).all()) == 2
    # through the JSON API too, with an Idempotency-Key header
    headers = {"Idempotency-Key": "q" * 20}
    body = {**fields, "title": "Laptop"}
    url = f"/api/v1/rounds/{s['round_id']}/proposals"
    first = api.ok("POST", url, token, json=body, headers=dict(headers))
    second = api.ok("POST", url, token, json=body, headers=dict(headers))
    assert first["id"] == second["id"]
    c1 = rounds.add_comment(api.services, actor, one.id, text="Godt!", idempotency_key="c" * 20)
    c2 = rounds.add_comment(api.services, actor, one.id, text="Godt!", idempotency_key="c" * 20)
    assert c1.id == c2.id
    with api.services.db.reading() as session:
        assert len(session.exec(select(ProposalRow)).all()) == 3
        assert len(session.exec(select(CommentRow)).all()) == 1
    with pytest.raises(InvalidInput):
        rounds.add_comment(api.services, actor, one.id, text="x", idempotency_key="<bad key>")


def test_a_resent_browser_proposal_answers_like_the_first(api: Api) -> None:
    s = _workshop(api)
    client = api.client
    client.get(f"/j/{s['code']}")
    csrf = client.cookies["puljen_csrf"]
    client.post("/j", data={"code": s["code"], "name": "Emil", "csrf": csrf})
    api.phase(s["fac"], s["round_id"], "proposing")
    form = {
        "title": "Kørekort",
        "amount": "1000",
        "how_it_helps": "Jeg kan køre til job.",
        "category": "licence",
        "csrf": csrf,
        "idempotency_key": "0123456789abcdef",
    }
    url = f"/m/rounds/{s['round_id']}/proposals"
    answers = [client.post(url, data=form, headers={"HX-Request": "1"}) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert all("data-draft-sent" in a.text for a in answers)
    with api.services.db.reading() as session:
        assert len(session.exec(select(ProposalRow)).all()) == 1


# 4. A member's own state on all their pages, nobody else's; closed figures frozen --------


def test_a_members_ballot_goes_to_their_own_pages_only(api: Api) -> None:
    s = _workshop(api)
    emil, sara = api.join(s["code"], "Emil"), api.join(s["code"], "Sara")
    api.phase(s["fac"], s["round_id"], "proposing")
    proposal = api.propose(sara, s["round_id"], "Kørekort", 1_000_00)
    api.phase(s["fac"], s["round_id"], "discussing")
    api.phase(s["fac"], s["round_id"], "voting")
    url = f"/ws/live/{s['workshop']['id']}"
    stage = f"?stage={s['round_id']}:voting"
    tabs = [
        api.client.websocket_connect(url + stage, headers={"cookie": f"puljen_member={t}"})
        for t in (emil, emil, sara)
    ]
    opened = [ws.__enter__() for ws in tabs]
    try:
        for ws in opened:
            ws.receive_text()  # the first render
            ws.receive_text()  # the room catching up (with the member's own state)
        time.sleep(0.3)
        api.vote(emil, s["round_id"], [proposal])
        pushed = [ws.receive_text() for ws in opened]
    finally:
        for ws in opened:
            ws.__exit__(None, None, None)
    for html in pushed[:2]:  # both of Emil's tabs follow
        assert 'id="ballot-state"' in html
        assert "sent" in html
        assert proposal in html
    assert 'id="ballot-state"' not in pushed[2]
    assert proposal not in pushed[2]
    assert 'id="voted"' in pushed[2]


def test_a_closed_rounds_figures_are_frozen_at_the_close(api: Api) -> None:
    s = _workshop(api)
    tokens = [api.join(s["code"], name) for name in ("Emil", "Sara", "Ali")]
    api.phase(s["fac"], s["round_id"], "proposing")
    proposal = api.propose(tokens[0], s["round_id"], "Kørekort", 1_000_00)
    api.phase(s["fac"], s["round_id"], "discussing")
    api.phase(s["fac"], s["round_id"], "voting")
    api.vote(tokens[0], s["round_id"], [proposal])
    api.vote(tokens[1], s["round_id"], [proposal])
    api.phase(s["fac"], s["round_id"], "closed")
    snap = load_snapshot(api.services, s["workshop"]["id"])
    assert (snap.ballots, snap.eligible) == (2, 3)
    api.join(s["code"], "Nadia")  # people come later …
    api.join(s["code"], "Omar")
    workshops.leave_workshop(api.services, accounts.authenticate(api.services, tokens[0]))
    snap = load_snapshot(api.services, s["workshop"]["id"])
    assert (snap.ballots, snap.eligible) == (2, 3)  # … the closed round still says 2 of 3
    view = api.ok("GET", f"/api/v1/rounds/{s['round_id']}", s["fac"])
    assert (view["ballots"], view["members"]) == (2, 3)  # the API says the same
    member = api.client.get(f"/screen/{s['workshop']['screen_url'].rsplit('/', 1)[1]}")
    assert member.status_code == 200


# Migration 0008 --------------------------------------------------------------------------


def test_migration_0008_upgrades_a_database_with_members_and_results(tmp_path: Path) -> None:
    url = database_url(tmp_path, "old", empty=True)
    command.upgrade(alembic_config(url), "0007")
    engine = sa.create_engine(url)
    now = "2026-03-01 10:00:00.000000"
    with engine.begin() as db:
        for sql in (
            *OLD_WORKSHOP_ROWS,
            "INSERT INTO member (id, workshop_id, name, joined_at) VALUES ('m', 'w', 'Emil', :now)",
            "INSERT INTO round (id, workshop_id, title, method, params, budget_minor, phase,"
            " show_live, created_at) VALUES ('r', 'w', 'R', 'approval', '{}', 500000, 'closed',"
            " false, :now)",
            "INSERT INTO proposal (id, round_id, position, member_id, title, description,"
            " amount_minor, how_it_helps, category, created_at) VALUES ('p', 'r', 1, 'm',"
            " 'Kørekort', '', 120000, 'job', 'licence', :now)",
            "INSERT INTO result (round_id, method, budget_minor, funded, scores, reasons,"
            " spent_minor, leftover_minor, voters, computed_at) VALUES ('r', 'approval', 500000,"
            " '[\"p\"]', '{}', '{}', 120000, 380000, 1, :now)",
        ):
            db.execute(sa.text(sql), {"now": now})
    upgrade(url)
    with engine.connect() as db:
        member = db.execute(sa.text("SELECT name, left_at, device_hash FROM member")).one()
        proposal = db.execute(sa.text("SELECT title, idempotency_key FROM proposal")).one()
        result = db.execute(sa.text("SELECT voters, eligible FROM result")).one()
    keyed = sa.text(
        "INSERT INTO proposal (id, round_id, position, member_id, title, description,"
        " amount_minor, how_it_helps, category, created_at, idempotency_key)"
        " VALUES (:id, 'r', :pos, 'm', 'X', '', 100, 'job', 'other', :now, 'k')"
    )
    with engine.begin() as db:
        db.execute(keyed, {"id": "p2", "pos": 2, "now": now})
        with pytest.raises(sa.exc.IntegrityError):  # the same member, the same key: refused
            db.execute(keyed, {"id": "p3", "pos": 3, "now": now})
    engine.dispose()
    assert tuple(member) == ("Emil", None, None)
    assert tuple(proposal) == ("Kørekort", None)
    assert tuple(result) == (1, None)  # closed before 0008: M is not known, falls back


def test_a_second_tab_or_a_stale_join_form_never_makes_a_second_member(api: Api) -> None:
    """The review's case: joined as Emil, the same browser posts the join form again (a
    second tab, a form restored by Back) as "Emil H": still Emil, one member, one ballot."""
    s = _workshop(api)
    client = api.client
    client.get(f"/j/{s['code']}")
    csrf = client.cookies["puljen_csrf"]
    first = client.post("/j", data={"code": s["code"], "name": "Emil", "csrf": csrf})
    again = client.post("/j", data={"code": s["code"], "name": "Emil H", "csrf": csrf})
    assert first.url.path == again.url.path == "/m"  # both land on the member's page
    members = _members(api.services, s["workshop"]["id"])
    assert [m.name for m in members] == ["Emil"]
    # Once this browser's login is gone (a phone passed on), someone else may join on it.
    client.cookies.delete("puljen_member")
    sara = client.post("/j", data={"code": s["code"], "name": "Sara", "csrf": csrf})
    assert sara.url.path == "/m"
    assert sorted(m.name for m in _members(api.services, s["workshop"]["id"])) == ["Emil", "Sara"]


def test_the_device_hash_does_not_link_a_phone_across_workshops(api: Api) -> None:
    first = _workshop(api)
    second = {"code": api.workshop(first["fac"], api.group(first["fac"])["id"])["code"]}
    a = workshops.join_workshop(api.services, code=first["code"], name="Emil", device=PHONE_A)
    b = workshops.join_workshop(api.services, code=second["code"], name="Emil", device=PHONE_A)
    assert a.member.device_hash
    assert b.member.device_hash
    assert a.member.device_hash != b.member.device_hash
    assert workshops.device_members(api.services, PHONE_A) == []  # no code: nothing to find
    known = workshops.device_members(api.services, PHONE_A, second["code"])
    assert [k.code for k in known] == [second["code"]]


# Review of the outbox: privacy after Leave, an edited resend is not dropped in silence ----


def test_after_leave_the_phone_offers_no_continue_as_but_the_name_still_brings_them_back(
    api: Api,
) -> None:
    s = _workshop(api)
    services = api.services
    emil = workshops.join_workshop(services, code=s["code"], name="Emil", device=PHONE_A)
    assert [k.name for k in workshops.device_members(services, PHONE_A, s["code"])] == ["Emil"]
    workshops.leave_workshop(services, accounts.authenticate(services, emil.token))
    assert workshops.device_members(services, PHONE_A, s["code"]) == []
    assert workshops.device_members(services, PHONE_A) == []
    back = workshops.join_workshop(services, code=s["code"], name="Emil", device=PHONE_A)
    assert back.member.id == emil.member.id
    assert [k.name for k in workshops.device_members(services, PHONE_A, s["code"])] == ["Emil"]


def test_the_join_page_after_leave_does_not_offer_the_member(api: Api) -> None:
    s = _workshop(api)
    client = api.client
    client.get(f"/j/{s['code']}")
    csrf = client.cookies["puljen_csrf"]
    client.post("/j", data={"code": s["code"], "name": "Emil", "csrf": csrf})
    leave = client.get("/m/leave")
    assert "Fortsæt som" not in leave.text
    assert "continue as" not in leave.text.lower()
    client.post("/m/leave", data={"csrf": client.cookies["puljen_csrf"]})
    page = client.get(f"/j/{s['code']}")
    assert "Fortsæt som Emil" not in page.text
    assert "Continue as Emil" not in page.text


def test_an_edited_resend_under_the_same_key_is_a_conflict_in_words(api: Api) -> None:
    s, token, actor, fields = _proposing_as_emil(api)
    key = "k" * 20
    one = rounds.submit_proposal(api.services, actor, s["round_id"], **fields, idempotency_key=key)
    spaced = {**fields, "title": " Kørekort "}  # the same, as it would be stored
    same = rounds.submit_proposal(api.services, actor, s["round_id"], **spaced, idempotency_key=key)
    assert same.id == one.id
    for changed in ({"title": "Kørekort B"}, {"amount_minor": 1_200_00}, {"category": "course"}):
        with pytest.raises(Conflict) as edited:
            rounds.submit_proposal(
                api.services, actor, s["round_id"], **{**fields, **changed}, idempotency_key=key
            )
        assert edited.value.code == "already_sent"
    c1 = rounds.add_comment(api.services, actor, one.id, text="Godt!", idempotency_key="c" * 20)
    with pytest.raises(Conflict):
        rounds.add_comment(api.services, actor, one.id, text="Godt! Og", idempotency_key="c" * 20)
    again = rounds.add_comment(api.services, actor, one.id, text="Godt!", idempotency_key="c" * 20)
    assert again.id == c1.id
    with api.services.db.reading() as session:
        assert len(session.exec(select(ProposalRow)).all()) == 1
        assert len(session.exec(select(CommentRow)).all()) == 1
    # The JSON API and the phone's page: a 409 in words, in the member's language.
    url = f"/api/v1/rounds/{s['round_id']}/proposals"
    body = {**fields, "title": "Laptop"}
    api.ok("POST", url, token, json=body, headers={"Idempotency-Key": "q" * 20})
    answer = api.client.post(
        url,
        json={**body, "amount_minor": 2_000_00},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "q" * 20},
    )
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "already_sent"
    assert answer.json()["error"]["message"].startswith(
        "Det her blev allerede sendt, som du skrev det først."
    )
