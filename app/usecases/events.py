"""Reading a workshop's outbox: its current seq and the events after a point."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select

from app.deliberation.errors import NotFound
from app.deliberation.permissions import Action, Actor, require
from app.deliberation.text import N_
from app.infra.hub import LiveEvent
from app.infra.tables import EventRow, WorkshopRow

from .unit import Services

REPLAY_LIMIT = 5000


def current_seq(services: Services, actor: Actor, workshop_id: str) -> int:
    """The workshop's newest event number, once ``actor`` may follow it."""
    with services.db.reading() as session:
        workshop = session.get(WorkshopRow, workshop_id)
        if workshop is None:
            raise NotFound(N_("There is no such workshop."))
        require(
            actor,
            Action.FOLLOW_EVENTS,
            organisation_id=workshop.organisation_id,
            workshop_id=workshop.id,
        )
        return workshop.event_seq


def events_between(
    services: Services, workshop_id: str, after: int, upto: int | None = None
) -> Sequence[LiveEvent]:
    """Events with ``after < seq <= upto``, oldest first (at most REPLAY_LIMIT)."""
    with services.db.reading() as session:
        query = select(EventRow).where(EventRow.workshop_id == workshop_id, EventRow.seq > after)
        if upto is not None:
            query = query.where(EventRow.seq <= upto)
        rows = session.exec(query.order_by(col(EventRow.seq)).limit(REPLAY_LIMIT)).all()
        return [LiveEvent(r.workshop_id, r.seq, r.type, r.payload) for r in rows]
