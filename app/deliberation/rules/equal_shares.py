"""The Method of Equal Shares with cost utilities (Peters, Pierczyński & Skowron, 2021).

Every voter gets an equal share of the budget. A proposal is bought when its supporters can
pay for it together; each pays at most ``alpha``, and the proposal asking the least per unit
of utility (``alpha / cost``) goes first. Exact arithmetic throughout.

Voters with the same approvals pay the same, so they are grouped. A proposal's price per unit
of utility only rises from one purchase to the next (budgets only shrink), so candidates sit
in a heap under a lower bound and are re-priced only when they reach the top.

Completion ``add1`` (equalshares.net, used by Assen, Świecie and Wieliczka): raise each
voter's share by one currency unit at a time while the outcome still fits the budget; keep
the last outcome that fits. ``greedy``: fund by approvals what still fits. ``none``.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .outcome import Candidate, Reason, tie_key

__all__ = ["EqualShares", "equal_shares"]


@dataclass(frozen=True)
class EqualShares:
    funded: list[str]  # in the order bought
    paid: dict[str, Fraction]  # the most any one supporter paid for each funded proposal
    spent_on: dict[str, list[str]]  # for an unfunded proposal: what its supporters bought


class _Profile:
    """Voters grouped by identical approvals; per candidate, the groups that support it."""

    def __init__(self, candidates: Sequence[Candidate], ballots: Sequence[Collection[str]]):
        known = {c.id for c in candidates}
        groups: dict[frozenset[str], int] = {}
        for ballot in ballots:
            key = frozenset(ballot) & known
            if key:
                groups[key] = groups.get(key, 0) + 1
        self.sets = list(groups)
        self.counts = [groups[s] for s in self.sets]
        self.supporters: dict[str, list[int]] = {c.id: [] for c in candidates}
        for index, approved in enumerate(self.sets):
            for candidate_id in approved:
                self.supporters[candidate_id].append(index)
        self.approvals = {
            cid: sum(self.counts[g] for g in groups_) for cid, groups_ in self.supporters.items()
        }


def _price(
    cost: int, groups: list[int], budget: list[Fraction], counts: list[int]
) -> Fraction | None:
    """The smallest ``alpha`` with sum(min(budget, alpha)) over supporters == cost, if any."""
    members = sorted(groups, key=budget.__getitem__)
    remaining = Fraction(cost)
    count = sum(counts[g] for g in members)
    for g in members:
        if budget[g] * count >= remaining:
            return remaining / count
        remaining -= budget[g] * counts[g]
        count -= counts[g]
    return None


def _run(
    candidates: Sequence[Candidate], profile: _Profile, share: Fraction
) -> tuple[list[str], dict[str, Fraction], list[Fraction]]:
    budget = [share] * len(profile.sets)
    heap = [
        (Fraction(0), tie_key(c, profile.approvals[c.id]), c.id, c.amount_minor)
        for c in candidates
        if profile.supporters[c.id] and c.amount_minor > 0
    ]
    heapq.heapify(heap)
    funded: list[str] = []
    paid: dict[str, Fraction] = {}
    while heap:
        _bound, tie, cid, cost = heapq.heappop(heap)
        alpha = _price(cost, profile.supporters[cid], budget, profile.counts)
        if alpha is None:
            continue  # its supporters cannot afford it now, and budgets only shrink
        rho = alpha / cost
        if heap and (rho, tie) > (heap[0][0], heap[0][1]):
            heapq.heappush(heap, (rho, tie, cid, cost))
            continue
        for g in profile.supporters[cid]:
            budget[g] -= min(budget[g], alpha)
        funded.append(cid)
        paid[cid] = alpha
    return funded, paid, budget


@dataclass(slots=True)
class _Entry:
    bound: float  # a lower bound of the proposal's price per unit of utility
    tie: tuple[int, int, int]
    cost: int


_CLOSE = 1e-9  # relative: decisions closer than this are re-made in exact arithmetic


def _apart(x: float, y: float) -> bool:
    return abs(x - y) > _CLOSE * max(abs(x), abs(y), 1.0)


def _run_fast(
    candidates: Sequence[Candidate], profile: _Profile, share: Fraction
) -> list[str] | None:
    """``_run`` in floating point, certified: it returns the funded proposals only if every
    decision it made was clear by a wide margin (so exact arithmetic makes the same ones);
    otherwise ``None``, and the caller runs the exact version."""
    budget = [float(share)] * len(profile.sets)
    counts = profile.counts
    entries = {
        c.id: _Entry(0.0, tie_key(c, profile.approvals[c.id]), c.amount_minor)
        for c in candidates
        if profile.supporters[c.id] and c.amount_minor > 0
    }
    funded: list[str] = []
    while entries:
        best_id: str | None = None
        best_rho = 0.0
        best_alpha = 0.0
        for cid in sorted(entries, key=lambda k: (entries[k].bound, entries[k].tie)):
            bound, cost = entries[cid].bound, entries[cid].cost
            if best_id is not None and bound > best_rho:
                if not _apart(bound, best_rho):
                    return None
                break  # no one further down can beat the best: their prices only rose
            members = sorted(profile.supporters[cid], key=budget.__getitem__)
            remaining = float(cost)
            count = sum(counts[g] for g in members)
            alpha = None
            for g in members:
                have = budget[g] * count
                if not _apart(have, remaining):
                    return None
                if have > remaining:
                    alpha = remaining / count
                    break
                remaining -= budget[g] * counts[g]
                count -= counts[g]
            if alpha is None:
                del entries[cid]  # unaffordable now, and budgets only shrink
                continue
            rho = alpha / cost
            entries[cid].bound = rho
            if best_id is None or rho < best_rho:
                if best_id is not None and not _apart(rho, best_rho):
                    return None
                best_id, best_rho, best_alpha = cid, rho, alpha
            elif not _apart(rho, best_rho):
                return None
        if best_id is None:
            break
        for g in profile.supporters[best_id]:
            if not _apart(budget[g], best_alpha):
                return None
            budget[g] = 0.0 if budget[g] < best_alpha else budget[g] - best_alpha
        funded.append(best_id)
        del entries[best_id]
    return funded


def equal_shares(
    candidates: Sequence[Candidate],
    ballots: Sequence[Collection[str]],
    budget_minor: int,
    *,
    completion: str = "add1",
    unit_minor: int = 100,
) -> EqualShares:
    """Run MES; ``unit_minor`` is one whole currency unit (100 øre; 1 for pabulib files)."""
    profile = _Profile(candidates, ballots)
    voters = len(ballots)
    if voters == 0:
        return EqualShares([], {}, {})
    costs = {c.id: c.amount_minor for c in candidates}
    share = Fraction(budget_minor, voters)
    funded, paid, _ = _run(candidates, profile, share)
    if completion == "add1":
        reachable = {c.id for c in candidates if profile.supporters[c.id]}
        last = share
        while set(funded) != reachable:
            share += unit_minor
            # Most steps change nothing; a certified float run tells which proposals the exact
            # run would fund, in a fraction of the time (else the exact run decides).
            fast = _run_fast(candidates, profile, share)
            more = fast if fast is not None else _run(candidates, profile, share)[0]
            if sum(costs[c] for c in more) > budget_minor:
                break
            funded, last = more, share
        funded, paid, _ = _run(candidates, profile, last)  # the exact run of the outcome kept
    return EqualShares(funded, paid, _spent_on(candidates, profile, funded))


def _spent_on(
    candidates: Sequence[Candidate], profile: _Profile, funded: list[str]
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
    profile = _Profile(candidates, ballots)
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
