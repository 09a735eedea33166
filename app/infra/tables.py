"""Database tables (SQLModel). Rows carry a ``Row`` suffix: they are storage, not the domain.

The schema is owned by Alembic (``migrations/``); ``metadata`` here is what autogenerate
compares against. Money columns are integer øre, BIGINT (32 bits would overflow on PostgreSQL). The
ledger keeps running balances with
CHECK constraints and a per-pot ``seq`` that must rise by one, so the database itself refuses
an entry that would overspend the pot or two entries written from the same stale balance.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Index,
    UniqueConstraint,
    false,
    text,
)
from sqlmodel import Field, SQLModel

from .clock import new_id, utcnow

metadata = SQLModel.metadata
metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _id() -> str:
    return new_id()


class OrganisationRow(SQLModel, table=True):
    __tablename__ = "organisation"
    id: str = Field(default_factory=_id, primary_key=True)
    name: str
    # Decisions above this amount need two different approvers (None: one is enough).
    second_approver_above_minor: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow)


class UserRow(SQLModel, table=True):
    __tablename__ = "user_account"
    id: str = Field(default_factory=_id, primary_key=True)
    organisation_id: str = Field(foreign_key="organisation.id", index=True)
    email: str = Field(unique=True)
    password_hash: str
    role: str
    created_at: datetime = Field(default_factory=utcnow)


class SessionRow(SQLModel, table=True):
    """A bearer token's server side: revocable, expiring; for a user or a member."""

    __tablename__ = "auth_session"
    id: str = Field(default_factory=_id, primary_key=True)
    user_id: str | None = Field(default=None, foreign_key="user_account.id", index=True)
    member_id: str | None = Field(default=None, foreign_key="member.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class GroupRow(SQLModel, table=True):
    __tablename__ = "pot_group"
    id: str = Field(default_factory=_id, primary_key=True)
    organisation_id: str = Field(foreign_key="organisation.id", index=True)
    name: str
    currency: str = "DKK"
    created_at: datetime = Field(default_factory=utcnow)


class LedgerEntryRow(SQLModel, table=True):
    __tablename__ = "ledger_entry"
    __table_args__ = (
        UniqueConstraint("group_id", "seq", name="uq_ledger_entry_group_seq"),
        CheckConstraint("total_after_minor >= 0", name="total_not_negative"),
        CheckConstraint("reserved_after_minor >= 0", name="reserved_not_negative"),
        CheckConstraint("spent_after_minor >= 0", name="spent_not_negative"),
        CheckConstraint("approved_after_minor >= 0", name="approved_not_negative"),
        CheckConstraint(
            "total_after_minor - reserved_after_minor - approved_after_minor"
            " - spent_after_minor >= 0",
            name="available_not_negative",
        ),
    )
    id: str = Field(default_factory=_id, primary_key=True)
    group_id: str = Field(foreign_key="pot_group.id")
    seq: int
    kind: str
    amount_minor: int = Field(sa_type=BigInteger)
    round_id: str | None = Field(default=None, foreign_key="round.id")
    proposal_id: str | None = Field(default=None, foreign_key="proposal.id")
    actor: str
    at: datetime = Field(default_factory=utcnow)
    note: str = ""
    total_after_minor: int = Field(sa_type=BigInteger)
    reserved_after_minor: int = Field(sa_type=BigInteger)
    spent_after_minor: int = Field(sa_type=BigInteger)
    approved_after_minor: int = Field(
        default=0, sa_type=BigInteger, sa_column_kwargs={"server_default": "0"}
    )
    decision_id: str | None = Field(default=None, foreign_key="decision.id")


class DecisionRow(SQLModel, table=True):
    """What became of one funded proposal; its money moves only with ledger entries."""

    __tablename__ = "decision"
    __table_args__ = (
        CheckConstraint("approved_minor >= 0", name="approved_not_negative"),
        CheckConstraint("approved_minor <= funded_minor", name="approved_within_funded"),
        CheckConstraint("paid_minor >= 0", name="paid_not_negative"),
        CheckConstraint("paid_minor <= approved_minor", name="paid_within_approved"),
    )
    id: str = Field(default_factory=_id, primary_key=True)
    group_id: str = Field(foreign_key="pot_group.id", index=True)
    round_id: str = Field(foreign_key="round.id", index=True)
    proposal_id: str = Field(foreign_key="proposal.id", unique=True)
    status: str = "funded"
    funded_minor: int = Field(sa_type=BigInteger)
    approved_minor: int = Field(default=0, sa_type=BigInteger)
    paid_minor: int = Field(default=0, sa_type=BigInteger)
    proposed_by: str | None = None  # the user who proposed it, if a user did
    approvals: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # What the first of two approvers approved; nothing is approved until the second agrees.
    pending_minor: int = Field(
        default=0, sa_type=BigInteger, sa_column_kwargs={"server_default": "0"}
    )
    reason: str = ""  # why it was rejected
    question: str = ""  # what the approver asked the group
    note: str = ""  # said when it was completed
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class PaymentRow(SQLModel, table=True):
    __tablename__ = "payment"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="amount_positive"),)
    id: str = Field(default_factory=_id, primary_key=True)
    decision_id: str = Field(foreign_key="decision.id", index=True)
    amount_minor: int = Field(sa_type=BigInteger)
    paid_to: str
    method: str
    paid_on: date
    actor: str
    created_at: datetime = Field(default_factory=utcnow)


