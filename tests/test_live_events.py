"""The live event stream: hello, events in order, replay with ?since=, slow clients."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

from app.infra.hub import Dropped, LiveEvent, LocalHub
from app.web.routes.events import coalesce
from tests.conftest import Api


def _setup(api: Api) -> dict[str, Any]:
    fac = api.user("fac@live.dk")
    workshop = api.workshop(fac, api.group(fac)["id"])
    return {"fac": fac, "workshop": workshop}


def test_a_client_gets_hello_then_every_event_in_order(api: Api) -> None:
    s = _setup(api)
    fac, workshop = s["fac"], s["workshop"]
    member = api.join(workshop["code"], "Ea")
    with api.client.websocket_connect(
        f"/ws/workshops/{workshop['id']}/events?token={member}"
    ) as ws:
        hello = ws.receive_json()
        assert hello["type"] == "hello"
        assert hello["seq"] == 1
        round_id = api.round(fac, workshop["id"])["id"]
        api.phase(fac, round_id, "proposing")
        proposal = api.propose(member, round_id, "Kursus", 1000)
        api.phase(fac, round_id, "discussing")
        comment = api.ok(
            "POST", f"/api/v1/proposals/{proposal}/comments", member, json={"text": "👍"}
        )
        api.phase(fac, round_id, "voting")
        api.vote(member, round_id, [proposal])
        api.phase(fac, round_id, "closed")
        received = [ws.receive_json() for _ in range(9)]
    assert [e["seq"] for e in received] == list(range(2, 11))
    assert [e["type"] for e in received] == [
        "round.created",
        "round.phase",
        "proposal.created",
        "round.phase",
        "comment.created",
        "round.phase",
        "ballots.changed",
        "round.phase",
        "result.published",
    ]
    assert received[2] == {
        "type": "proposal.created",
        "seq": 4,
        "round_id": round_id,
        "proposal_id": proposal,
    }
    assert received[4]["comment_id"] == comment["id"]
    assert received[6] == {
        "type": "ballots.changed",
        "seq": 8,
        "round_id": round_id,
        "ballots": 1,
        "members": 1,
    }
    assert "approvals" not in str(received)  # nobody's ballot is ever on the wire


def test_since_replays_what_a_client_missed(api: Api) -> None:
    s = _setup(api)
    fac, workshop = s["fac"], s["workshop"]
    round_id = api.round(fac, workshop["id"])["id"]  # seq 1
    api.phase(fac, round_id, "proposing")  # seq 2
    api.phase(fac, round_id, "discussing")  # seq 3
    with api.client.websocket_connect(
        f"/ws/workshops/{workshop['id']}/events?since=1",
        headers={"Authorization": f"Bearer {fac}"},
    ) as ws:
        assert ws.receive_json() == {"type": "hello", "seq": 3, "workshop_id": workshop["id"]}
        replayed = [ws.receive_json() for _ in range(2)]
        assert [(e["seq"], e["phase"]) for e in replayed] == [(2, "proposing"), (3, "discussing")]
        api.phase(fac, round_id, "voting")
        assert ws.receive_json()["seq"] == 4


def test_the_shared_screen_follows_with_its_capability_token(api: Api) -> None:
    s = _setup(api)
    screen_token = s["workshop"]["screen_url"].rsplit("/", 1)[1]
    with api.client.websocket_connect(
        f"/ws/workshops/{s['workshop']['id']}/events?screen={screen_token}"
    ) as ws:
        assert ws.receive_json()["type"] == "hello"
    rotated = api.ok("POST", f"/api/v1/workshops/{s['workshop']['id']}/screen-token", s["fac"])
    assert rotated["screen_url"] != s["workshop"]["screen_url"]
    with (
        api.client.websocket_connect(
            f"/ws/workshops/{s['workshop']['id']}/events?screen={screen_token}"
        ) as ws,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        ws.receive_json()
    assert closed.value.code == 4401


@pytest.mark.parametrize("token", ["", "forged"])
def test_no_or_a_bad_token_is_closed_with_4401(api: Api, token: str) -> None:
    s = _setup(api)
    with (
        api.client.websocket_connect(
            f"/ws/workshops/{s['workshop']['id']}/events?token={token}"
        ) as ws,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        ws.receive_json()
    assert closed.value.code == 4401


def test_a_member_of_another_workshop_is_closed_with_4403(api: Api) -> None:
    s = _setup(api)
    other = api.workshop(s["fac"], api.group(s["fac"])["id"])
    outsider = api.join(other["code"], "Fie")
    with (
        api.client.websocket_connect(
            f"/ws/workshops/{s['workshop']['id']}/events?token={outsider}"
        ) as ws,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        ws.receive_json()
    assert closed.value.code == 4403


def test_events_published_out_of_order_reach_the_client_in_order_and_once(api: Api) -> None:
    s = _setup(api)
    fac, workshop = s["fac"], s["workshop"]
    captured: list[LiveEvent] = []
    publish = api.services.hub.publish
    api.services.hub.publish = lambda _w, events: captured.extend(events)  # type: ignore[method-assign,assignment]
    round_id = api.round(fac, workshop["id"])["id"]
    api.phase(fac, round_id, "proposing")
    api.phase(fac, round_id, "discussing")
    api.services.hub.publish = publish  # type: ignore[method-assign]
    with api.client.websocket_connect(f"/ws/workshops/{workshop['id']}/events?token={fac}") as ws:
        assert ws.receive_json()["seq"] == 3
        api.phase(fac, round_id, "voting")  # seq 4
        held = captured  # seq 1..3 were committed while nobody listened
        assert [e.seq for e in held] == [1, 2, 3]
        # Two writers finish close together: seq 5 and 7 reach the hub in one burst, 6 after.
        api.services.hub.publish = lambda _w, events: captured.extend(events)  # type: ignore[method-assign,assignment]
        api.phase(fac, round_id, "closed")  # seq 5 (phase) and 6 (result)
        later = api.round(fac, workshop["id"])["id"]  # seq 7
        api.services.hub.publish = publish  # type: ignore[method-assign]
        burst = {e.seq: e for e in captured}
        received = [ws.receive_json()]  # seq 4
        publish(workshop["id"], [burst[5], burst[7]])
        received += [ws.receive_json(), ws.receive_json()]
        publish(workshop["id"], [burst[6]])  # late: already read from the outbox
        received.append(ws.receive_json())
        api.phase(fac, later, "proposing")  # seq 8: nothing was sent twice before it
        assert ws.receive_json()["seq"] == 8
    assert [e["seq"] for e in received] == [4, 5, 6, 7]
    assert [e["type"] for e in received][1:] == ["round.phase", "result.published", "round.created"]
    assert received[3]["round_id"] == later


def _event(seq: int, kind: str = "round.phase", **payload: Any) -> LiveEvent:
    return LiveEvent("w", seq, kind, payload)


def test_a_slow_subscriber_is_dropped_without_slowing_the_others() -> None:
    async def scenario() -> tuple[bool, int]:
        hub = LocalHub(queue_size=8)
        await hub.start()
        slow, fast = hub.subscribe("w"), hub.subscribe("w")
        received = 0
        for seq in range(1, 21):
            hub.publish("w", [_event(seq)])
            received += len(await fast.next_batch())  # the fast one keeps reading
        with pytest.raises(Dropped):
            await slow.next_batch()
        return slow.dropped, received

    with ThreadPoolExecutor(1) as pool:  # its own thread: other tests may hold a loop here
        dropped, received = pool.submit(asyncio.run, scenario()).result()
    assert dropped
    assert received == 20


def test_bursts_of_ballot_counts_are_coalesced_to_the_newest_per_round() -> None:
    batch = [
        _event(1, "ballots.changed", round_id="r", ballots=1),
        _event(2, "proposal.created", round_id="r"),
        _event(3, "ballots.changed", round_id="r", ballots=2),
        _event(4, "ballots.changed", round_id="q", ballots=1),
        _event(5, "ballots.changed", round_id="r", ballots=3),
    ]
    assert [e.seq for e in coalesce(batch)] == [2, 4, 5]
