"""Reading the audit trail: who changed what, when, from what to what (newest first)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from app.deliberation.permissions import Action, Actor, require
from app.tables import (
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

from .unit import Services

LIMIT_MAX = 1000


@dataclass(frozen=True)
class AuditView:
    entry: AuditRow
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
    """Entries with their actors' names (users by e-mail, members by display name) and
    the words for the things they changed."""
    ids = _ids(rows)

    def of(table: Any, *columns: Any) -> list[Any]:
        return list(session.exec(select(table, *columns).where(col(table.id).in_(ids))).all())

    people = {u.id: u.email for u in of(UserRow)}
    people.update((m.id, m.name) for m in of(MemberRow))
    names: dict[str, str] = dict(people)
    names.update((o.id, o.name) for o in of(OrganisationRow))
    names.update((g.id, g.name) for g in of(GroupRow))
    names.update((w.id, w.title) for w in of(WorkshopRow))
    names.update((r.id, r.title) for r in of(RoundRow))
    proposal_ids = {p.id for p in of(ProposalRow)}
    decisions = of(DecisionRow)
    payments = of(PaymentRow)
    comments = of(CommentRow)
    decision_of_payment = {p.id: p.decision_id for p in payments}
    proposal_of = {d.id: d.proposal_id for d in decisions}
    proposal_of.update((c.id, c.proposal_id) for c in comments)
    more = set(decision_of_payment.values()) - set(proposal_of)
    if more:
        for d in session.exec(select(DecisionRow).where(col(DecisionRow.id).in_(more))):
            decisions.append(d)
            proposal_of[d.id] = d.proposal_id
    proposal_of.update(
        (pid, proposal_of[did]) for pid, did in decision_of_payment.items() if did in proposal_of
    )
    wanted = proposal_ids | set(proposal_of.values())
    titles = {
        p.id: p.title
        for p in session.exec(select(ProposalRow).where(col(ProposalRow.id).in_(wanted)))
    }
    names.update(titles)
    names.update((k, titles.get(v, "")) for k, v in proposal_of.items())
    groups = {d.group_id for d in decisions} | {
        r.subject_id for r in rows if r.subject_type == "group"
    }
    currency = {
        g.id: g.currency for g in session.exec(select(GroupRow).where(col(GroupRow.id).in_(groups)))
    }
    currency.update((d.id, currency.get(d.group_id, "DKK")) for d in decisions)
    currency.update((p, currency.get(d, "DKK")) for p, d in decision_of_payment.items())
    return [
        AuditView(r, people.get(r.actor_id, r.actor_id), names, currency.get(r.subject_id, "DKK"))
        for r in rows
    ]
