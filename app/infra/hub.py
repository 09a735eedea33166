"""The hub: fans committed workshop events out to the connections that follow them.

Use cases publish after their transaction commits, from whatever thread they run in;
``publish`` never blocks and never waits for a client. Each subscription has a bounded
queue: a client too slow to keep up is dropped (its queue is cleared and it is told), and
reconnects with ``?since=`` to replay from the outbox. ``Hub`` is the interface a
cross-process implementation (Redis pub/sub) plugs in behind.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class LiveEvent:
    workshop_id: str
    seq: int
    type: str
    payload: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "seq": self.seq, **self.payload}


class Dropped(Exception):
    """The subscription fell too far behind and was dropped."""


@dataclass(eq=False)
class Subscription:
    workshop_id: str
    maxsize: int
    queue: asyncio.Queue[LiveEvent | None] = field(init=False)
    dropped: bool = False

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(self.maxsize + 1)  # one slot kept for the drop notice

    def offer(self, event: LiveEvent) -> None:
        """Called on the event loop; never blocks."""
        if self.dropped:
            return
        if self.queue.qsize() >= self.maxsize:
            self.dropped = True
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(None)
            return
        self.queue.put_nowait(event)

    async def next_batch(self) -> list[LiveEvent]:
        """Wait for at least one event; return it with every other already queued."""
        first = await self.queue.get()
        batch = [first]
        while not self.queue.empty():
            batch.append(self.queue.get_nowait())
        if any(event is None for event in batch):
            raise Dropped()
        return [event for event in batch if event is not None]


class Hub(Protocol):
    def publish(self, workshop_id: str, events: Sequence[LiveEvent]) -> None: ...

    def subscribe(self, workshop_id: str) -> Subscription: ...

    def unsubscribe(self, subscription: Subscription) -> None: ...

    def subscriber_count(self, workshop_id: str) -> int: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class LocalHub:
    """The in-process hub for one server process (the embedded default)."""

    def __init__(self, queue_size: int = 256) -> None:
        self.queue_size = queue_size
        self._subscriptions: dict[str, set[Subscription]] = defaultdict(set)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()

    async def stop(self) -> None:
        self._subscriptions.clear()
        self._loop = None

    def publish(self, workshop_id: str, events: Sequence[LiveEvent]) -> None:
        loop = self._loop
        if loop is None or not events:
            return
        if threading.get_ident() == self._loop_thread:
            self._fan_out(workshop_id, events)
        else:
            loop.call_soon_threadsafe(self._fan_out, workshop_id, list(events))

    def _fan_out(self, workshop_id: str, events: Sequence[LiveEvent]) -> None:
        for subscription in list(self._subscriptions.get(workshop_id, ())):
            for event in events:
                subscription.offer(event)

    def subscribe(self, workshop_id: str) -> Subscription:
        subscription = Subscription(workshop_id, self.queue_size)
        self._subscriptions[workshop_id].add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subscriptions = self._subscriptions.get(subscription.workshop_id)
        if subscriptions is not None:
            subscriptions.discard(subscription)
            if not subscriptions:
                del self._subscriptions[subscription.workshop_id]

    def subscriber_count(self, workshop_id: str) -> int:
        return len(self._subscriptions.get(workshop_id, ()))
