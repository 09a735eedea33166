"""Reading the audit trail: who changed what, when, from what to what (newest first)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from app.deliberation.permissions import Action, Actor, require
from app.tables import AuditRow, MemberRow, UserRow

from .unit import Services

LIMIT_MAX = 1000


@dataclass(frozen=True)
class AuditView:
    entry: AuditRow
    actor_name: str  # a user's e-mail, a member's display name, or "system"


def trail(
    services: Services,
    actor: Actor,
    *,
    limit: int | None = 200,
    before: datetime | None = None,
) -> list[AuditView]:
    """The organisation's trail, newest first; ``before`` pages back in time. ``limit``
    ``None``: all of it (the CSV export, which must not be cut off)."""
    require(actor, Action.VIEW_AUDIT, organisation_id=actor.organisation_id)
    if before is not None and before.tzinfo is None:
        before = before.replace(tzinfo=UTC)  # a time without a zone is taken as UTC
    with services.db.reading() as session:
        query = select(AuditRow).where(AuditRow.organisation_id == actor.organisation_id)
        if before is not None:
            query = query.where(col(AuditRow.at) < before)
        query = query.order_by(col(AuditRow.at).desc(), col(AuditRow.id).desc())
        if limit is not None:
            query = query.limit(max(1, min(limit, LIMIT_MAX)))
        return named(session, session.exec(query).all())


def named(session: Session, rows: Sequence[AuditRow]) -> list[AuditView]:
    """Entries with their actors' names: users by e-mail, members by display name."""
    ids = {r.actor_id for r in rows}
    names = {u.id: u.email for u in session.exec(select(UserRow).where(col(UserRow.id).in_(ids)))}
    names.update(
        (m.id, m.name) for m in session.exec(select(MemberRow).where(col(MemberRow.id).in_(ids)))
    )
    return [AuditView(r, names.get(r.actor_id, r.actor_id)) for r in rows]
