"""Rooms: the live browser views of one workshop, fed by one hub subscription.

A room subscribes to its workshop's events once, however many phones, screens and consoles
watch it. On a burst of events it waits a moment (at most ~10 pushes a second), reads one
snapshot, renders each audience's fragments once per language, and hands the same string
to every connection of that audience. Each connection has a bounded queue; a connection
that falls behind is closed and reconnects (its browser then gets the current state).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool

from app.live.hub import Dropped, Hub
from app.usecases.live import load_snapshot
from app.usecases.unit import Services
from app.views import Audience, push, stage_key

log = logging.getLogger(__name__)

PUSH_INTERVAL = 0.1  # seconds: coalesce bursts to at most ~10 pushes per second
VIEWER_QUEUE = 32
CLOSE_TOO_SLOW = 1013
CLOSE_REMOVED = 4403


@dataclass(eq=False)
class Viewer:
    """One open page: which audience it belongs to, and what it is waiting to receive."""

    audience: Audience
    language: str
    member_id: str | None = None
    stage: tuple[str, str] | None = None  # the stage this page shows (see views.stage_key)
    queue: asyncio.Queue[str | int] = field(default_factory=lambda: asyncio.Queue(VIEWER_QUEUE + 1))

    def send(self, html: str) -> None:
        if self.queue.qsize() >= VIEWER_QUEUE:
            self.close(CLOSE_TOO_SLOW)
        else:
            self.queue.put_nowait(html)

    def close(self, code: int) -> None:
        """Ask the connection to close with ``code`` (an int in the queue means: close)."""
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(code)


class Room:
    def __init__(self, workshop_id: str, services: Services, base_url: str) -> None:
        self.workshop_id = workshop_id
        self.services = services
        self.base_url = base_url
        self.viewers: set[Viewer] = set()
        self._dirty = asyncio.Event()
        self._changed = False  # events arrived (not only people coming and going)
        self._task = asyncio.create_task(self._run(), name=f"room {workshop_id}")

    def connected_members(self) -> set[str]:
        return {v.member_id for v in self.viewers if v.member_id}

    def add(self, viewer: Viewer) -> None:
        self.viewers.add(viewer)
        self._dirty.set()  # the console shows who is connected (only the console)

    def discard(self, viewer: Viewer) -> None:
        self.viewers.discard(viewer)
        self._dirty.set()

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _run(self) -> None:
        hub: Hub = self.services.hub
        pump = asyncio.create_task(self._pump(hub))
        try:
            while True:
                await self._dirty.wait()
                self._dirty.clear()
                try:
                    await self._flush()
                except Exception:  # one bad render must not silence the room for good
                    log.exception("live push failed for workshop %s", self.workshop_id)
                await asyncio.sleep(PUSH_INTERVAL)
        finally:
            pump.cancel()

    async def _pump(self, hub: Hub) -> None:
        subscription = hub.subscribe(self.workshop_id)
        try:
            while True:
                try:
                    batch = await subscription.next_batch()
                except Dropped:
                    hub.unsubscribe(subscription)
                    subscription = hub.subscribe(self.workshop_id)
                    self._changed = True
                    self._dirty.set()
                    continue
                for event in batch:
                    if event.type == "member.removed":
                        self._expel(str(event.payload.get("member_id")))
                self._changed = True
                self._dirty.set()
        finally:
            hub.unsubscribe(subscription)

    def _expel(self, member_id: str) -> None:
        for viewer in list(self.viewers):
            if viewer.member_id == member_id:
                viewer.close(CLOSE_REMOVED)

    async def _flush(self) -> None:
        changed, self._changed = self._changed, False
        viewers = [v for v in self.viewers if changed or v.audience is Audience.FACILITATORS]
        if not viewers:
            return
        connected = self.connected_members()
        key, pushes = await run_in_threadpool(self._render, viewers, connected)
        for viewer in viewers:
            stage_changed = viewer.audience is Audience.MEMBERS and viewer.stage != key
            html = pushes.get((viewer.audience, viewer.language, stage_changed))
            viewer.stage = key
            if html:
                viewer.send(html)

    def _render(
        self, viewers: list[Viewer], connected: set[str]
    ) -> tuple[tuple[str, str], dict[tuple[Audience, str, bool], str]]:
        """One snapshot; each variant (audience, language, new stage or not) rendered once."""
        snap = load_snapshot(self.services, self.workshop_id)
        key = stage_key(snap)
        variants = {
            (v.audience, v.language, v.audience is Audience.MEMBERS and v.stage != key)
            for v in viewers
        }
        pushes = {
            (audience, language, stage_changed): push(
                audience,
                language,
                snap,
                stage_changed=stage_changed,
                base_url=self.base_url,
                connected=connected,
            )
            for audience, language, stage_changed in variants
        }
        return key, pushes


class Rooms:
    """The open rooms of this process, one per watched workshop."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._rooms: dict[str, Room] = {}

    def enter(self, workshop_id: str, viewer: Viewer, base_url: str) -> Room:
        room = self._rooms.get(workshop_id)
        if room is None:
            room = self._rooms[workshop_id] = Room(workshop_id, self.services, base_url)
        room.add(viewer)
        return room

    async def leave(self, room: Room, viewer: Viewer) -> None:
        room.discard(viewer)
        if not room.viewers and self._rooms.get(room.workshop_id) is room:
            del self._rooms[room.workshop_id]
            await room.close()

    async def close_all(self) -> None:
        for room in list(self._rooms.values()):
            await room.close()
        self._rooms.clear()

    def connected(self, workshop_id: str) -> set[str]:
        room = self._rooms.get(workshop_id)
        return room.connected_members() if room else set()

    def each(self) -> list[Room]:
        return list(self._rooms.values())
