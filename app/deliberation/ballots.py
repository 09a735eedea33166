"""Ballots: what a member may put in for a round, checked per voting method.

A member has at most one ballot per round; a later ballot replaces the earlier one. Nobody
but the member ever sees what is in it: results and live counts only say how many have voted.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from .errors import InvalidInput
from .methods import Method
from .text import N_

__all__ = ["ApprovalBallot", "Ballot", "parse_ballot"]


@dataclass(frozen=True, slots=True)
class ApprovalBallot:
    """The proposals a member approves of (an empty ballot is a valid "none of them")."""

    approvals: frozenset[str]

    def to_json(self) -> dict[str, object]:
        return {"approvals": sorted(self.approvals)}


Ballot = ApprovalBallot


def parse_ballot(
    method: Method, body: Mapping[str, object], proposal_ids: Collection[str]
) -> Ballot:
    """Check a ballot ``body`` for ``method`` against the round's proposals."""
    if method is Method.APPROVAL:
        return _parse_approvals(body, proposal_ids)
    raise InvalidInput(
        N_("The voting method {method} is not supported yet."),
        code="method_not_supported",
        field="method",
        params={"method": method.value},
    )


def _parse_approvals(body: Mapping[str, object], proposal_ids: Collection[str]) -> ApprovalBallot:
    approvals = body.get("approvals")
    if not isinstance(approvals, list) or not all(isinstance(a, str) for a in approvals):
        raise InvalidInput(N_("approvals must be a list of proposal ids."), field="approvals")
    known = set(proposal_ids)
    for proposal_id in approvals:
        if proposal_id not in known:
            raise InvalidInput(
                N_("The ballot names a proposal that is not in this round."),
                field="approvals",
                params={"proposal_id": proposal_id},
            )
    return ApprovalBallot(frozenset(approvals))
