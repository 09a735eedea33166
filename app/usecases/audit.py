"""Reading the audit trail: who changed what, when, from what to what (newest first)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from app.deliberation.permissions import Action, Actor, require
from app.infra.tables import (
    AuditRow,
    CommentRow,
    DecisionRow,
    GroupRow,
    MemberRow,
    OrganisationRow,
    PaymentRow,
    ProposalRow,
    RoundRow,
    UserRow,
    WorkshopRow,
)

from . import models
from .unit import Services

LIMIT_MAX = 1000


@dataclass(frozen=True)
class AuditView:
    entry: models.AuditEntry
    actor_name: str  # a user's e-mail, a member's display name, or the id ("system")
    # What the entry's ids stand for, in words: a round's or a proposal's title, a
    # decision's or a payment's proposal title, a member's name (so a page never shows ids).
    names: Mapping[str, str] = field(default_factory=dict)
    currency: str = "DKK"

    @property
    def known_actor(self) -> bool:
        """Whether the actor has a name (else it is the system or someone since deleted)."""
        return self.actor_name != self.entry.actor_id

    def name(self, key: str) -> str:
        """The words for the id at ``key`` of the entry (``"subject"``, or a field of
        ``after`` or ``before`` such as ``"proposal_id"``), or ``""``."""
        entry = self.entry
        if key == "subject":
            return self.names.get(entry.subject_id, "")
        value = (entry.after or {}).get(key) or (entry.before or {}).get(key)
        return self.names.get(str(value), "") if value else ""


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


def _ids(rows: Sequence[AuditRow]) -> set[str]:
    ids = {r.actor_id for r in rows} | {r.subject_id for r in rows}
    for r in rows:
        for side in (r.before or {}, r.after or {}):
            ids.update(str(v) for k, v in side.items() if k.endswith("_id") and v)
    return ids


def named(session: Session, rows: Sequence[AuditRow]) -> list[AuditView]:
    """Entries with their actors' names (users by e-mail, members by display name), the
    words for the things they changed, and the currency of the group they concern."""
    ids = _ids(rows)

    def rows_of(table: Any, wanted: set[str] = ids) -> Sequence[Any]:
        return session.exec(select(table).where(col(table.id).in_(wanted))).all()

    people = {u.id: u.email for u in rows_of(UserRow)}
    people.update((m.id, m.name) for m in rows_of(MemberRow))
    names: dict[str, str] = dict(people)
    for table, words in ((OrganisationRow, "name"), (WorkshopRow, "title"), (RoundRow, "title")):
        names.update((r.id, getattr(r, words)) for r in rows_of(table))
    # Decisions, their payments and comments are named by the proposal they concern.
    decision_of = {p.id: p.decision_id for p in rows_of(PaymentRow)}
    decisions = rows_of(DecisionRow, ids | set(decision_of.values()))
    proposal_of = {d.id: d.proposal_id for d in decisions}
    proposal_of.update((c.id, c.proposal_id) for c in rows_of(CommentRow))
    proposal_of.update((p, proposal_of[d]) for p, d in decision_of.items() if d in proposal_of)
    titles = {p.id: p.title for p in rows_of(ProposalRow, ids | set(proposal_of.values()))}
    names.update(titles)
    names.update((k, titles.get(v, "")) for k, v in proposal_of.items())
    # Amounts in the currency of their group.
    group_of = {d.id: d.group_id for d in decisions}
    group_of.update((p, group_of[d]) for p, d in decision_of.items() if d in group_of)
    currency: dict[str, str] = {}
    for g in rows_of(GroupRow, ids | set(group_of.values())):
        names[g.id] = g.name
        currency[g.id] = g.currency
    currency.update((k, currency.get(g, "DKK")) for k, g in group_of.items())
    return [
        AuditView(
            models.AuditEntry.of(r),
            people.get(r.actor_id, r.actor_id),
            names,
            currency.get(r.subject_id, "DKK"),
        )
        for r in rows
    ]
