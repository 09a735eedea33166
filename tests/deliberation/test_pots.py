"""Pot arithmetic: a balance is the fold of the ledger, and nothing goes below zero."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.deliberation.errors import Conflict, InvalidInput, PotOverspent
from app.deliberation.pots import Balance, EntryKind, effective_budget

GRANT, RESERVE, RELEASE, APPROVE, PAY, RETURN, REFUND, ADJUST = (
    EntryKind.GRANT,
    EntryKind.RESERVE,
    EntryKind.RELEASE,
    EntryKind.APPROVE,
    EntryKind.PAY,
    EntryKind.RETURN,
    EntryKind.REFUND,
    EntryKind.ADJUST,
)

# total 1000, of which 300 reserved and 200 paid out: 500 available.
POT = Balance(total_minor=1000, reserved_minor=300, spent_minor=200)


def test_a_new_pot_is_empty() -> None:
    assert Balance() == Balance(0, 0, 0)
    assert Balance().available_minor == 0


def test_available_is_total_less_reserved_less_spent() -> None:
    assert POT.available_minor == 500


# One entry of each kind


def test_a_grant_adds_to_the_total_and_to_what_is_available() -> None:
    assert POT.apply(GRANT, 250) == Balance(1250, 300, 200)
    assert POT.apply(GRANT, 250).available_minor == 750


def test_a_reserve_moves_available_money_into_reserved() -> None:
    after = POT.apply(RESERVE, 500)
    assert after == Balance(1000, 800, 200)
    assert after.available_minor == 0


def test_a_release_gives_reserved_money_back() -> None:
    after = POT.apply(RELEASE, 300)
    assert after == Balance(1000, 0, 200)
    assert after.available_minor == 800


def test_an_approval_moves_reserved_money_into_approved_without_changing_available() -> None:
    after = POT.apply(APPROVE, 250)
    assert after == Balance(1000, 50, 200, approved_minor=250)
    assert after.available_minor == POT.available_minor


def test_a_payment_moves_approved_money_into_spent_without_changing_available() -> None:
    approved = POT.apply(APPROVE, 300)
    after = approved.apply(PAY, 120)
    assert after == Balance(1000, 0, 320, approved_minor=180)
    assert after.available_minor == POT.available_minor


def test_a_return_gives_approved_but_unspent_money_back() -> None:
    after = POT.apply(APPROVE, 300).apply(PAY, 120).apply(RETURN, 180)
    assert after == Balance(1000, 0, 320, approved_minor=0)
    assert after.available_minor == 680


def test_a_refund_takes_money_out_of_spent_and_makes_it_available() -> None:
    after = POT.apply(REFUND, 200)
    assert after == Balance(1000, 300, 0)
    assert after.available_minor == 700


def test_an_adjustment_corrects_the_total_either_way() -> None:
    assert POT.apply(ADJUST, 40) == Balance(1040, 300, 200)
    assert POT.apply(ADJUST, -500) == Balance(500, 300, 200)
    assert POT.apply(ADJUST, -500).available_minor == 0


def test_an_adjustment_of_zero_changes_nothing() -> None:
    assert POT.apply(ADJUST, 0) == POT


# Overspending


@pytest.mark.parametrize(
    ("kind", "amount"),
    [
        (RESERVE, 501),  # more than is available
        (RELEASE, 301),  # more than is reserved
        (APPROVE, 301),  # more than is reserved
        (PAY, 1),  # nothing is approved
        (RETURN, 1),  # nothing is approved
        (REFUND, 201),  # more than was spent
        (ADJUST, -501),  # would take available below zero
        (ADJUST, -1001),  # would take the total below zero
    ],
    ids=lambda value: str(value),
)
def test_an_entry_taking_a_column_or_available_below_zero_is_refused_and_changes_nothing(
    kind: EntryKind, amount: int
) -> None:
    before = Balance(POT.total_minor, POT.reserved_minor, POT.spent_minor)
    with pytest.raises(PotOverspent) as caught:
        POT.apply(kind, amount)
    assert caught.value.code == "pot_overspent"
    assert isinstance(caught.value, Conflict)
    assert before == POT


def test_an_overspend_says_what_is_available_and_what_was_asked() -> None:
    with pytest.raises(PotOverspent) as caught:
        POT.apply(RESERVE, 501)
    assert caught.value.params == {"available_minor": 500, "amount_minor": 501}


def test_the_last_ore_can_be_reserved_but_not_one_more() -> None:
    emptied = POT.apply(RESERVE, 500)
    assert emptied.available_minor == 0
    with pytest.raises(PotOverspent):
        emptied.apply(RESERVE, 1)


def test_a_balance_cannot_be_changed_in_place() -> None:
    with pytest.raises(AttributeError):
        POT.total_minor = 0  # type: ignore[misc]


@pytest.mark.parametrize("kind", [GRANT, RESERVE, RELEASE, APPROVE, PAY, RETURN, REFUND], ids=str)
@pytest.mark.parametrize("amount", [0, -1, -1000])
def test_an_entry_other_than_an_adjustment_must_be_above_zero(kind: EntryKind, amount: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        POT.apply(kind, amount)
    assert caught.value.field == "amount_minor"


@pytest.mark.parametrize("kind", list(EntryKind), ids=str)
@pytest.mark.parametrize("amount", [True, False, 1.0, "100", None], ids=repr)
def test_an_amount_that_is_not_a_whole_number_is_refused(kind: EntryKind, amount: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        POT.apply(kind, amount)  # type: ignore[arg-type]
    assert caught.value.field == "amount_minor"


# Folding the ledger


def test_a_balance_is_the_fold_of_its_entries() -> None:
    entries = [
        (GRANT, 1000),
        (RESERVE, 600),
        (APPROVE, 500),
        (RELEASE, 100),
        (PAY, 400),
        (RETURN, 100),
        (REFUND, 100),
    ]
    assert Balance.of(entries) == Balance(total_minor=1000, spent_minor=300)
    assert Balance.of(entries).available_minor == 700


def test_an_empty_ledger_is_an_empty_pot() -> None:
    assert Balance.of([]) == Balance()


def test_folding_a_ledger_that_overspends_raises() -> None:
    with pytest.raises(PotOverspent):
        Balance.of([(GRANT, 100), (RESERVE, 60), (RESERVE, 60)])


def test_nothing_can_be_reserved_from_an_empty_pot() -> None:
    with pytest.raises(PotOverspent):
        Balance().apply(RESERVE, 1)


# The budget a round can fund


@pytest.mark.parametrize(
    ("budget", "balance", "expected"),
    [
        (300, Balance(1000), 300),  # the pot has more than the round's budget
        (1000, Balance(1000), 1000),  # exactly as much
        (1000, Balance(1000, 400, 100), 500),  # the pot has less now: capped
        (1000, Balance(1000, 1000), 0),  # nothing available
        (-5, Balance(1000), 0),  # never negative
        (0, Balance(1000), 0),
    ],
)
def test_the_effective_budget_is_the_round_s_budget_capped_at_what_is_available(
    budget: int, balance: Balance, expected: int
) -> None:
    assert effective_budget(budget, balance) == expected


# Properties

entries = st.lists(
    st.tuples(st.sampled_from(list(EntryKind)), st.integers(min_value=-300, max_value=1500)),
    max_size=40,
)


@given(entries)
def test_every_accepted_prefix_of_a_ledger_keeps_every_column_at_or_above_zero(
    ledger: list[tuple[EntryKind, int]],
) -> None:
    balance = Balance()
    accepted: list[tuple[EntryKind, int]] = []
    for kind, amount in ledger:
        before = balance
        try:
            balance = balance.apply(kind, amount)
        except (PotOverspent, InvalidInput):
            assert balance == before
            continue
        accepted.append((kind, amount))
        assert min(balance.total_minor, balance.reserved_minor, balance.spent_minor) >= 0
        assert balance.available_minor >= 0
        assert Balance.of(accepted) == balance


@given(entries)
def test_the_columns_are_the_sums_of_the_accepted_entries(
    ledger: list[tuple[EntryKind, int]],
) -> None:
    balance = Balance()
    accepted: list[tuple[EntryKind, int]] = []
    for kind, amount in ledger:
        try:
            balance = balance.apply(kind, amount)
        except (PotOverspent, InvalidInput):
            continue
        accepted.append((kind, amount))

    def total(*kinds: EntryKind) -> int:
        return sum(amount for kind, amount in accepted if kind in kinds)

    assert balance.total_minor == total(GRANT, ADJUST)
    assert balance.reserved_minor == total(RESERVE) - total(RELEASE) - total(APPROVE)
    assert balance.approved_minor == total(APPROVE) - total(PAY) - total(RETURN)
    assert balance.spent_minor == total(PAY) - total(REFUND)


@given(
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=1, max_value=10_000),
)
def test_a_reservation_is_refused_exactly_when_it_would_overspend(
    total: int, reserved: int, amount: int
) -> None:
    pot = Balance(total, min(reserved, total), 0)
    if amount <= pot.available_minor:
        assert pot.apply(RESERVE, amount).available_minor == pot.available_minor - amount
    else:
        with pytest.raises(PotOverspent):
            pot.apply(RESERVE, amount)


@given(st.integers(min_value=-(10**6), max_value=10**6), st.integers(0, 10**6), st.data())
def test_the_effective_budget_is_never_negative_nor_above_budget_or_available(
    budget: int, total: int, data: st.DataObject
) -> None:
    reserved = data.draw(st.integers(0, total))
    balance = Balance(total, reserved, 0)
    result = effective_budget(budget, balance)
    assert 0 <= result <= balance.available_minor
    assert result <= max(budget, 0)
    if budget >= balance.available_minor:
        assert result == balance.available_minor
    elif budget >= 0:
        assert result == budget
