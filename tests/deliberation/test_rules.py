"""Approval voting: walk from most to fewest approvals, fund each that still fits."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from hypothesis import given
from hypothesis import strategies as st

from app.deliberation.ballots import ApprovalBallot
from app.deliberation.methods import Method
from app.deliberation.rules import Candidate, Reason, Result, compute_result


def ballot(*ids: str) -> ApprovalBallot:
    return ApprovalBallot(frozenset(ids))


def ballots(approvals: dict[str, int], voters: int | None = None) -> list[ApprovalBallot]:
    """Ballots giving each id its number of approvals (voter i approves the ids with > i)."""
    voters = max([voters or 0, *approvals.values()])
    return [ballot(*(pid for pid, n in approvals.items() if n > i)) for i in range(voters)]


def approve(
    budget: int, candidates: Sequence[Candidate], ballots: Sequence[ApprovalBallot]
) -> Result:
    return compute_result(
        Method.APPROVAL, budget_minor=budget, candidates=candidates, ballots=ballots
    )


def candidates(*amounts: tuple[str, int]) -> list[Candidate]:
    return [Candidate(pid, amount, position) for position, (pid, amount) in enumerate(amounts)]


# Hand-worked examples


def test_the_most_approved_are_funded_until_the_money_runs_out() -> None:
    # A(3) 600 → left 400; C(2) 400 beats B(2) 500 on price → left 0; B, D do not fit;
    # E has no approvals at all.
    cands = candidates(("A", 600), ("B", 500), ("C", 400), ("D", 300), ("E", 100))
    result = approve(1000, cands, ballots({"A": 3, "B": 2, "C": 2, "D": 1}))

    assert result.funded == ("A", "C")
    assert result.scores == {"A": 3, "B": 2, "C": 2, "D": 1, "E": 0}
    assert (result.spent_minor, result.leftover_minor) == (1000, 0)
    assert result.voters == 3
    assert result.method is Method.APPROVAL
    assert result.budget_minor == 1000
    assert result.reasons == {
        "A": Reason("funded", {"approvals": 3, "voters": 3}),
        "C": Reason("funded", {"approvals": 2, "voters": 3}),
        "B": Reason(
            "not_enough_left", {"approvals": 2, "voters": 3, "left_minor": 0, "amount_minor": 500}
        ),
        "D": Reason(
            "not_enough_left", {"approvals": 1, "voters": 3, "left_minor": 0, "amount_minor": 300}
        ),
        "E": Reason("no_support", {"approvals": 0, "voters": 3}),
    }


def test_a_proposal_that_does_not_fit_is_skipped_and_a_cheaper_one_below_it_is_funded() -> None:
    # A(4) 700 → left 300; B(3) 500 does not fit in 300; C(1) 300 does.
    cands = candidates(("A", 700), ("B", 500), ("C", 300))
    result = approve(1000, cands, ballots({"A": 4, "B": 3, "C": 1}))

    assert result.funded == ("A", "C")
    assert result.reasons["B"] == Reason(
        "not_enough_left", {"approvals": 3, "voters": 4, "left_minor": 300, "amount_minor": 500}
    )
    assert (result.spent_minor, result.leftover_minor) == (1000, 0)


def test_money_that_nothing_fits_is_left_over() -> None:
    cands = candidates(("A", 600), ("B", 500))
    result = approve(1000, cands, ballots({"A": 2, "B": 1}))

    assert result.funded == ("A",)
    assert (result.spent_minor, result.leftover_minor) == (600, 400)
    assert result.reasons["B"].params["left_minor"] == 400
    assert result.reasons["B"].params["amount_minor"] == 500


def test_more_approvals_beat_a_lower_price() -> None:
    cands = candidates(("cheap", 100), ("dear", 900))
    result = approve(900, cands, ballots({"cheap": 1, "dear": 2}))
    assert result.funded == ("dear",)
    assert result.reasons["cheap"].code == "not_enough_left"


def test_among_equal_approvals_the_cheaper_proposal_goes_first() -> None:
    cands = candidates(("X", 400), ("Y", 300))
    result = approve(500, cands, ballots({"X": 2, "Y": 2}))
    assert result.funded == ("Y",)
    assert result.reasons["X"].params == {
        "approvals": 2,
        "voters": 2,
        "left_minor": 200,
        "amount_minor": 400,
    }


def test_among_equal_approvals_and_price_the_earlier_submitted_goes_first() -> None:
    early, late = Candidate("early", 300, position=1), Candidate("late", 300, position=2)
    for order in ([early, late], [late, early]):
        result = approve(400, order, ballots({"early": 1, "late": 1}))
        assert result.funded == ("early",)
        assert result.reasons["late"].code == "not_enough_left"


def test_the_funded_order_is_the_walking_order() -> None:
    cands = candidates(("A", 100), ("B", 100), ("C", 50), ("D", 100))
    result = approve(10_000, cands, ballots({"A": 1, "B": 3, "C": 2, "D": 2}))
    assert result.funded == ("B", "C", "D", "A")


def test_a_proposal_nobody_approved_is_never_funded_even_when_money_is_plenty() -> None:
    cands = candidates(("lonely", 1), ("liked", 1))
    result = approve(1_000_000, cands, [ballot("liked"), ballot()])
    assert result.funded == ("liked",)
    assert result.reasons["lonely"].code == "no_support"
    assert not result.reasons["lonely"].funded
    assert result.leftover_minor == 999_999


def test_with_no_ballots_nothing_is_funded_and_all_is_left_over() -> None:
    result = approve(1000, candidates(("A", 10), ("B", 20)), [])
    assert result.funded == ()
    assert result.voters == 0
    assert (result.spent_minor, result.leftover_minor) == (0, 1000)
    assert {r.code for r in result.reasons.values()} == {"no_support"}


def test_with_no_proposals_the_whole_budget_is_left_over() -> None:
    result = approve(1000, [], [ballot(), ballot()])
    assert result == Result(
        method=Method.APPROVAL,
        budget_minor=1000,
        funded=(),
        scores={},
        spent_minor=0,
        leftover_minor=1000,
        reasons={},
        voters=2,
    )


def test_empty_ballots_count_as_voters_but_approve_nothing() -> None:
    result = approve(100, candidates(("A", 100)), [ballot("A"), ballot(), ballot()])
    assert result.voters == 3
    assert result.reasons["A"] == Reason("funded", {"approvals": 1, "voters": 3})


def test_approvals_of_proposals_not_in_the_round_are_ignored() -> None:
    result = approve(100, candidates(("A", 100)), [ballot("A", "withdrawn")])
    assert result.scores == {"A": 1}
    assert result.funded == ("A",)


def test_a_proposal_costing_the_whole_budget_can_be_funded() -> None:
    result = approve(500, candidates(("A", 500)), [ballot("A")])
    assert result.funded == ("A",)
    assert result.leftover_minor == 0


def test_with_a_zero_budget_supported_proposals_do_not_fit() -> None:
    result = approve(0, candidates(("A", 1)), [ballot("A")])
    assert result.funded == ()
    assert result.reasons["A"].params["left_minor"] == 0


def test_a_reason_knows_whether_it_funds() -> None:
    assert Reason("funded").funded
    assert not Reason("not_enough_left").funded
    assert not Reason("no_support").funded


# Properties


@st.composite
def rounds(draw: st.DrawFn) -> tuple[int, list[Candidate], list[ApprovalBallot]]:
    count = draw(st.integers(min_value=0, max_value=8))
    amounts = draw(st.lists(st.integers(1, 1000), min_size=count, max_size=count))
    positions = draw(st.permutations(range(count)))
    cands = [Candidate(f"p{i}", amounts[i], positions[i]) for i in range(count)]
    ids = [c.id for c in cands]
    ballot_list = draw(
        st.lists(st.frozensets(st.sampled_from(ids)) if ids else st.just(frozenset()), max_size=12)
    )
    budget = draw(st.integers(min_value=0, max_value=3000))
    return budget, cands, [ApprovalBallot(b) for b in ballot_list]


def amounts_of(cands: Iterable[Candidate]) -> dict[str, int]:
    return {c.id: c.amount_minor for c in cands}


@given(rounds())
def test_the_funded_total_never_exceeds_the_budget_and_adds_up(
    case: tuple[int, list[Candidate], list[ApprovalBallot]],
) -> None:
    budget, cands, bals = case
    result = approve(budget, cands, bals)
    amount = amounts_of(cands)
    assert result.spent_minor == sum(amount[pid] for pid in result.funded)
    assert 0 <= result.spent_minor <= budget
    assert result.spent_minor + result.leftover_minor == budget
    assert len(set(result.funded)) == len(result.funded)


@given(rounds())
def test_no_supported_proposal_left_unfunded_would_fit_in_the_leftover(
    case: tuple[int, list[Candidate], list[ApprovalBallot]],
) -> None:
    budget, cands, bals = case
    result = approve(budget, cands, bals)
    for cand in cands:
        if cand.id not in result.funded and result.scores[cand.id] >= 1:
            assert cand.amount_minor > result.leftover_minor


@given(rounds())
def test_every_proposal_has_one_reason_that_agrees_with_the_result(
    case: tuple[int, list[Candidate], list[ApprovalBallot]],
) -> None:
    budget, cands, bals = case
    result = approve(budget, cands, bals)
    assert set(result.reasons) == {c.id for c in cands}
    for cand in cands:
        reason = result.reasons[cand.id]
        score = result.scores[cand.id]
        assert reason.funded == (cand.id in result.funded)
        if score == 0:
            assert reason.code == "no_support"
        elif reason.funded:
            assert reason.params == {"approvals": score, "voters": len(bals)}
        else:
            assert reason.code == "not_enough_left"
            assert reason.params["approvals"] == score
            assert reason.params["voters"] == len(bals)
            assert reason.params["amount_minor"] == cand.amount_minor
            left = reason.params["left_minor"]
            assert isinstance(left, int)
            assert result.leftover_minor <= left < cand.amount_minor


@given(rounds())
def test_scores_count_the_ballots_that_approve_each_proposal(
    case: tuple[int, list[Candidate], list[ApprovalBallot]],
) -> None:
    budget, cands, bals = case
    result = approve(budget, cands, bals)
    assert result.scores == {c.id: sum(c.id in b.approvals for b in bals) for c in cands}
    assert result.voters == len(bals)


@given(rounds())
def test_funded_proposals_come_in_walking_order(
    case: tuple[int, list[Candidate], list[ApprovalBallot]],
) -> None:
    budget, cands, bals = case
    result = approve(budget, cands, bals)
    by_id = {c.id: c for c in cands}
    keys = [
        (-result.scores[pid], by_id[pid].amount_minor, by_id[pid].position) for pid in result.funded
    ]
    assert keys == sorted(keys)


@given(rounds(), st.randoms(use_true_random=False))
def test_the_order_of_ballots_and_of_proposals_does_not_change_the_result(
    case: tuple[int, list[Candidate], list[ApprovalBallot]], rng: random.Random
) -> None:
    budget, cands, bals = case
    shuffled_cands, shuffled_bals = cands[:], bals[:]
    rng.shuffle(shuffled_cands)
    rng.shuffle(shuffled_bals)
    assert approve(budget, shuffled_cands, shuffled_bals) == approve(budget, cands, bals)


@given(rounds())
def test_when_the_budget_covers_every_supported_proposal_all_of_them_are_funded(
    case: tuple[int, list[Candidate], list[ApprovalBallot]],
) -> None:
    _, cands, bals = case
    result = approve(sum(c.amount_minor for c in cands), cands, bals)
    assert set(result.funded) == {pid for pid, score in result.scores.items() if score >= 1}


@given(rounds(), st.data())
def test_adding_an_approval_to_a_funded_proposal_keeps_it_funded(
    case: tuple[int, list[Candidate], list[ApprovalBallot]], data: st.DataObject
) -> None:
    # True of greedy approval: the proposals walked before it afterwards are a prefix of those
    # walked before it now, so at least as much money is left when its turn comes.
    # (Other proposals may lose out; that is not claimed.)
    budget, cands, bals = case
    before = approve(budget, cands, bals)
    if not before.funded:
        return
    favourite = data.draw(st.sampled_from(before.funded), label="favourite")
    without = [i for i, b in enumerate(bals) if favourite not in b.approvals]
    choice = data.draw(st.sampled_from([None, *without]), label="ballot (None: a new voter)")
    if choice is None:
        more = [*bals, ballot(favourite)]
    else:
        changed = ApprovalBallot(bals[choice].approvals | {favourite})
        more = [*bals[:choice], changed, *bals[choice + 1 :]]
    after = approve(budget, cands, more)
    assert after.scores[favourite] == before.scores[favourite] + 1
    assert favourite in after.funded


def test_adding_an_approval_elsewhere_can_unfund_a_proposal_so_that_is_not_claimed() -> None:
    # Why the property above is only about the proposal that gains the approval.
    cands = candidates(("A", 600), ("B", 500))
    assert approve(1000, cands, ballots({"A": 1, "B": 2})).funded == ("B",)
    assert approve(1000, cands, ballots({"A": 3, "B": 2})).funded == ("A",)
