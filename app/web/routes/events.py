"""The live event stream of a workshop, as JSON over a websocket (see the contract)."""

from __future__ import annotations

import anyio
from fastapi import APIRouter, WebSocket
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

from app.deliberation.errors import DeliberationError, NotAuthenticated
from app.deliberation.permissions import Actor
from app.infra.hub import Dropped, LiveEvent, Subscription
from app.usecases import accounts
from app.usecases import events as outbox
from app.usecases.unit import Services

from .deps import bearer_token, get_services
from .errors import status_of

router = APIRouter()

# Close codes: 4000 + the HTTP status that a request would have got; 1013 = try again later.
TRY_AGAIN_LATER = 1013


def _authenticate(services: Services, token: str | None, screen: str | None) -> Actor:
    if screen:
        return accounts.authenticate_screen(services, screen)
    if not token:
        raise NotAuthenticated()
    return accounts.authenticate(services, token)


def coalesce(batch: list[LiveEvent]) -> list[LiveEvent]:
    """Keep only the newest ``ballots.changed`` per round: it tells the current count."""
    newest: dict[object, int] = {}
    for index, event in enumerate(batch):
        if event.type == "ballots.changed":
            newest[event.payload.get("round_id")] = index
    return [
        event
        for index, event in enumerate(batch)
        if event.type != "ballots.changed" or newest[event.payload.get("round_id")] == index
    ]


@router.websocket("/ws/workshops/{workshop_id}/events")
async def workshop_events(
    websocket: WebSocket,
    workshop_id: str,
    since: int | None = None,
    token: str | None = None,
    screen: str | None = None,
) -> None:
    services = get_services(websocket)
    token = token or bearer_token(websocket)
    try:
        actor = await run_in_threadpool(_authenticate, services, token, screen)
        await run_in_threadpool(outbox.current_seq, services, actor, workshop_id)  # may follow?
    except DeliberationError as error:
        await websocket.accept()  # accept, then close with a code the client can read
        await websocket.close(code=4000 + status_of(error), reason=error.code)
        return
    await websocket.accept()
    # Subscribe before reading the outbox, so nothing committed in between is missed.
    subscription = services.hub.subscribe(workshop_id)
    try:
        seq = await run_in_threadpool(outbox.current_seq, services, actor, workshop_id)
        await websocket.send_json({"type": "hello", "seq": seq, "workshop_id": workshop_id})
        replayed = max(0, since) if since is not None else seq
        while replayed < seq:  # page through the outbox up to the hello seq
            page = await run_in_threadpool(
                outbox.events_between, services, workshop_id, replayed, seq
            )
            if not page:
                break
            for event in page:
                await websocket.send_json(event.to_json())
            replayed = page[-1].seq
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_send_live, websocket, services, subscription, seq, tasks.cancel_scope)
            await _wait_for_close(websocket)
            tasks.cancel_scope.cancel()
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        services.hub.unsubscribe(subscription)


async def _wait_for_close(websocket: WebSocket) -> None:
    """Read (and ignore) what the client sends until it goes away."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return


async def _send_live(
    websocket: WebSocket,
    services: Services,
    subscription: Subscription,
    last: int,
    scope: anyio.CancelScope,
) -> None:
    try:
        while True:
            batch = [e for e in await subscription.next_batch() if e.seq > last]
            if not batch:
                continue
            batch = sorted({e.seq: e for e in batch}.values(), key=lambda e: e.seq)
            if [e.seq for e in batch] != list(range(last + 1, batch[-1].seq + 1)):
                # Published out of order (two writers committed close together): the outbox
                # has every event, so read the whole span from it rather than skip one.
                batch = list(
                    await run_in_threadpool(
                        outbox.events_between,
                        services,
                        subscription.workshop_id,
                        last,
                        batch[-1].seq,
                    )
                )
                if not batch:
                    continue
            for event in coalesce(batch):
                await websocket.send_json(event.to_json())
            last = batch[-1].seq
    except Dropped:
        await websocket.close(code=TRY_AGAIN_LATER, reason="too_slow")
    except (WebSocketDisconnect, RuntimeError):
        pass
    scope.cancel()
