"""Ballots: what a member may put in for a round, checked per voting method.

A member has at most one ballot per round; a later ballot replaces the earlier one. Nobody
but the member ever sees what is in it: results and live counts only say how many have voted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .errors import InvalidInput
from .methods import POINTS, Method
from .text import N_

__all__ = [
    "CHOICES",
    "ApprovalBallot",
    "Ballot",
    "ConsentBallot",
    "CumulativeBallot",
    "parse_ballot",
    "points_allowed",
    "points_left",
]

CHOICES = ("yes", "no", "abstain")


@dataclass(frozen=True, slots=True)
class ApprovalBallot:
    """The proposals a member approves of (an empty ballot is a valid "none of them")."""

    approvals: frozenset[str]

    def to_json(self) -> dict[str, object]:
        return {"approvals": sorted(self.approvals)}


@dataclass(frozen=True, slots=True)
class CumulativeBallot:
    """Points a member spreads over proposals (only proposals with points are kept)."""

    points: Mapping[str, int]

    def to_json(self) -> dict[str, object]:
        return {"points": dict(sorted(self.points.items()))}


@dataclass(frozen=True, slots=True)
class ConsentBallot:
    """Yes, no or abstain per proposal (a proposal left out counts as abstain)."""

    choices: Mapping[str, str]

    def to_json(self) -> dict[str, object]:
        return {"choices": dict(sorted(self.choices.items()))}


Ballot = ApprovalBallot | CumulativeBallot | ConsentBallot


def parse_ballot(
    method: Method,
    body: Mapping[str, object],
    costs: Mapping[str, int],
    *,
    budget_minor: int = 0,
    params: Mapping[str, object] | None = None,
) -> Ballot:
    """Check a ballot ``body`` for ``method`` against the round's proposals (id → cost)."""
    params = params or {}
    if method in (Method.APPROVAL, Method.EQUAL_SHARES):
        return _approvals(body, costs)
    if method is Method.KNAPSACK:
        ballot = _approvals(body, costs)
        total = sum(costs[p] for p in ballot.approvals)
        if total > budget_minor:
            raise InvalidInput(
                N_("Your picks cost {total} together, more than the budget of {budget}."),
                code="over_budget",
                field="approvals",
                params={"total_minor": total, "budget_minor": budget_minor},
            )
        return ballot
    if method is Method.CUMULATIVE:
        return _points(body, costs, points_allowed(params))
    return _choices(body, costs)


def points_allowed(params: Mapping[str, object]) -> int:
    """How many points each member shares out in a cumulative round."""
    return int(str(params.get("points", POINTS)))


def points_left(params: Mapping[str, object], ballot: Mapping[str, object] | None) -> int:
    """What a member has not given out yet, by the ballot they cast (``None``: none yet)."""
    given = (ballot or {}).get("points")
    spent = sum(int(str(n)) for n in given.values()) if isinstance(given, Mapping) else 0
    return points_allowed(params) - spent


def _known(proposal_id: str, costs: Mapping[str, int], field: str) -> None:
    if proposal_id not in costs:
        raise InvalidInput(
            N_("The ballot names a proposal that is not in this round."),
            field=field,
            params={"proposal_id": proposal_id},
        )


def _approvals(body: Mapping[str, object], costs: Mapping[str, int]) -> ApprovalBallot:
    approvals = body.get("approvals")
    if not isinstance(approvals, list) or not all(isinstance(a, str) for a in approvals):
        raise InvalidInput(N_("Your vote must list the proposals you support."), field="approvals")
    for proposal_id in approvals:
        _known(proposal_id, costs, "approvals")
    return ApprovalBallot(frozenset(approvals))


def _points(body: Mapping[str, object], costs: Mapping[str, int], allowed: int) -> CumulativeBallot:
    points = body.get("points")
    if not isinstance(points, dict) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in points.values()
    ):
        raise InvalidInput(
            N_("Give each proposal a whole number of points, zero or more."), field="points"
        )
    for proposal_id in points:
        _known(str(proposal_id), costs, "points")
    total = sum(points.values())
    if total > allowed:
        raise InvalidInput(
            N_("You gave {total} points; you have {allowed}."),
            code="too_many_points",
            field="points",
            params={"total": total, "allowed": allowed},
        )
    return CumulativeBallot({str(k): int(v) for k, v in points.items() if v > 0})


def _choices(body: Mapping[str, object], costs: Mapping[str, int]) -> ConsentBallot:
    choices = body.get("choices")
    if not isinstance(choices, dict) or not all(c in CHOICES for c in choices.values()):
        raise InvalidInput(N_("Answer yes, no or pass for each proposal."), field="choices")
    for proposal_id in choices:
        _known(str(proposal_id), costs, "choices")
    return ConsentBallot({str(k): str(v) for k, v in choices.items() if v != "abstain"})
