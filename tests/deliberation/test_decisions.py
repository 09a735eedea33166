"""A funded proposal's decision: every legal step, every illegal one refused, and the money
it moves always adding up."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.deliberation import decisions
from app.deliberation.decisions import Decision, Status, Step
from app.deliberation.errors import Conflict, InvalidInput, NotAllowed
from app.deliberation.pots import Balance, EntryKind

FUNDED = Decision(Status.FUNDED, funded_minor=12_000_00, proposed_by="ulla")


def _pot(*steps: Step) -> Balance:
    """A pot of 50.000 kr. with this decision's 12.000 kr. reserved, after ``steps``."""
    pot = Balance().apply(EntryKind.GRANT, 50_000_00).apply(EntryKind.RESERVE, 12_000_00)
    for step in steps:
        for kind, amount in step.postings:
            pot = pot.apply(kind, amount)
    return pot


def test_approving_all_moves_the_reservation_to_approved() -> None:
    step = decisions.approve(FUNDED, "anna")
    assert step.decision.status is Status.APPROVED
    assert step.decision.approved_minor == 12_000_00
    assert step.postings == ((EntryKind.APPROVE, 12_000_00),)
    assert _pot(step) == Balance(50_000_00, 0, 0, approved_minor=12_000_00)


def test_approving_less_releases_the_difference_to_the_pot() -> None:
    step = decisions.approve(FUNDED, "anna", 9_500_00)
    assert step.postings == ((EntryKind.APPROVE, 9_500_00), (EntryKind.RELEASE, 2_500_00))
    assert _pot(step).available_minor == 40_500_00


def test_paying_in_parts_then_completing_returns_what_was_not_spent() -> None:
    approved = decisions.approve(FUNDED, "anna")
    first = decisions.pay(approved.decision, "anna", 6_000_00)
    second = decisions.pay(first.decision, "bo", 4_150_00)
    assert second.decision.status is Status.PAID
    assert second.decision.paid_minor == 10_150_00
    done = decisions.complete(second.decision, "anna")
    assert done.decision.status is Status.COMPLETED
    assert done.postings == ((EntryKind.RETURN, 1_850_00),)
    pot = _pot(approved, first, second, done)
    assert pot == Balance(50_000_00, 0, 10_150_00, approved_minor=0)
    assert pot.available_minor == 39_850_00


def test_completing_with_nothing_paid_returns_it_all() -> None:
    approved = decisions.approve(FUNDED, "anna")
    done = decisions.complete(approved.decision, "anna")
    assert done.postings == ((EntryKind.RETURN, 12_000_00),)
    assert _pot(approved, done).available_minor == 50_000_00


def test_money_that_comes_back_after_completion_is_available_again() -> None:
    approved = decisions.approve(FUNDED, "anna")
    paid = decisions.pay(approved.decision, "anna", 10_000_00)
    done = decisions.complete(paid.decision, "anna")
    with pytest.raises(Conflict) as too_much:
        decisions.refund(done.decision, "anna", 10_000_01)
    assert too_much.value.code == "over_paid"
    back = decisions.refund(done.decision, "anna", 2_500_00)
    assert back.decision.paid_minor == 7_500_00
    assert back.postings == ((EntryKind.REFUND, 2_500_00),)
    pot = _pot(approved, paid, done, back)
    assert pot.spent_minor == 7_500_00
    assert pot.available_minor == 42_500_00
    with pytest.raises(Conflict):
        decisions.refund(paid.decision, "anna", 100)  # not before it is completed


def test_rejecting_needs_a_reason_and_releases_the_reservation() -> None:
    with pytest.raises(InvalidInput) as caught:
        decisions.reject(FUNDED, "anna", "   ")
    assert caught.value.field == "reason"
    step = decisions.reject(FUNDED, "anna", "Kurset ligger efter forløbets slutning.")
    assert step.decision.status is Status.REJECTED
    assert _pot(step).available_minor == 50_000_00


def test_a_decision_on_hold_keeps_its_money_and_can_then_be_approved_or_rejected() -> None:
    with pytest.raises(InvalidInput) as caught:
        decisions.hold(FUNDED, "anna", "")
    assert caught.value.field == "question"
    held = decisions.hold(FUNDED, "anna", "Hvilken køreskole har I valgt?")
    assert held.decision.status is Status.ON_HOLD
    assert held.postings == ()
    assert decisions.approve(held.decision, "anna").decision.status is Status.APPROVED
    assert decisions.reject(held.decision, "anna", "Nej").decision.status is Status.REJECTED


def test_the_total_paid_never_exceeds_the_approved_amount() -> None:
    approved = decisions.approve(FUNDED, "anna", 10_000_00).decision
    paid = decisions.pay(approved, "anna", 9_000_00).decision
    with pytest.raises(Conflict) as caught:
        decisions.pay(paid, "anna", 1_000_01)
    assert caught.value.code == "over_approved"
    assert caught.value.params == {"left_minor": 1_000_00}
    assert decisions.pay(paid, "anna", 1_000_00).decision.paid_minor == 10_000_00


def test_someone_who_proposed_it_can_neither_approve_nor_pay_it() -> None:
    with pytest.raises(NotAllowed) as caught:
        decisions.approve(FUNDED, "ulla")
    assert caught.value.code == "own_proposal"
    approved = decisions.approve(FUNDED, "anna").decision
    with pytest.raises(NotAllowed):
        decisions.pay(approved, "ulla", 100)


