"""What the JSON API answers: one ``XPublic`` model per answer (request bodies are in
``schemas.py``), so ``/openapi.json`` describes every field a client gets.

The routes build these from the use cases' read models. The JSON stays what the contract
promises: timestamps are the ISO 8601 text the API has always sent (``Timestamp``), money is
whole øre in ``*_minor`` fields, and a field marked ``absent_when_none`` is left out of the
answer (never sent as ``null``) when it does not apply.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Day = Annotated[str, Field(json_schema_extra={"format": "date"})]
Minor = Annotated[int, Field(description="An amount in minor units (øre).")]


def _is_none(value: object) -> bool:
    return value is None


def absent_when_none(description: str) -> Any:
    """A field that is missing from the answer, rather than ``null``, when it is None."""
    return Field(default=None, exclude_if=_is_none, description=description)


class Public(BaseModel):
    model_config = ConfigDict(frozen=True)


# --- auth -------------------------------------------------------------------------------


class UserPublic(Public):
    id: str
    email: str
    role: str = Field(description="facilitator, approver or admin")


class LoginPublic(Public):
    token: str = Field(description="Send it as `Authorization: Bearer <token>`.")
    user: UserPublic


# --- groups and pots --------------------------------------------------------------------


class PotPublic(Public):
    """The pot's figures, from its ledger: available = total - reserved - approved - spent."""

    currency: str
    amount_minor: Minor = Field(description="The same as total_minor (as it was created).")
    total_minor: Minor
    reserved_minor: Minor = Field(description="Funded by a round, awaiting a caseworker.")
    approved_minor: Minor = Field(description="Approved and not yet paid.")
    spent_minor: Minor = Field(description="Paid out.")
    available_minor: Minor


class GroupPublic(Public):
    id: str
    name: str
    pot: PotPublic


# --- workshops --------------------------------------------------------------------------


class WorkshopPublic(Public):
    id: str
    title: str
    group_id: str
    language: str
    code: str = Field(description="The join code members type.")
    join_url: str = Field(description="The join page with the code filled in.")
    screen_url: str = Field(description="The shared screen: a capability URL, no login.")


class RoundPublic(Public):
    id: str
    workshop_id: str
    title: str
    phase: str = Field(description="draft, proposing, discussing, voting or closed")
    method: str
    params: dict[str, Any]
    budget_minor: Minor
    show_live: bool = Field(description="The result as it stands is shown while voting.")


class WorkshopDetailPublic(Public):
    id: str
    title: str
    group_id: str
    language: str
    code: str
    join_url: str
    members: int = Field(description="Members present (not removed, not left).")
    event_seq: int = Field(description="The seq of the workshop's newest live event.")
    rounds: list[RoundPublic]
    screen_url: str | None = absent_when_none("Staff only: absent in a member's answer.")


class ScreenUrlPublic(Public):
    screen_url: str


class JoinedPublic(Public):
    member_id: str
    token: str = Field(description="The member's bearer token.")
    workshop_id: str
    name: str


# --- rounds, proposals, comments, ballots, results --------------------------------------


class ProposalPublic(Public):
    id: str
    round_id: str
    title: str
    description: str
    amount_minor: Minor
    how_it_helps: str
    category: str
    author: str = Field(description="The member's name; empty when not shown.")
    position: int
    created_at: Timestamp


class CommentPublic(Public):
    id: str
    proposal_id: str
    text: str
    author: str = Field(description="The member's name; empty when not shown.")
    created_at: Timestamp


class ProposalWithCommentsPublic(ProposalPublic):
    comments: list[CommentPublic]


class RoundDetailPublic(RoundPublic):
    proposals: list[ProposalWithCommentsPublic]
    members: int
    ballots: int = Field(description="How many members have a ballot in.")
    my_ballot: dict[str, Any] | None = absent_when_none(
        "The asking member's own ballot; absent when they have none."
    )


class BallotPublic(Public):
    round_id: str
    ballot: dict[str, Any] = Field(description="The ballot as stored, in its method's shape.")
    cast_at: Timestamp


