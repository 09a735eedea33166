"""The services a use case needs, and the unit of work it runs in."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
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
                EventRow(workshop_id=workshop_id, seq=seq, type=event.type, payload=payload)
            )
            self.outbox.append(LiveEvent(workshop_id, seq, event.type, payload))

    def audit(
        self,
        actor: Actor | None,
        action: str,
        subject: tuple[str, str],
        *,
        organisation_id: str | None = None,
        before: Mapping[str, object] | None = None,
        after: Mapping[str, object] | None = None,
    ) -> None:
        """Record who changed what, from what to what, in this transaction (so the trail
        and the change are committed together, or neither is)."""
        organisation = organisation_id or (actor.organisation_id if actor else None)
        assert organisation is not None, "an audit entry belongs to an organisation"
        self.session.add(
            AuditRow(
                organisation_id=organisation,
                actor_id=(actor.user_id or actor.member_id or "?") if actor else "system",
                actor_role=actor.role.value if actor else "system",
                action=action,
                subject_type=subject[0],
                subject_id=subject[1],
                before=dict(before) if before is not None else None,
                after=dict(after) if after is not None else None,
            )
        )


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
