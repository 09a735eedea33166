"""The services a use case needs, and the unit of work it runs in."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlmodel import Session, select

from app.deliberation.errors import NotFound
from app.deliberation.events import Event
from app.deliberation.permissions import Actor
from app.infra.config import Settings
from app.infra.db import Database
from app.infra.hub import Hub, LiveEvent
from app.infra.security import TokenSigner
from app.infra.tables import AuditRow, EventRow, WorkshopRow


@dataclass
class Services:
    settings: Settings
    db: Database
    hub: Hub
    tokens: TokenSigner


@dataclass
class UnitOfWork:
    session: Session
    outbox: list[LiveEvent] = field(default_factory=list)

    def record(self, workshop_id: str, events: Sequence[Event]) -> None:
        """Append ``events`` to the workshop's outbox, numbered, in this transaction."""
        if not events:
            return
        table = WorkshopRow.__table__  # type: ignore[attr-defined]
        last = self.session.execute(
            update(table)
            .where(table.c.id == workshop_id)
            .values(event_seq=table.c.event_seq + len(events))
            .returning(table.c.event_seq)
        ).scalar_one()
        for offset, event in enumerate(events):
            seq = last - len(events) + 1 + offset
            payload = event.payload()
            self.session.add(
                EventRow(workshop_id=workshop_id, seq=seq, type=event.name, payload=payload)
            )
            self.outbox.append(LiveEvent(workshop_id, seq, event.name, payload))

    def happened(
        self,
        actor: Actor | None,
        event: Event,
        *,
        workshop_id: str | None = None,
        organisation_id: str | None = None,
        then: Sequence[Event] = (),
    ) -> None:
        """Record a change someone made: ``event`` goes to the audit trail under its name
        (who, what, from what to what) and, in a workshop, to its outbox with ``then`` (the
        consequences, such as a result published by a close), all in this transaction, so the
        trail and the change are committed together, or neither is."""
        organisation = organisation_id or (actor.organisation_id if actor else None)
        assert organisation is not None, "an audit entry belongs to an organisation"
        entry = event.audit()
        self.session.add(
            AuditRow(
                organisation_id=organisation,
                actor_id=(actor.user_id or actor.member_id or "?") if actor else "system",
                actor_role=actor.role.value if actor else "system",
                action=event.name,
                subject_type=entry.subject_type,
                subject_id=entry.subject_id,
                before=dict(entry.before) if entry.before is not None else None,
                after=dict(entry.after) if entry.after is not None else None,
            )
        )
        if workshop_id is not None:
            self.record(workshop_id, [event, *then])


@contextmanager
def unit_of_work(services: Services) -> Iterator[UnitOfWork]:
    """Commit everything or nothing; publish the recorded events only once committed."""
    with services.db.writing() as session:
        uow = UnitOfWork(session)
        yield uow
    by_workshop: dict[str, list[LiveEvent]] = {}
    for event in uow.outbox:
        by_workshop.setdefault(event.workshop_id, []).append(event)
    for workshop_id, events in by_workshop.items():
        services.hub.publish(workshop_id, events)


def lock_workshop(session: Session, workshop_id: str) -> WorkshopRow:
    """The workshop row, locked for this transaction (PostgreSQL; SQLite holds its write lock).

    Every change inside a workshop takes this lock first, so changes to one workshop are
    serialised and the events they record are numbered in commit order.
    """
    row = session.exec(
        select(WorkshopRow)
        .where(WorkshopRow.id == workshop_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise NotFound()
    return row