class ReasonPublic(Public):
    """Why a proposal was or was not funded; besides ``code`` and ``text``, the figures its
    sentence needs (e.g. ``approvals``, ``voters``, ``points``, ``yes``, ``no``)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    code: str = Field(description="e.g. funded, not_enough_left, no_support")
    text: str = Field(description="The reason for a person, in the asker's language.")


class ResultPublic(Public):
    round_id: str
    method: str
    budget_minor: Minor
    currency: str
    funded: list[str] = Field(description="Proposal ids in the order funded.")
    scores: dict[str, int]
    spent_minor: Minor
    leftover_minor: Minor
    voters: int
    provisional: bool = Field(description="True while voting (shown live): not the result yet.")
    reasons: dict[str, ReasonPublic]


# --- decisions, payments, ledger, audit -------------------------------------------------


class DecisionPublic(Public):
    id: str
    proposal_id: str
    round_id: str
    title: str
    status: str = Field(description="funded, approved, rejected, on_hold, paid or completed")
    amount_minor: Minor = Field(description="What the round funded.")
    approved_minor: Minor
    paid_minor: Minor
    approvals: int = Field(description="Approvers who approved it so far.")
    reason: str = Field(description="Why it was rejected.")
    question: str = Field(description="What the approver asked the group.")
    note: str = Field(description="Said when it was completed or money came back.")
    updated_at: Timestamp


class PaymentPublic(Public):
    id: str
    decision_id: str
    amount_minor: Minor
    paid_to: str
    method: str = Field(description="invoice, reimbursement or card")
    paid_on: Day


class PaymentMadePublic(PaymentPublic):
    decision: DecisionPublic


class PaymentWithReceiptsPublic(PaymentPublic):
    receipts: list[str] = Field(description="Receipt ids: GET /api/v1/receipts/{id}.")


class AuditEntryPublic(Public):
    id: str
    at: Timestamp
    actor: str = Field(description="A user's e-mail, a member's name, or system.")
    actor_role: str
    action: str = Field(description='e.g. "round.phase", "decision.approve"')
    subject_type: str
    subject_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class DecisionDetailPublic(DecisionPublic):
    group_id: str
    payments: list[PaymentWithReceiptsPublic]
    timeline: list[AuditEntryPublic] = Field(description="Oldest first.")


class LedgerEntryPublic(Public):
    id: str
    seq: int
    kind: str
    amount_minor: Minor
    decision_id: str | None
    round_id: str | None
    actor: str
    at: Timestamp
    note: str


class OrganisationSettingsPublic(Public):
    second_approver_above_minor: Minor | None = Field(
        description="Above this amount a decision needs two approvers; null: never."
    )


class ReceiptPublic(Public):
    id: str
    payment_id: str
    content_type: str = Field(description="As read from the file's first bytes.")
    size_bytes: int


# --- health and errors ------------------------------------------------------------------


class HealthPublic(Public):
    status: str = Field(description="ok, or unavailable (503) when the database is not")


class ErrorDetailPublic(Public):
    code: str = Field(description="snake_case, e.g. not_found, wrong_phase, invalid_input")
    message: str = Field(description="For a person, in the asker's language.")
    field: str | None = absent_when_none("The input field it is about, when there is one.")


class ErrorPublic(Public):
    """Every non-2xx answer of the API."""

    error: ErrorDetailPublic


_ERROR = {"model": ErrorPublic}

# The error answers of the API's calls (see the contract's "Errors"), for every route.
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {**_ERROR, "description": "The body is not valid JSON."},
    401: {**_ERROR, "description": "No token, or a bad or expired one."},
    403: {**_ERROR, "description": "Not allowed for this role or not in this workshop."},
    404: {**_ERROR, "description": "Unknown id."},
    409: {**_ERROR, "description": "Wrong phase or conflicting state."},
    413: {**_ERROR, "description": "The body is too large."},
    422: {**_ERROR, "description": "Bad input: error.field says which field."},
}
TOO_MANY: dict[int | str, dict[str, Any]] = {
    429: {**_ERROR, "description": "Too many attempts: try again later."},
}


def file_answer(description: str, *media_types: str) -> dict[int | str, dict[str, Any]]:
    """A 200 answer that is a file, not JSON: its media types, for ``responses=``."""
    return {200: {"content": {kind: {} for kind in media_types}, "description": description}}
