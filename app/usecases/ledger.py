"""Reading and appending a pot's ledger inside a unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.deliberation.pots import Balance, EntryKind
from app.infra.tables import GroupRow, LedgerEntryRow

from . import models


@dataclass(frozen=True)
class Posting:
    """One entry to append: what kind, how much, and what it belongs to."""

    kind: EntryKind
    amount_minor: int
    round_id: str | None = None
    proposal_id: str | None = None
    decision_id: str | None = None
    note: str = ""


def _last_entry(session: Session, group_id: str) -> LedgerEntryRow | None:
    return session.exec(
        select(LedgerEntryRow)
        .where(LedgerEntryRow.group_id == group_id)
        .order_by(col(LedgerEntryRow.seq).desc())
        .limit(1)
    ).first()


def balance(session: Session, group_id: str) -> Balance:
    """The pot's balance: the running totals after its newest ledger entry."""
    return balance_after(_last_entry(session, group_id))


def balance_after(entry: LedgerEntryRow | models.LedgerEntry | None) -> Balance:
    """The pot's balance as it stood right after ``entry`` (empty before the first)."""
    if entry is None:
        return Balance()
    return Balance(
        entry.total_after_minor,
        entry.reserved_after_minor,
        entry.spent_after_minor,
        entry.approved_after_minor,
    )


def lock_pot(session: Session, group_id: str) -> GroupRow | None:
    """Lock the pot's group row for this transaction (a row lock on PostgreSQL)."""
    return session.exec(select(GroupRow).where(GroupRow.id == group_id).with_for_update()).first()


def append(session: Session, group_id: str, postings: Sequence[Posting], *, actor: str) -> Balance:
    """Append ``postings`` after the newest entry; the core refuses an overspend first, and
    the table's CHECKs and (group, seq) uniqueness refuse it again if anything slipped by."""
    last = _last_entry(session, group_id)
    seq = last.seq if last else 0
    current = balance_after(last)
    for posting in postings:
        current = current.apply(posting.kind, posting.amount_minor)
        seq += 1
        session.add(
            LedgerEntryRow(
                group_id=group_id,
                seq=seq,
                kind=posting.kind.value,
                amount_minor=posting.amount_minor,
                round_id=posting.round_id,
                proposal_id=posting.proposal_id,
                decision_id=posting.decision_id,
                actor=actor,
                note=posting.note,
                total_after_minor=current.total_minor,
                reserved_after_minor=current.reserved_minor,
                spent_after_minor=current.spent_minor,
                approved_after_minor=current.approved_minor,
            )
        )
    session.flush()
    return current


def entries(session: Session, group_id: str) -> Sequence[LedgerEntryRow]:
    return session.exec(
        select(LedgerEntryRow)
        .where(LedgerEntryRow.group_id == group_id)
        .order_by(col(LedgerEntryRow.seq))
    ).all()
