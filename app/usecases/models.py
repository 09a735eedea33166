"""Read models: what the use cases hand to the web, never the table rows themselves.

Each is a frozen copy of a row's fields that the web reads (same names, so a template that
read the row reads the read model unchanged), made inside the use case with ``of(row)``.
They are plain values: no session, no lazy loads, no way to write them back; a JSON column
(a round's params, a result's reasons) is copied, so nothing the web holds is shared with a
row a later unit of work might change. What no page needs and none may see (a password's
hash) is simply not a field.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Self, cast

if TYPE_CHECKING:
    from _typeshed import DataclassInstance
    from sqlmodel import SQLModel


class ReadModel:
    """``of(row)``: the read model of a row, its fields copied by name."""

    __slots__ = ()

    if TYPE_CHECKING:

        def __init__(self, **values: Any) -> None: ...

    @classmethod
    def of(cls, row: SQLModel) -> Self:
        names = fields(cast("type[DataclassInstance]", cls))
        return cls(**{f.name: _copied(getattr(row, f.name)) for f in names})


def _copied(value: object) -> object:
    return copy.deepcopy(value) if isinstance(value, dict | list) else value


@dataclass(frozen=True, slots=True)
class Organisation(ReadModel):
    id: str
    name: str
    second_approver_above_minor: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class User(ReadModel):
    id: str
    organisation_id: str
    email: str
    role: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AuditEntry(ReadModel):
    """One step of the audit trail: who changed what, when, from what to what."""

    id: str
    organisation_id: str
    at: datetime
    actor_id: str
    actor_role: str
    action: str
    subject_type: str
    subject_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Group(ReadModel):
    id: str
    organisation_id: str
    name: str
    currency: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LedgerEntry(ReadModel):
    id: str
    group_id: str
    seq: int
    kind: str
    amount_minor: int
    round_id: str | None
    proposal_id: str | None
    decision_id: str | None
    actor: str
    at: datetime
    note: str
    total_after_minor: int
    reserved_after_minor: int
    spent_after_minor: int
    approved_after_minor: int


@dataclass(frozen=True, slots=True)
class Decision(ReadModel):
    id: str
    group_id: str
    round_id: str
    proposal_id: str
    status: str
    funded_minor: int
    approved_minor: int
    paid_minor: int
    pending_minor: int
    proposed_by: str | None
    approvals: list[str]
    reason: str
    question: str
    note: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Payment(ReadModel):
    id: str
    decision_id: str
    amount_minor: int
    paid_to: str
    method: str
    paid_on: date
    actor: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Receipt(ReadModel):
    id: str
    payment_id: str
    stored_name: str
    content_type: str
    size_bytes: int
    uploaded_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Workshop(ReadModel):
    id: str
    organisation_id: str
    group_id: str
    title: str
    code: str
    screen_token: str
    language: str
    event_seq: int
    created_at: datetime
    closed_at: datetime | None
    timer_ends_at: datetime | None
    spotlight_proposal_id: str | None


@dataclass(frozen=True, slots=True)
class Member(ReadModel):
    id: str
    workshop_id: str
    name: str
    joined_at: datetime
    removed_at: datetime | None
    left_at: datetime | None
    device_hash: str | None  # keyed per workshop (see ``workshops.device_hash``)


@dataclass(frozen=True, slots=True)
class Round(ReadModel):
    id: str
    workshop_id: str
    title: str
    method: str
    params: dict[str, Any]
    budget_minor: int
    phase: str
    show_live: bool
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class Proposal(ReadModel):
    id: str
    round_id: str
    position: int
    member_id: str | None
    user_id: str | None
    title: str
    description: str
    amount_minor: int
    how_it_helps: str
    category: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Comment(ReadModel):
    id: str
    proposal_id: str
    member_id: str | None
    user_id: str | None
    text: str
    created_at: datetime
    hidden_at: datetime | None


@dataclass(frozen=True, slots=True)
class Ballot(ReadModel):
    """A member's own ballot: for their own pages only."""

    id: str
    round_id: str
    member_id: str
    body: dict[str, Any]
    cast_at: datetime


@dataclass(frozen=True, slots=True)
class Result(ReadModel):
    round_id: str
    method: str
    budget_minor: int
    funded: list[str]
    scores: dict[str, int]
    reasons: dict[str, Any]
    spent_minor: int
    leftover_minor: int
    voters: int
    computed_at: datetime
    eligible: int | None
