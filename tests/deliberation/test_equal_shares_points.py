"""Equal Shares with points as utilities: supporters pay in proportion to their points, and
the proposal asking the least per point goes first."""

from __future__ import annotations

from app.deliberation.rules.equal_shares_points import equal_shares_points
from app.deliberation.rules.outcome import Candidate


def test_the_least_per_point_goes_first() -> None:
    # Shares of 5. A (8 kr., 3 points and 1 point): at 2 per point the first would pay 6,
    # more than their 5, so they pay 5 and the second 3: 3 per point. B (4 kr., 2 points
    # from the second) asks 2 per point: B first; then A's supporters have only 6 of its 8.
    candidates = [Candidate("A", 8, 0), Candidate("B", 4, 1)]
    ballots = [{"A": 3}, {"A": 1, "B": 2}]
    assert equal_shares_points(candidates, ballots, 10, completion="none") == ["B"]


def test_ties_go_to_the_cheaper_and_add1_raises_the_shares_while_it_fits() -> None:
    # Shares of 3: A and C both ask 3 per point; C is cheaper. With shares of 5, A asks 2
    # per point and goes first, and C still fits (9 of 9); with 6, B fits too: 15, too much.
    candidates = [Candidate("A", 6, 0), Candidate("B", 6, 1), Candidate("C", 3, 2)]
    ballots = [{"A": 2}, {"A": 1, "C": 1}, {"B": 3}]
    assert equal_shares_points(candidates, ballots, 9, completion="none") == ["C"]
    assert equal_shares_points(candidates, ballots, 9, completion="add1") == ["A", "C"]
