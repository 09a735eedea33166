"""Live HTML over websockets for the browser views (htmx's ws extension).

The socket only pushes: actions are ordinary hx-posts. On (re)connect a page gets its full
current state, rendered for that one connection; after that it gets what its room renders
once for its whole audience.
"""

from __future__ import annotations

import asyncio

import anyio
from fastapi import APIRouter, WebSocket
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

from app.deliberation.errors import DeliberationError, NotAllowed
from app.deliberation.permissions import Actor, Role
from app.usecases import accounts, workshops
from app.usecases.live import Snapshot, load_snapshot, own_ballot_of
from app.usecases.unit import Services
from app.web.rooms import Room, Rooms, Viewer
from app.web.views import Audience, initial, stage_key

from .browser import member_actor, user_actor
from .deps import base_url, get_services, language_of
from .errors import status_of

router = APIRouter()
HEARTBEAT_SECONDS = 15


def _workshop_viewer(services: Services, websocket: WebSocket, workshop_id: str) -> Actor:
    """A member of this workshop (their cookie) or a facilitator of its organisation."""
    try:
        actor = member_actor(services, websocket)
    except DeliberationError:
        actor = user_actor(services, websocket)
    workshops.require_live_viewer(services, actor, workshop_id)
    return actor


def _first_render(
    services: Services,
    viewer: Viewer,
    workshop_id: str,
    base_url: str,
    connected: set[str],
    known_stage: str,
) -> tuple[Snapshot, str]:
    """The page's full current state; the stage (with its forms) only if the page does not
    already show it (``known_stage`` is what the page says it shows: "round:phase")."""
    snap = load_snapshot(services, workshop_id)
    ballot: dict[str, object] | None = None
    me = None
    if viewer.member_id is not None:
        me = next((m for m in snap.members if m.id == viewer.member_id), None)
        if me is None:
            raise NotAllowed(code="member_removed")
        if snap.round is not None:
            body = own_ballot_of(services, snap.round.id, viewer.member_id)
            ballot = body
    html = initial(
        viewer.audience,
        viewer.language,
        snap,
        base_url=base_url,
        connected=connected | ({viewer.member_id} if viewer.member_id else set()),
        me=me,
        ballot=ballot,
        with_stage=":".join(stage_key(snap)) != known_stage,
    )
    return snap, html


async def _serve(websocket: WebSocket, workshop_id: str, viewer: Viewer) -> None:
    services = get_services(websocket)
    rooms: Rooms = websocket.app.state.rooms
    # Only the screen and the console (who hold a capability or a login) tell the room where
    # the app lives; a member's Host header never ends up in the projector's QR code.
    base = base_url(websocket, services)
    trusted_base = None if viewer.audience is Audience.MEMBERS else base
    known_stage = websocket.query_params.get("stage", "")
    room: Room | None = None
    try:
        snap, html = await run_in_threadpool(
            _first_render,
            services,
            viewer,
            workshop_id,
            base,
            rooms.connected(workshop_id),
            known_stage,
        )
        viewer.stage = stage_key(snap)
        await websocket.send_text(html)
        # Enter after the first render, and let the room catch this page up on anything
        # that happened in between (without touching its forms: its stage is known).
        room = rooms.enter(workshop_id, viewer, trusted_base)
        async with anyio.create_task_group() as tasks:

            async def send_loop() -> None:
                while True:
                    try:
                        item = await asyncio.wait_for(viewer.queue.get(), HEARTBEAT_SECONDS)
                    except TimeoutError:
                        item = ""  # a heartbeat: the page knows its socket is alive
                    if isinstance(item, int):
                        await websocket.close(code=item)
                        break
                    await websocket.send_text(item)
                tasks.cancel_scope.cancel()

            tasks.start_soon(send_loop)
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
            tasks.cancel_scope.cancel()
    except DeliberationError as error:
        await websocket.close(code=4000 + status_of(error))
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        if room is not None:
            await rooms.leave(room, viewer)


@router.websocket("/ws/live/{workshop_id}")
async def live_workshop(websocket: WebSocket, workshop_id: str) -> None:
    services = get_services(websocket)
    await websocket.accept()
    try:
        actor = await run_in_threadpool(_workshop_viewer, services, websocket, workshop_id)
    except DeliberationError as error:
        await websocket.close(code=4000 + status_of(error))
        return
    audience = Audience.MEMBERS if actor.role is Role.MEMBER else Audience.FACILITATORS
    await _serve(websocket, workshop_id, Viewer(audience, language_of(websocket), actor.member_id))


@router.websocket("/ws/screen/{token}")
async def live_screen(websocket: WebSocket, token: str) -> None:
    services = get_services(websocket)
    await websocket.accept()
    try:
        actor = await run_in_threadpool(accounts.authenticate_screen, services, token)
        assert actor.workshop_id is not None
        snap = await run_in_threadpool(load_snapshot, services, actor.workshop_id)
    except DeliberationError as error:
        await websocket.close(code=4000 + status_of(error))
        return
    viewer = Viewer(Audience.SCREEN, snap.workshop.language)
    await _serve(websocket, actor.workshop_id, viewer)
