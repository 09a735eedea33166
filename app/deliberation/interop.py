"""Running Puljen's voting rules on a pabulib election, and a closed round as one.

The very same rule code as a workshop round; only the money unit differs (a pabulib file
counts in whole currency units, a round in øre).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .ballots import ApprovalBallot, Ballot, ConsentBallot, CumulativeBallot
from .methods import Method
from .pabulib import Instance, Project, Vote
from .rules import Candidate, Result, compute_result
from .rules.equal_shares_points import equal_shares_points
from .rules.outcome import tie_key

__all__ = ["compute_pb", "round_as_instance"]


def compute_pb(instance: Instance, method: Method, completion: str = "add1") -> Result:
    """The outcome of ``method`` on a pabulib instance (costs in the file's units).

    As in pabulib's own tools, greedy funds a project no ballot supports when money is left.
    """
    candidates = [Candidate(p.id, p.cost, p.position) for p in instance.projects]
    if method is Method.EQUAL_SHARES and instance.meta.get("vote_type") == "cumulative":
        return _equal_shares_by_points(instance, candidates, completion)
    ballots: list[Ballot] = []
    for vote in instance.votes:
        if method is Method.CUMULATIVE:
            points = vote.points or tuple(1 for _ in vote.projects)
            ballots.append(CumulativeBallot(dict(zip(vote.projects, points, strict=True))))
        else:
            ballots.append(ApprovalBallot(frozenset(vote.projects)))
    params = {"completion": completion} if method is Method.EQUAL_SHARES else {}
    return compute_result(
        method,
        budget_minor=instance.budget,
        candidates=candidates,
        ballots=ballots,
        params=params,
        unit_minor=1,
        fund_unsupported=True,
    )


def _equal_shares_by_points(
    instance: Instance, candidates: list[Candidate], completion: str
) -> Result:
    """Equal Shares on a cumulative file: supporters pay in proportion to their points, as
    pabulib's tools compute it there (``greedy``: then by points while it fits)."""
    ballots = [
        dict(zip(v.projects, v.points or tuple(1 for _ in v.projects), strict=True))
        for v in instance.votes
    ]
    funded = equal_shares_points(
        candidates,
        ballots,
        instance.budget,
        completion="add1" if completion == "add1" else "none",
        unit_minor=1,
    )
    points = {c.id: sum(b.get(c.id, 0) for b in ballots) for c in candidates}
    costs = {c.id: c.amount_minor for c in candidates}
    left = instance.budget - sum(costs[p] for p in funded)
    if completion == "greedy":
        for c in sorted(candidates, key=lambda c: (-points[c.id], *tie_key(c, points[c.id]))):
            if c.id not in funded and c.amount_minor <= left:
                funded.append(c.id)
                left -= c.amount_minor
    return Result(
        method=Method.EQUAL_SHARES,
        budget_minor=instance.budget,
        funded=tuple(funded),
        scores=points,
        spent_minor=instance.budget - left,
        leftover_minor=left,
        reasons={},
        voters=len(ballots),
    )


def round_as_instance(
    *,
    meta: Mapping[str, str],
    proposals: Sequence[tuple[str, int, str, bool]],
    ballots: Sequence[Ballot],
) -> Instance:
    """A closed round as a pabulib instance: proposals as (id, cost in øre, title, funded);
    ballots anonymous (voters numbered 1, 2, …); consent ballots as approval of their yes."""
    projects = tuple(
        Project(pid, cost, title, index, {"selected": "1" if funded else "0"})
        for index, (pid, cost, title, funded) in enumerate(proposals)
    )
    votes: list[Vote] = []
    for ballot in ballots:  # an empty ballot says nothing a .pb file can hold: left out
        number = str(len(votes) + 1)
        if isinstance(ballot, CumulativeBallot) and ballot.points:
            ids = tuple(sorted(ballot.points))
            votes.append(Vote(number, ids, tuple(ballot.points[i] for i in ids)))
        elif isinstance(ballot, ApprovalBallot) and ballot.approvals:
            votes.append(Vote(number, tuple(sorted(ballot.approvals))))
        elif isinstance(ballot, ConsentBallot):
            yes = tuple(sorted(p for p, c in ballot.choices.items() if c == "yes"))
            if yes:
                votes.append(Vote(number, yes))  # consent as approval of the yes-votes
    return Instance(dict(meta), projects, tuple(votes))
