"""The Method of Equal Shares: hand-worked examples and properties."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from app.deliberation.ballots import ApprovalBallot
from app.deliberation.methods import Method
from app.deliberation.rules import Candidate, compute_result
from app.deliberation.rules.equal_shares import _Profile, _run, equal_shares


def mes(
    costs: dict[str, int], ballots: list[set[str]], budget: int, completion: str = "none"
) -> list[str]:
    candidates = [Candidate(pid, cost, i) for i, (pid, cost) in enumerate(costs.items())]
    result = compute_result(
        Method.EQUAL_SHARES,
        budget_minor=budget,
        candidates=candidates,
        ballots=[ApprovalBallot(frozenset(b)) for b in ballots],
        params={"completion": completion},
        unit_minor=1,
    )
    return list(result.funded)


def test_a_minority_gets_its_proposal_where_greedy_gives_the_majority_everything() -> None:
    costs = {"A": 50, "B": 50, "C": 30}
    ballots = [{"A", "B"}] * 7 + [{"C"}] * 3
    assert mes(costs, ballots, 100) == ["A", "C"]
    greedy = compute_result(
        Method.APPROVAL,
        budget_minor=100,
        candidates=[Candidate(p, c, i) for i, (p, c) in enumerate(costs.items())],
        ballots=[ApprovalBallot(frozenset(b)) for b in ballots],
    )
    assert list(greedy.funded) == ["A", "B"]


def test_supporters_who_cannot_pay_together_get_nothing() -> None:
    # Three voters, a share of 4 each: two cannot pay 9 together; two can pay 3.
    assert mes(
        {"licence": 9, "laptop": 6, "bus": 3}, [{"licence", "bus"}, {"licence"}, {"bus"}], 12
    ) == ["bus"]


def test_ties_go_to_the_cheaper_then_the_more_supported_then_the_earlier() -> None:
    assert mes({"x": 10, "y": 10}, [{"x", "y"}], 10) == ["x"]  # same: earlier submitted
    assert mes({"x": 10, "y": 5}, [{"x"}, {"y"}], 30) == [
        "y",
        "x",
    ]  # cheaper first: 5/5 < 10/10? equal rho
    assert mes({"x": 6, "y": 6}, [{"x", "y"}, {"y"}], 12)[0] == "y"  # more supporters pay less each


def test_greedy_completion_spends_what_is_left_by_approvals() -> None:
    costs = {"A": 60, "B": 30}
    ballots = [{"A"}] * 1 + [{"B"}] * 1
    assert mes(costs, ballots, 100, "none") == ["B"]  # A's one supporter has only 50
    assert mes(costs, ballots, 100, "greedy") == ["B", "A"]


def test_add1_raises_shares_while_the_outcome_still_fits() -> None:
    costs = {"A": 60, "B": 30}
    ballots = [{"A"}, {"B"}]
    # share 50: B only; share 60: A and B (90 <= 100); share 70: still A and B; all reached.
    assert sorted(mes(costs, ballots, 100, "add1")) == ["A", "B"]


@st.composite
def elections(draw: st.DrawFn) -> tuple[list[Candidate], list[frozenset[str]], int]:
    count = draw(st.integers(1, 6))
    candidates = [Candidate(f"p{i}", draw(st.integers(1, 50)), i) for i in range(count)]
    ids = [c.id for c in candidates]
    ballots = draw(st.lists(st.frozensets(st.sampled_from(ids)), min_size=1, max_size=12))
    return candidates, ballots, draw(st.integers(1, 200))


@settings(max_examples=200, deadline=None)
@given(elections())
def test_no_voter_ever_pays_more_than_their_share(
    election: tuple[list[Candidate], list[frozenset[str]], int],
) -> None:
    candidates, ballots, budget = election
    profile = _Profile(candidates, ballots)
    share = Fraction(budget, len(ballots))
    funded, paid, left = _run(candidates, profile, share)
    assert all(b >= 0 for b in left)
    spent = sum((share - b) * n for b, n in zip(left, profile.counts, strict=True))
    costs = {c.id: c.amount_minor for c in candidates}
    assert spent == sum(costs[p] for p in funded)  # every purchase paid exactly, by supporters
    assert sum(costs[p] for p in funded) <= budget


@settings(max_examples=100, deadline=None)
@given(elections(), st.sampled_from(["none", "greedy", "add1"]))
def test_equal_shares_never_spends_more_than_the_budget(
    election: tuple[list[Candidate], list[frozenset[str]], int], completion: str
) -> None:
    candidates, ballots, budget = election
    outcome = equal_shares(candidates, ballots, budget, completion=completion, unit_minor=1)
    costs = {c.id: c.amount_minor for c in candidates}
    assert sum(costs[p] for p in outcome.funded) <= budget
    assert len(set(outcome.funded)) == len(outcome.funded)


def naive_add1(
    candidates: list[Candidate], ballots: list[frozenset[str]], budget: int
) -> list[str]:
    """add1 the plain way: an exact run at every single step."""
    profile = _Profile(candidates, ballots)
    costs = {c.id: c.amount_minor for c in candidates}
    reachable = {c.id for c in candidates if profile.supporters[c.id]}
    share = Fraction(budget, len(ballots))
    funded = _run(candidates, profile, share)[0]
    while set(funded) != reachable:
        share += 1
        more = _run(candidates, profile, share)[0]
        if sum(costs[p] for p in more) > budget:
            break
        funded = more
    return funded


@settings(max_examples=150, deadline=None)
@given(elections())
def test_the_fast_add1_funds_exactly_what_the_plain_one_does(
    election: tuple[list[Candidate], list[frozenset[str]], int],
) -> None:
    candidates, ballots, budget = election
    fast = equal_shares(candidates, ballots, budget, completion="add1", unit_minor=1)
    assert fast.funded == naive_add1(candidates, ballots, budget)
