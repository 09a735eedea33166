"""What becomes of a funded proposal: the caseworker's decision, from funded to completed.

    funded ──approve──▶ approved ──pay──▶ paid ──pay…──▶ paid ──complete──▶ completed
      │  ╲                 │                                   ▲
      │   hold──▶ on_hold  └──────────────complete─────────────┘
      │             │ approve / reject
      └──reject──▶ rejected

Each step returns the decision after it and the ledger entries that move the money: an
approval moves the approved part from *reserved* to *approved* and releases the rest; a
rejection releases it all; a payment moves money from *approved* to *spent*; completing
returns what was approved but not paid. Illegal steps are refused and change nothing.

Whoever proposed something may not approve or pay it. An organisation may require two
different approvers for decisions above an amount: the first approval is then recorded and
the decision stays where it is until a second person approves the same amount.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from .errors import Conflict, InvalidInput, NotAllowed
from .fields import clean_text, require_amount, require_text
from .pots import EntryKind
from .text import N_

__all__ = [
    "Decision",
    "PaymentMethod",
    "Status",
    "Step",
    "approve",
    "complete",
    "hold",
    "left_to_pay",
    "pay",
    "refund",
    "reject",
    "released_by_approving",
]

REASON_MAX = 1000


class Status(enum.StrEnum):
    FUNDED = "funded"
    APPROVED = "approved"
    REJECTED = "rejected"
    ON_HOLD = "on_hold"
    PAID = "paid"
    COMPLETED = "completed"


class PaymentMethod(enum.StrEnum):
    INVOICE = "invoice"  # the municipality pays the supplier's invoice
    REIMBURSEMENT = "reimbursement"  # a member paid and gets the money back
    CARD = "card"  # paid with the municipality's card


@dataclass(frozen=True, slots=True)
class Decision:
    status: Status
    funded_minor: int  # what the round reserved for it
    approved_minor: int = 0
    paid_minor: int = 0
    proposed_by: str | None = None  # the user who proposed it, if a user did
    approvals: tuple[str, ...] = ()  # approvers so far, while a second one is needed
    pending_minor: int = 0  # what the first of two approvers approved (nothing moved yet)


@dataclass(frozen=True, slots=True)
class Step:
    """A step's outcome: the decision after it and the ledger entries to append."""

    decision: Decision
    postings: tuple[tuple[EntryKind, int], ...] = ()

    @property
    def waiting_for_second_approver(self) -> bool:
        return bool(self.decision.approvals) and self.decision.status in _DECIDABLE


_DECIDABLE = frozenset({Status.FUNDED, Status.ON_HOLD})
_PAYABLE = frozenset({Status.APPROVED, Status.PAID})


def left_to_pay(approved_minor: int, paid_minor: int) -> int:
    """What was approved and not paid (yet): what completing gives back to the pot."""
    return approved_minor - paid_minor


def released_by_approving(funded_minor: int, approved_minor: int) -> int:
    """What goes back to the pot when less than the funded amount is approved."""
    return funded_minor - approved_minor


def _not_their_own(decision: Decision, actor: str) -> None:
    if decision.proposed_by is not None and decision.proposed_by == actor:
        raise NotAllowed(
            N_("You proposed this, so someone else must approve and pay it."),
            code="own_proposal",
        )


def _must_be(decision: Decision, allowed: frozenset[Status], message: str) -> None:
    if decision.status not in allowed:
        raise Conflict(message, code="wrong_status", params={"status": decision.status.value})


