"""The Method of Equal Shares with cost utilities (Peters, Pierczyński & Skowron, 2021).

Every voter gets an equal share of the budget. A proposal is bought when its supporters can
pay for it together; each pays at most ``alpha``, and the proposal asking the least per unit
of utility (``alpha / cost``) goes first. Exact arithmetic: budgets are integers over one
common denominator.

Voters with the same approvals pay the same, so they are grouped. A proposal's price per unit
of utility only rises from one purchase to the next (budgets only shrink), so candidates sit
in a heap under a lower bound and are re-priced only when they reach the top.

Completion ``add1`` (equalshares.net, used by Assen, Świecie and Wieliczka): raise each
voter's share by one currency unit at a time while the outcome still fits the budget; keep
the last outcome that fits. The steps are walked by ``sweep.Sweep``, which runs only where
the outcome may change and proves the rest; the outcome kept is paid out exactly.
``greedy``: fund by approvals what still fits. ``none``.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .outcome import Candidate, Reason, tie_key
from .profile import Profile
from .sweep import Sweep
from .wallets import Wallets

__all__ = ["EqualShares", "equal_shares"]


@dataclass(frozen=True)
class EqualShares:
    funded: list[str]  # in the order bought
    paid: dict[str, Fraction]  # the most any one supporter paid for each funded proposal
    spent_on: dict[str, list[str]]  # for an unfunded proposal: what its supporters bought


def _run(
    candidates: Sequence[Candidate], profile: Profile, share: Fraction
) -> tuple[list[str], dict[str, Fraction], list[Fraction]]:
    wallets = Wallets(share, len(profile.sets))
    heap = [
        # Nobody pays less per unit than when all its supporters share the cost equally.
        (
            Fraction(1, profile.approvals[c.id]),
            tie_key(c, profile.approvals[c.id]),
            c.id,
            c.amount_minor,
        )
        for c in candidates
        if profile.supporters[c.id] and c.amount_minor > 0
    ]
    heapq.heapify(heap)
    funded: list[str] = []
    paid: dict[str, Fraction] = {}
    while heap:
        _bound, tie, cid, cost = heapq.heappop(heap)
        alpha = wallets.price(cost, profile.supporters[cid], profile.counts)
        if alpha is None:
            continue  # its supporters cannot afford it now, and budgets only shrink
        rho = alpha / cost
        if heap and (rho, tie) > (heap[0][0], heap[0][1]):
            heapq.heappush(heap, (rho, tie, cid, cost))
            continue
        paid[cid] = wallets.buy(cost, profile.supporters[cid], profile.counts)
        funded.append(cid)
    return funded, paid, wallets.budgets()


def equal_shares(
    candidates: Sequence[Candidate],
    ballots: Sequence[Collection[str]],
    budget_minor: int,
    *,
    completion: str = "add1",
    unit_minor: int = 100,
) -> EqualShares:
    """Run MES; ``unit_minor`` is one whole currency unit (100 øre; 1 for pabulib files)."""
    profile = Profile(candidates, ballots)
    voters = len(ballots)
    if voters == 0:
        return EqualShares([], {}, {})
    costs = {c.id: c.amount_minor for c in candidates}
    share = Fraction(budget_minor, voters)
    if completion != "add1":
        funded, paid, _ = _run(candidates, profile, share)
        return EqualShares(funded, paid, _spent_on(candidates, profile, funded))
    reachable = {c.id for c in candidates if profile.supporters[c.id]}
    # A certified float run tells which proposals the exact run would fund, and how far the
    # share may rise with the very same purchases (those steps need no run at all); a
    # close call is left to the exact run.
    sweep = Sweep(candidates, profile)
    funded, reach = _outcome(sweep, candidates, profile, share)
    last = share
    while set(funded) != reachable and reach < math.inf:  # (else it never changes again)
        # The first step at or past ``reach``; those before it fund the same, so they fit.
        skip = max(1, math.ceil(reach / unit_minor))
        last = share + unit_minor * (skip - 1)
        share = last + unit_minor
        more, reach = _outcome(sweep, candidates, profile, share)
        if sum(costs[c] for c in more) > budget_minor:
            break
        funded, last = more, share
    return EqualShares(
        funded, _payments(funded, profile, last, costs), _spent_on(candidates, profile, funded)
    )


def _payments(
    funded: list[str], profile: Profile, share: Fraction, costs: dict[str, int]
) -> dict[str, Fraction]:
    """What each supporter paid at most for each purchase, exactly: the purchases made
    again in their known order, with no search."""
    wallets = Wallets(share, len(profile.sets))
    return {cid: wallets.buy(costs[cid], profile.supporters[cid], profile.counts) for cid in funded}


def _outcome(
    sweep: Sweep, candidates: Sequence[Candidate], profile: Profile, share: Fraction
) -> tuple[list[str], float]:
    """The proposals funded at ``share`` and how far it may rise with no change."""
    fast = sweep.at(share)
    return fast if fast is not None else (_run(candidates, profile, share)[0], 0.0)


def _spent_on(
    candidates: Sequence[Candidate], profile: Profile, funded: list[str]
) -> dict[str, list[str]]:
    """For each unfunded proposal, the funded ones its supporters also approved (most shared
    supporters first): where their shares went."""
    bought = set(funded)
    spent: dict[str, list[str]] = {}
    for candidate in candidates:
        if candidate.id in bought:
            continue
        overlap: dict[str, int] = {}
        for g in profile.supporters[candidate.id]:
            for other in profile.sets[g] & bought:
                overlap[other] = overlap.get(other, 0) + profile.counts[g]
        spent[candidate.id] = sorted(overlap, key=lambda o: (-overlap[o], funded.index(o)))
    return spent


def reasons_for(
    candidates: Sequence[Candidate],
    ballots: Sequence[Collection[str]],
    outcome: EqualShares,
) -> dict[str, Reason]:
    """One reason per proposal: who paid for it, or where its supporters' shares went."""
    profile = Profile(candidates, ballots)
    reasons: dict[str, Reason] = {}
    for candidate in candidates:
        supporters = profile.approvals[candidate.id]
        if candidate.id in outcome.paid:
            alpha = outcome.paid[candidate.id]
            reasons[candidate.id] = Reason(
                "funded_shares",
                {"supporters": supporters, "share_minor": -(-alpha.numerator // alpha.denominator)},
            )
        elif supporters == 0:
            reasons[candidate.id] = Reason("no_support", {})
        else:
            reasons[candidate.id] = Reason(
                "shares_spent",
                {"supporters": supporters, "spent_on": outcome.spent_on.get(candidate.id, [])[:2]},
            )
    return reasons
