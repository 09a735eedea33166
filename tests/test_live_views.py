"""The live browser views over websockets: rendered once per audience and pushed to many,
bursts coalesced, and the page actions protected against cross-site requests."""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.usecases.live import load_snapshot
from app.web import rooms
from tests.conftest import Api


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every snapshot a room reads (the per-connection first render reads its own)."""
    calls: list[str] = []

    def counting(services: Any, workshop_id: str) -> Any:
        calls.append(workshop_id)
        return load_snapshot(services, workshop_id)

    monkeypatch.setattr(rooms, "load_snapshot", counting)
    return calls


def _members(api: Api, count: int) -> dict[str, Any]:
    fac = api.user("fac@views.dk")
    workshop = api.workshop(fac, api.group(fac)["id"])
    round_id = api.round(fac, workshop["id"])["id"]
    tokens = [api.join(workshop["code"], f"M{i}") for i in range(count)]
    return {"fac": fac, "workshop": workshop, "round_id": round_id, "tokens": tokens}


def test_one_change_is_read_once_and_sent_as_the_same_bytes_to_every_phone(
    api: Api, counted: list[str]
) -> None:
    s = _members(api, 6)
    workshop_id = s["workshop"]["id"]
    screen_token = s["workshop"]["screen_url"].rsplit("/", 1)[1]
    sockets = [
        api.client.websocket_connect(
            f"/ws/live/{workshop_id}", headers={"cookie": f"puljen_member={token}"}
        )
        for token in s["tokens"]
    ]
    screens = [api.client.websocket_connect(f"/ws/screen/{screen_token}") for _ in range(2)]
    opened = [ws.__enter__() for ws in [*sockets, *screens]]
    try:
        for ws in opened:
            assert 'id="' in ws.receive_text()  # each page's own first render …
            assert 'id="' in ws.receive_text()  # … and the room catching it up once
        time.sleep(0.3)
        before = len(counted)
        api.phase(s["fac"], s["round_id"], "proposing")
        member_pushes = {ws.receive_text() for ws in opened[:6]}
        screen_pushes = {ws.receive_text() for ws in opened[6:]}
    finally:
        for ws in opened:
            ws.__exit__(None, None, None)
    assert len(member_pushes) == 1
    assert len(screen_pushes) == 1
    (member_html,) = member_pushes
    assert 'id="proposal-form"' in member_html
    assert 'id="stage"' in member_html
    assert 'id="screen"' in next(iter(screen_pushes))
    assert 0 < len(counted) - before <= 2  # one read per flush, not one per connection


def test_a_burst_of_ballots_is_coalesced(api: Api, counted: list[str]) -> None:
    s = _members(api, 6)
    api.phase(s["fac"], s["round_id"], "proposing")
    proposal = api.propose(s["tokens"][0], s["round_id"], "Kursus", 1000)
    api.phase(s["fac"], s["round_id"], "discussing")
    api.phase(s["fac"], s["round_id"], "voting")
    screen_token = s["workshop"]["screen_url"].rsplit("/", 1)[1]
    with api.client.websocket_connect(f"/ws/screen/{screen_token}") as ws:
        assert "0 af 6 har stemt" in ws.receive_text()
        assert "0 af 6 har stemt" in ws.receive_text()  # caught up by the room
        time.sleep(0.3)
        before = len(counted)
        started = time.monotonic()
        for _round in range(5):
            for token in s["tokens"]:
                api.vote(token, s["round_id"], [proposal])
        elapsed = time.monotonic() - started
        time.sleep(0.5)
        flushes = len(counted) - before
        last = ""
        for _ in range(flushes):
            last = ws.receive_text()
    assert flushes < 30  # thirty ballots, fewer renders
    assert flushes <= elapsed / rooms.PUSH_INTERVAL + 3  # at most ~10 pushes a second
    assert "6 af 6 har stemt" in last


def test_page_actions_need_the_csrf_token(api: Api) -> None:
    s = _members(api, 1)
    api.client.cookies.set("puljen_member", s["tokens"][0])
    api.client.cookies.set("puljen_csrf", "the-token")
    api.phase(s["fac"], s["round_id"], "proposing")
    path = f"/m/rounds/{s['round_id']}/proposals"
    form = {"title": "Kursus", "amount": "100", "how_it_helps": "job", "category": "course"}
    refused = api.client.post(path, data=form)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    wrong = api.client.post(path, data=form, headers={"X-CSRF-Token": "another"})
    assert wrong.status_code == 403
    accepted = api.client.post(path, data=form, headers={"X-CSRF-Token": "the-token"})
    assert accepted.status_code == 200
    assert "proposal-form" in accepted.text
    assert len(api.ok("GET", f"/api/v1/rounds/{s['round_id']}", s["fac"])["proposals"]) == 1


def _browser_member(api: Api, token: str) -> None:
    api.client.cookies.set("puljen_member", token)
    api.client.cookies.set("puljen_csrf", "the-token-is-long-enough-1234")


def test_a_reconnecting_phone_that_shows_the_current_stage_keeps_its_forms(api: Api) -> None:
    s = _members(api, 1)
    api.phase(s["fac"], s["round_id"], "proposing")
    url = f"/ws/live/{s['workshop']['id']}"
    cookie = {"cookie": f"puljen_member={s['tokens'][0]}"}
    with api.client.websocket_connect(url, headers=cookie) as fresh:
        assert 'id="proposal-form"' in fresh.receive_text()
    known = f"?stage={s['round_id']}:proposing"
    with api.client.websocket_connect(url + known, headers=cookie) as back:
        first = back.receive_text()
    assert 'id="status"' in first
    assert 'id="proposal-list"' in first
    assert 'id="proposal-form"' not in first  # the form being typed in is left alone


def test_rotating_the_screen_url_closes_screens_opened_with_the_old_one(api: Api) -> None:
    from starlette.websockets import WebSocketDisconnect

    s = _members(api, 1)
    old = s["workshop"]["screen_url"].rsplit("/", 1)[1]
    with api.client.websocket_connect(f"/ws/screen/{old}") as screen:
        screen.receive_text()
        api.ok("POST", f"/api/v1/workshops/{s['workshop']['id']}/screen-token", s["fac"])
        with pytest.raises(WebSocketDisconnect) as closed:  # noqa: PT012 (read until closed)
            while True:
                screen.receive_text()
    assert closed.value.code == 4401
    assert api.client.get(f"/screen/{old}").status_code == 401


def test_odd_form_values_get_a_clear_answer_not_a_500(api: Api) -> None:
    s = _members(api, 1)
    api.phase(s["fac"], s["round_id"], "proposing")
    _browser_member(api, s["tokens"][0])
    csrf = {"X-CSRF-Token": "the-token-is-long-enough-1234", "HX-Request": "true"}
    for amount in ("1e30", "²", "x" * 500):
        answer = api.client.post(
            f"/m/rounds/{s['round_id']}/proposals",
            data={"title": "Kursus", "amount": amount, "how_it_helps": "job", "category": "x"},
            headers=csrf,
        )
        assert answer.status_code == 200
        assert 'id="p-amount-error"' in answer.text
    facilitator = api.client.post(
        "/api/v1/auth/login", json={"email": "fac@views.dk", "password": "correct horse battery"}
    ).json()["token"]
    api.client.cookies.set("puljen_user", facilitator)
    timer = api.client.post(
        f"/f/workshops/{s['workshop']['id']}/timer", data={"minutes": "²"}, headers=csrf
    )
    assert timer.status_code == 422
    assert timer.json()["error"]["field"] == "seconds"


def test_the_facilitator_home_page_shows_no_text_from_the_address(api: Api) -> None:
    _members(api, 0)
    token = api.client.post(
        "/api/v1/auth/login", json={"email": "fac@views.dk", "password": "correct horse battery"}
    ).json()["token"]
    api.client.cookies.set("puljen_user", token)
    page = api.client.get("/f?error=Log+ind+på+evil.example")
    assert page.status_code == 200
    assert "evil.example" not in page.text


def test_an_expired_page_navigation_gets_a_page_not_json(api: Api) -> None:
    answer = api.client.post(
        "/f/login",
        data={"email": "a@b.dk", "password": "x", "csrf": "wrong"},
        headers={"Accept": "text/html"},
    )
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")
    assert "Siden er udløbet" in answer.text


def test_a_hidden_comment_can_be_shown_again(api: Api) -> None:
    s = _members(api, 1)
    api.phase(s["fac"], s["round_id"], "proposing")
    proposal = api.propose(s["tokens"][0], s["round_id"], "Kursus", 1000)
    comment = api.ok(
        "POST", f"/api/v1/proposals/{proposal}/comments", s["tokens"][0], json={"text": "Øv"}
    )
    token = api.client.post(
        "/api/v1/auth/login", json={"email": "fac@views.dk", "password": "correct horse battery"}
    ).json()["token"]
    api.client.cookies.set("puljen_user", token)
    api.client.cookies.set("puljen_csrf", "the-token-is-long-enough-1234")
    headers = {"X-CSRF-Token": "the-token-is-long-enough-1234"}

    def seen() -> list[str]:
        view = api.ok("GET", f"/api/v1/rounds/{s['round_id']}", s["tokens"][0])
        return [c["text"] for c in view["proposals"][0]["comments"]]

    hide = f"/f/comments/{comment['id']}/hide"
    assert api.client.post(hide, data={"hidden": "1"}, headers=headers).status_code == 204
    assert seen() == []
    assert api.client.post(hide, data={"hidden": "0"}, headers=headers).status_code == 204
    assert seen() == ["Øv"]