class AuditRow(SQLModel, table=True):
    """Who changed what, when, from what to what: one row per state change, never updated."""

    __tablename__ = "audit_entry"
    id: str = Field(default_factory=_id, primary_key=True)
    organisation_id: str = Field(foreign_key="organisation.id", index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: str  # a user's or a member's id, or "system"
    actor_role: str
    action: str  # the event's name, e.g. "round.phase", "decision.approved"
    subject_type: str
    subject_id: str
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class ReceiptRow(SQLModel, table=True):
    """A receipt for a payment: the file lives on disk under a random name."""

    __tablename__ = "receipt"
    id: str = Field(default_factory=_id, primary_key=True)
    payment_id: str = Field(foreign_key="payment.id", index=True)
    stored_name: str = Field(unique=True)
    content_type: str  # as found in the file's first bytes, never as the sender named it
    size_bytes: int
    uploaded_by: str
    created_at: datetime = Field(default_factory=utcnow)


class WorkshopRow(SQLModel, table=True):
    __tablename__ = "workshop"
    __table_args__ = (
        Index(
            "uq_workshop_open_code",
            "code",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )
    id: str = Field(default_factory=_id, primary_key=True)
    organisation_id: str = Field(foreign_key="organisation.id", index=True)
    group_id: str = Field(foreign_key="pot_group.id", index=True)
    title: str
    code: str
    screen_token: str
    language: str = "da"
    event_seq: int = Field(default=0, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    timer_ends_at: datetime | None = None
    spotlight_proposal_id: str | None = None


class MemberRow(SQLModel, table=True):
    """A young person in one workshop: a display name and nothing else about them."""

    __tablename__ = "member"
    id: str = Field(default_factory=_id, primary_key=True)
    workshop_id: str = Field(foreign_key="workshop.id", index=True)
    name: str
    joined_at: datetime = Field(default_factory=utcnow)
    removed_at: datetime | None = None  # removed by a facilitator: gone for good
    left_at: datetime | None = None  # left by themselves: back when they rejoin (same device)
    # A hash of the phone's random device cookie (never the cookie, nothing personal): the
    # same phone typing its own name again is the same member, not a second one.
    device_hash: str | None = Field(default=None, index=True)


class RoundRow(SQLModel, table=True):
    __tablename__ = "round"
    id: str = Field(default_factory=_id, primary_key=True)
    workshop_id: str = Field(foreign_key="workshop.id", index=True)
    title: str
    method: str
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    budget_minor: int = Field(sa_type=BigInteger)
    phase: str = "draft"
    # Show the result as it stands while voting (the facilitator's choice; off by default).
    show_live: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None


class ProposalRow(SQLModel, table=True):
    __tablename__ = "proposal"
    __table_args__ = (
        UniqueConstraint("round_id", "position", name="uq_proposal_round_position"),
        UniqueConstraint("member_id", "idempotency_key", name="uq_proposal_member_key"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
    )
    id: str = Field(default_factory=_id, primary_key=True)
    round_id: str = Field(foreign_key="round.id", index=True)
    position: int
    member_id: str | None = Field(default=None, foreign_key="member.id")
    user_id: str | None = Field(default=None, foreign_key="user_account.id")
    title: str
    description: str = ""
    amount_minor: int = Field(sa_type=BigInteger)
    how_it_helps: str
    category: str
    created_at: datetime = Field(default_factory=utcnow)
    # Made by the page for each submission: a resend of one the server already has (its
    # answer was lost) finds it instead of storing it twice.
    idempotency_key: str | None = None


class CommentRow(SQLModel, table=True):
    __tablename__ = "comment"
    __table_args__ = (
        UniqueConstraint("member_id", "idempotency_key", name="uq_comment_member_key"),
    )
    id: str = Field(default_factory=_id, primary_key=True)
    proposal_id: str = Field(foreign_key="proposal.id", index=True)
    member_id: str | None = Field(default=None, foreign_key="member.id")
    user_id: str | None = Field(default=None, foreign_key="user_account.id")
    text: str
    created_at: datetime = Field(default_factory=utcnow)
    hidden_at: datetime | None = None
    idempotency_key: str | None = None  # as on a proposal


class BallotRow(SQLModel, table=True):
    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("round_id", "member_id", name="uq_ballot_round_member"),)
    id: str = Field(default_factory=_id, primary_key=True)
    round_id: str = Field(foreign_key="round.id", index=True)
    member_id: str = Field(foreign_key="member.id")
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    cast_at: datetime = Field(default_factory=utcnow)


class ResultRow(SQLModel, table=True):
    __tablename__ = "result"
    round_id: str = Field(foreign_key="round.id", primary_key=True)
    method: str
    budget_minor: int = Field(sa_type=BigInteger)
    funded: list[str] = Field(sa_column=Column(JSON, nullable=False))
    scores: dict[str, int] = Field(sa_column=Column(JSON, nullable=False))
    reasons: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    spent_minor: int = Field(sa_type=BigInteger)
    leftover_minor: int = Field(sa_type=BigInteger)
    voters: int
    computed_at: datetime = Field(default_factory=utcnow)
    # The "M" of "N of M have voted" when the round closed (None: closed before it was kept).
    eligible: int | None = None


class EventRow(SQLModel, table=True):
    """The transactional outbox: every change to a workshop, numbered per workshop."""

    __tablename__ = "event"
    __table_args__ = (UniqueConstraint("workshop_id", "seq", name="uq_event_workshop_seq"),)
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: str = Field(foreign_key="workshop.id")
    seq: int
    type: str
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow)