def test_above_the_threshold_two_different_approvers_must_approve() -> None:
    first = decisions.approve(FUNDED, "anna", second_approver_above_minor=10_000_00)
    assert first.decision.status is Status.FUNDED
    assert first.postings == ()
    assert first.waiting_for_second_approver
    with pytest.raises(Conflict) as caught:
        decisions.approve(first.decision, "anna", second_approver_above_minor=10_000_00)
    assert caught.value.code == "second_approver_needed"
    with pytest.raises(Conflict) as differ:
        decisions.approve(first.decision, "bo", 11_000_00, second_approver_above_minor=10_000_00)
    assert differ.value.code == "approvals_differ"
    second = decisions.approve(first.decision, "bo", second_approver_above_minor=10_000_00)
    assert second.decision.status is Status.APPROVED
    assert second.decision.approvals == ("anna", "bo")
    assert second.postings == ((EntryKind.APPROVE, 12_000_00),)
    small = decisions.approve(FUNDED, "anna", 9_000_00, second_approver_above_minor=10_000_00)
    assert small.decision.status is Status.APPROVED  # at or below it, one is enough


@pytest.mark.parametrize("amount", [0, -1, 12_000_01, True, 1.5])
def test_an_approved_amount_must_be_above_zero_and_at_most_the_funded(amount: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        decisions.approve(FUNDED, "anna", amount)  # type: ignore[arg-type]
    assert caught.value.field == "amount_minor"


ILLEGAL = [
    (Status.APPROVED, "approve"),
    (Status.APPROVED, "reject"),
    (Status.APPROVED, "hold"),
    (Status.REJECTED, "approve"),
    (Status.REJECTED, "pay"),
    (Status.REJECTED, "complete"),
    (Status.ON_HOLD, "hold"),
    (Status.ON_HOLD, "pay"),
    (Status.FUNDED, "pay"),
    (Status.FUNDED, "complete"),
    (Status.PAID, "approve"),
    (Status.PAID, "reject"),
    (Status.COMPLETED, "pay"),
    (Status.COMPLETED, "complete"),
    (Status.COMPLETED, "reject"),
]


def _do(decision: Decision, action: str) -> Step:
    if action == "approve":
        return decisions.approve(decision, "anna")
    if action == "reject":
        return decisions.reject(decision, "anna", "Nej")
    if action == "hold":
        return decisions.hold(decision, "anna", "Hvorfor?")
    if action == "pay":
        return decisions.pay(decision, "anna", 100)
    return decisions.complete(decision, "anna")


@pytest.mark.parametrize(("status", "action"), ILLEGAL, ids=lambda v: str(v))
def test_an_illegal_step_is_refused(status: Status, action: str) -> None:
    decision = Decision(status, 12_000_00, approved_minor=12_000_00, paid_minor=0)
    with pytest.raises(Conflict) as caught:
        _do(decision, action)
    assert caught.value.code == "wrong_status"


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["approve", "reject", "hold", "pay", "complete", "refund"]),
            st.integers(min_value=1, max_value=13_000_00),
            st.sampled_from(["anna", "bo", "ulla"]),
        ),
        max_size=12,
    )
)
def test_whatever_is_tried_the_money_adds_up(
    attempts: list[tuple[str, int, str]],
) -> None:
    """Funded, approved, paid and given back always sum to the reservation, the pot never
    goes below zero, and a refused step changes nothing."""
    decision, pot = FUNDED, _pot()
    for action, amount, actor in attempts:
        try:
            if action == "approve":
                step = decisions.approve(
                    decision, actor, amount, second_approver_above_minor=11_000_00
                )
            elif action == "pay":
                step = decisions.pay(decision, actor, amount)
            elif action == "refund":
                step = decisions.refund(decision, actor, amount)
            else:
                step = _do(decision, action)
        except (Conflict, InvalidInput, NotAllowed):
            continue
        for kind, money in step.postings:
            pot = pot.apply(kind, money)
        decision = step.decision
        assert 0 <= decision.paid_minor <= decision.approved_minor <= decision.funded_minor
    # What the pot holds for this decision matches where the decision stands.
    held = pot.reserved_minor + pot.approved_minor
    if decision.status in (Status.FUNDED, Status.ON_HOLD):
        assert held == decision.funded_minor
    elif decision.status in (Status.APPROVED, Status.PAID):
        assert held == decision.approved_minor - decision.paid_minor
    else:
        assert held == 0
    assert pot.spent_minor == decision.paid_minor
    assert pot.available_minor == 50_000_00 - held - decision.paid_minor


def test_a_first_of_two_approvals_moves_nothing_and_a_hold_starts_it_over() -> None:
    first = decisions.approve(FUNDED, "anna", 11_000_00, second_approver_above_minor=10_000_00)
    assert first.decision.approved_minor == 0
    assert first.decision.pending_minor == 11_000_00
    held = decisions.hold(first.decision, "bo", "Hvilken køreskole?")
    assert held.decision.approvals == ()
    assert held.decision.pending_minor == 0
    # The threshold gone, the first approver still cannot finish their own approval.
    with pytest.raises(Conflict) as caught:
        decisions.approve(first.decision, "anna", 11_000_00)
    assert caught.value.code == "second_approver_needed"


def test_the_proposer_cannot_record_a_refund_either() -> None:
    own = Decision(Status.COMPLETED, 12_000_00, 10_000_00, 10_000_00, proposed_by="ulla")
    with pytest.raises(NotAllowed):
        decisions.refund(own, "ulla", 100)