def approve(
    decision: Decision,
    actor: str,
    amount_minor: int | None = None,
    *,
    second_approver_above_minor: int | None = None,
) -> Step:
    """Approve all of the funded amount, or less (the difference goes back to the pot)."""
    _must_be(decision, _DECIDABLE, N_("Only a funded decision or one on hold can be approved."))
    _not_their_own(decision, actor)
    amount = decision.funded_minor if amount_minor is None else amount_minor
    require_amount("amount_minor", amount)
    if amount > decision.funded_minor:
        raise InvalidInput(
            N_("At most {funded} can be approved: that is what the group decided."),
            field="amount_minor",
            params={"funded_minor": decision.funded_minor},
        )
    if actor in decision.approvals:  # whatever the threshold is now
        raise Conflict(
            N_("You have approved this already. A second approver must approve it too."),
            code="second_approver_needed",
        )
    if decision.approvals:
        if amount != decision.pending_minor:
            raise Conflict(
                N_("The first approver approved {first}. Approve the same amount, or reject."),
                code="approvals_differ",
                field="amount_minor",
                params={"first_minor": decision.pending_minor},
            )
    elif second_approver_above_minor is not None and amount > second_approver_above_minor:
        # The first of two: recorded, and nothing moves until a second person agrees.
        return Step(replace(decision, approvals=(actor,), pending_minor=amount))
    postings: list[tuple[EntryKind, int]] = [(EntryKind.APPROVE, amount)]
    if amount < decision.funded_minor:
        postings.append((EntryKind.RELEASE, released_by_approving(decision.funded_minor, amount)))
    approved = replace(
        decision,
        status=Status.APPROVED,
        approved_minor=amount,
        pending_minor=0,
        approvals=(*decision.approvals, actor),
    )
    return Step(approved, tuple(postings))


def reject(decision: Decision, actor: str, reason: str) -> Step:
    """Reject it, with a reason for the group; the reservation goes back to the pot."""
    _must_be(decision, _DECIDABLE, N_("Only a funded decision or one on hold can be rejected."))
    _require_words("reason", reason, N_("Write why, so the group understands."))
    rejected = replace(
        decision, status=Status.REJECTED, approved_minor=0, pending_minor=0, approvals=()
    )
    return Step(rejected, ((EntryKind.RELEASE, decision.funded_minor),))


def hold(decision: Decision, actor: str, question: str) -> Step:
    """Put it on hold with a question to the group; the money stays reserved."""
    _must_be(decision, frozenset({Status.FUNDED}), N_("Only a funded decision can be put on hold."))
    _require_words("question", question, N_("Write the question for the group."))
    # The group may answer with a change: a half-finished approval starts over.
    return Step(replace(decision, status=Status.ON_HOLD, approvals=(), pending_minor=0))


def pay(decision: Decision, actor: str, amount_minor: int) -> Step:
    """Record a payment; all payments together never exceed the approved amount."""
    _must_be(decision, _PAYABLE, N_("Only an approved decision can be paid."))
    _not_their_own(decision, actor)
    require_amount("amount_minor", amount_minor)
    left = left_to_pay(decision.approved_minor, decision.paid_minor)
    if amount_minor > left:
        raise Conflict(
            N_("Only {left} of the approved amount is left to pay."),
            code="over_approved",
            field="amount_minor",
            params={"left_minor": left},
        )
    paid = replace(decision, status=Status.PAID, paid_minor=decision.paid_minor + amount_minor)
    return Step(paid, ((EntryKind.PAY, amount_minor),))


def complete(decision: Decision, actor: str) -> Step:
    """Close it: what was approved but not paid goes back to the pot."""
    _must_be(decision, _PAYABLE, N_("Only an approved decision can be completed."))
    unspent = left_to_pay(decision.approved_minor, decision.paid_minor)
    done = replace(decision, status=Status.COMPLETED)
    return Step(done, ((EntryKind.RETURN, unspent),) if unspent else ())


def refund(decision: Decision, actor: str, amount_minor: int) -> Step:
    """Money paid out came back after the decision was completed (a course cancelled, a
    deposit returned): it is available in the pot again, and counts as not spent."""
    _must_be(
        decision, frozenset({Status.COMPLETED}), N_("Only a completed decision can be refunded.")
    )
    _not_their_own(decision, actor)
    require_amount("amount_minor", amount_minor)
    if amount_minor > decision.paid_minor:
        raise Conflict(
            N_("Only {paid} was paid out, so no more can come back."),
            code="over_paid",
            field="amount_minor",
            params={"paid_minor": decision.paid_minor},
        )
    back = replace(
        decision,
        paid_minor=decision.paid_minor - amount_minor,
        approved_minor=decision.approved_minor - amount_minor,
    )
    return Step(back, ((EntryKind.REFUND, amount_minor),))


def _require_words(field: str, text: str, message: str) -> str:
    """A reason or question, which the group will read: it must say something."""
    if not (isinstance(text, str) and clean_text(text)):
        raise InvalidInput(message, field=field)
    return require_text(field, text, maximum=REASON_MAX)
