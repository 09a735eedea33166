"""Voting rules: from a round's proposals and ballots to the proposals the pot funds.

Pure functions, exact integer arithmetic. Ties are broken the documented way: among equal
scores the cheaper proposal first, then the one with more approvals, then the earlier
submitted (``position``). A rule never funds more than the budget it is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .ballots import ApprovalBallot, Ballot
from .methods import Method

__all__ = ["Candidate", "Reason", "Result", "compute_result"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A proposal as a voting rule sees it."""

    id: str
    amount_minor: int
    position: int


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a proposal was or was not funded: a code and the figures a sentence needs."""

    code: str  # funded | not_enough_left | no_support
    params: dict[str, int] = field(default_factory=dict)

    @property
    def funded(self) -> bool:
        return self.code == "funded"


@dataclass(frozen=True, slots=True)
class Result:
    method: Method
    budget_minor: int
    funded: tuple[str, ...]
    scores: dict[str, int]
    spent_minor: int
    leftover_minor: int
    reasons: dict[str, Reason]
    voters: int


def compute_result(
    method: Method,
    *,
    budget_minor: int,
    candidates: Sequence[Candidate],
    ballots: Sequence[Ballot],
) -> Result:
    """The result of a round under ``method``."""
    if method is Method.APPROVAL:
        return _greedy_by_approvals(method, budget_minor, candidates, ballots)
    raise NotImplementedError(method)  # parse_method refuses unsupported methods earlier


def _approval_counts(candidates: Sequence[Candidate], ballots: Sequence[Ballot]) -> dict[str, int]:
    counts = {c.id: 0 for c in candidates}
    for ballot in ballots:
        if isinstance(ballot, ApprovalBallot):
            for proposal_id in ballot.approvals:
                if proposal_id in counts:
                    counts[proposal_id] += 1
    return counts


def _greedy_by_approvals(
    method: Method,
    budget_minor: int,
    candidates: Sequence[Candidate],
    ballots: Sequence[Ballot],
) -> Result:
    """Walk from most to fewest approvals; fund each that still fits, skip the rest."""
    approvals = _approval_counts(candidates, ballots)
    order = sorted(candidates, key=lambda c: (-approvals[c.id], c.amount_minor, c.position))
    left = budget_minor
    funded: list[str] = []
    reasons: dict[str, Reason] = {}
    for candidate in order:
        support = approvals[candidate.id]
        if support == 0:
            reasons[candidate.id] = Reason("no_support")
        elif candidate.amount_minor <= left:
            left -= candidate.amount_minor
            funded.append(candidate.id)
            reasons[candidate.id] = Reason("funded", {"approvals": support, "voters": len(ballots)})
        else:
            reasons[candidate.id] = Reason(
                "not_enough_left",
                {
                    "approvals": support,
                    "voters": len(ballots),
                    "left_minor": left,
                    "amount_minor": candidate.amount_minor,
                },
            )
    return Result(
        method=method,
        budget_minor=budget_minor,
        funded=tuple(funded),
        scores=approvals,
        spent_minor=budget_minor - left,
        leftover_minor=left,
        reasons=reasons,
        voters=len(ballots),
    )
