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
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool

from app.deliberation.errors import NotFound
from app.infra.hub import Dropped, Hub
from app.usecases.live import Snapshot, load_snapshot, own_ballots_of
from app.usecases.unit import Services
from app.web.views import Audience, own_ballot_state, push, stage_key

log = logging.getLogger(__name__)

PUSH_INTERVAL = 0.1  # seconds: coalesce bursts to at most ~10 pushes per second
VIEWER_QUEUE = 32
CLOSE_TOO_SLOW = 1013
CLOSE_UNAUTHORISED = 4401
CLOSE_REMOVED = 4403
CLOSE_GONE = 4404


@dataclass(eq=False)
class Viewer:
    """One open page: which audience it belongs to, and what it is waiting to receive."""

    audience: Audience
    language: str
    member_id: str | None = None
    stage: tuple[str, str] | None = None  # the stage this page shows (see views.stage_key)
    catch_up: bool = True  # owed one push: things may have changed since its first render
    own: str = ""  # the member's own ballot state this page was last sent (see Room._flush)
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
    def __init__(self, workshop_id: str, services: Services, base_url: str | None) -> None:
        self.workshop_id = workshop_id
        self.services = services
        self.base_url = base_url or ""
        self.viewers: set[Viewer] = set()
        self._dirty = asyncio.Event()
        self._changed = False  # events arrived (not only people coming and going)
        self._decided = False  # a decision changed: phones' earlier rounds need redrawing
        self._task = asyncio.create_task(self._run(), name=f"room {workshop_id}")

    def connected_members(self) -> set[str]:
        return {v.member_id for v in self.viewers if v.member_id}

    def add(self, viewer: Viewer, base_url: str | None) -> None:
        if base_url:
            self.base_url = base_url
        self.viewers.add(viewer)
        self._dirty.set()  # catch the new page up on what happened since its first render

    def discard(self, viewer: Viewer) -> None:
        self.viewers.discard(viewer)
        self._dirty.set()  # the console shows who is connected (only the console)

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _run(self) -> None:
        pump = asyncio.create_task(self._pump(self.services.hub))
        try:
            while True:
                await self._dirty.wait()
                self._dirty.clear()
                changed, self._changed = self._changed, False
                decided, self._decided = self._decided, False
                try:
                    await self._flush(changed, decided)
                except NotFound:  # the workshop is gone: so are its pages
                    for viewer in list(self.viewers):
                        viewer.close(CLOSE_GONE)
                except Exception:  # one bad render must not silence the room for good
                    log.exception("live push failed for workshop %s", self.workshop_id)
                    self._changed = self._changed or changed  # try again with the next change
                    self._decided = self._decided or decided
                await asyncio.sleep(PUSH_INTERVAL)
        finally:
            pump.cancel()

    async def _pump(self, hub: Hub) -> None:
        """Turn the hub's events into 'something changed', for as long as the room lives."""
        while True:
            subscription = hub.subscribe(self.workshop_id)
            try:
                while True:
                    batch = await subscription.next_batch()
                    for event in batch:
                        self._react(event.type, event.payload)
                    self._changed = True
                    self._dirty.set()
            except Dropped:
                pass  # fell behind: resubscribe and refresh everything below
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("live events failed for workshop %s", self.workshop_id)
            finally:
                hub.unsubscribe(subscription)
            self._changed = self._decided = True  # events may be lost: redraw it all
            self._dirty.set()

    def _react(self, kind: str, payload: dict[str, object]) -> None:
        if kind.startswith("decision."):  # any step a caseworker took on a decision
            self._decided = True
        elif kind == "member.removed":
            self._close_where(lambda v: v.member_id == payload.get("member_id"), CLOSE_REMOVED)
        elif kind == "screen.rotated":
            self._close_where(lambda v: v.audience is Audience.SCREEN, CLOSE_UNAUTHORISED)

    def _close_where(self, which: Callable[[Viewer], bool], code: int) -> None:
        for viewer in list(self.viewers):
            if which(viewer):
                viewer.close(code)

    async def _flush(self, changed: bool, decided: bool = False) -> None:
        viewers = [
            v for v in self.viewers if changed or v.catch_up or v.audience is Audience.FACILITATORS
        ]
        if not viewers:
            return
        stages = {v: v.stage for v in viewers}  # read here, on the loop, not in the worker
        connected = self.connected_members()
        snap, key, pushes, own = await run_in_threadpool(self._render, stages, connected, decided)
        members = {m.id for m in snap.members}
        for viewer in viewers:
            if viewer.member_id is not None and viewer.member_id not in members:
                viewer.close(CLOSE_REMOVED)  # also if the removal event itself was missed
                continue
            html = pushes[_variant(viewer, stages[viewer], key)]
            mine = own.get((viewer.member_id or "", viewer.language), "")
            if mine and (mine != viewer.own or stages[viewer] != key):
                html += mine  # after the stage: a redrawn ballot form gets the member's state
            viewer.own = mine
            viewer.stage = key
            viewer.catch_up = False
            if html:
                viewer.send(html)

    def _render(
        self,
        stages: dict[Viewer, tuple[str, str] | None],
        connected: set[str],
        decided: bool = False,
    ) -> tuple[
        Snapshot,
        tuple[str, str],
        dict[tuple[Audience, str, bool], str],
        dict[tuple[str, str], str],
    ]:
        """One snapshot; each variant (audience, language, new stage or not) rendered once,
        and each member's own ballot state once per member and language: sent to that
        member's pages only, never to anyone else's (so two tabs of one member agree)."""
        snap = load_snapshot(self.services, self.workshop_id)
        key = stage_key(snap)
        pushes = {
            variant: push(
                variant[0],
                variant[1],
                snap,
                stage_changed=variant[2],
                decided=decided,
                base_url=self.base_url,
                connected=connected,
            )
            for variant in {_variant(v, stage, key) for v, stage in stages.items()}
        }
        own: dict[tuple[str, str], str] = {}
        if snap.round is not None and snap.round.phase == "voting":
            wanted = {(v.member_id, v.language) for v in stages if v.member_id}
            ballots = own_ballots_of(self.services, snap.round.id, {m for m, _ in wanted})
            own = {
                (member, language): own_ballot_state(language, snap, ballots.get(member))
                for member, language in wanted
            }
        return snap, key, pushes, own


def _variant(
    viewer: Viewer, stage: tuple[str, str] | None, key: tuple[str, str]
) -> tuple[Audience, str, bool]:
    return (viewer.audience, viewer.language, viewer.audience is Audience.MEMBERS and stage != key)


class Rooms:
    """The open rooms of this process, one per watched workshop."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._rooms: dict[str, Room] = {}

    def enter(self, workshop_id: str, viewer: Viewer, base_url: str | None) -> Room:
        room = self._rooms.get(workshop_id)
        if room is None:
            room = self._rooms[workshop_id] = Room(workshop_id, self.services, base_url)
        room.add(viewer, base_url)
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
