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
    exact: Fraction | None = None  # the bound exactly, when nobody was short: 1 / supporters


_CLOSE = 1e-9  # relative: decisions closer than this are re-made in exact arithmetic


def _apart(x: float, y: float) -> bool:
    return abs(x - y) > _CLOSE * max(abs(x), abs(y), 1.0)


def _cheaper(
    a: tuple[float, Fraction | None, tuple[int, int, int]],
    b: tuple[float, Fraction | None, tuple[int, int, int]],
) -> bool | None:
    """Is price ``a`` below ``b`` (ties by the tie key)? ``None`` if floats cannot tell.

    Equal prices are common: when no supporter is short, the price is exactly 1/supporters,
    so two such proposals compare exactly.
    """
    if _apart(a[0], b[0]):
        return a[0] < b[0]
    if a[1] is not None and b[1] is not None:
        return (a[1], a[2]) < (b[1], b[2])
    return None


def _run_fast(
    candidates: Sequence[Candidate], profile: _Profile, share: Fraction, track: bool = True
) -> tuple[list[str], float] | None:
    """``_run`` in floating point, certified, and how far the share may rise with nothing
    decided differently.

    Every budget, price and payment here is an affine function of the share ``e`` (a value
    and a slope), for as long as every comparison made comes out the same. The run returns
    the funded proposals and the distance to the nearest ``e`` where one comparison would
    flip, or ``None`` if any decision was too close to call in floating point (then the
    caller runs the exact version). Without ``track`` it skips that bookkeeping (reach 0).
    """
    budget = [float(share)] * len(profile.sets)
    slope = [1.0] * len(profile.sets)
    counts = profile.counts
    entries = {
        c.id: _Entry(0.0, tie_key(c, profile.approvals[c.id]), c.amount_minor)
        for c in candidates
        if profile.supporters[c.id] and c.amount_minor > 0
    }
    bound_slope: dict[str, float] = dict.fromkeys(entries, 0.0)
    fuzzy: set[int] = set()
    # Money never exceeds everyone's share together: one absolute tolerance for it.
    money_close = _CLOSE * max(float(share) * sum(counts), 1.0)
    reach = float("inf")

    def keep(value: float, rate: float) -> None:
        """Note where ``value + rate * d`` changes sign, for d > 0."""
        nonlocal reach
        if value * rate < 0:
            reach = min(reach, -value / rate)

    funded: list[str] = []
    while entries:
        best_id: str | None = None
        best = (0.0, 0.0, 0.0, 0.0)  # rho, rho slope, alpha, alpha slope
        best_key: tuple[float, Fraction | None, tuple[int, int, int]] = (0.0, None, (0, 0, 0))
        for cid in sorted(entries, key=lambda k: (entries[k].bound, entries[k].tie)):
            entry = entries[cid]
            if best_id is not None and entry.bound > best[0] and _apart(entry.bound, best[0]):
                break  # no one further down can beat the best: their prices only rose
            members = sorted(profile.supporters[cid], key=budget.__getitem__)
            need, need_rate = float(entry.cost), 0.0
            count = profile.approvals[cid]
            # Whether its supporters can pay for it decides the outcome: that must be clear.
            # Who among them is short only shapes alpha, which moves continuously: a near tie
            # there goes either way with the same alpha.
            spare = sum(budget[g] * counts[g] for g in members) - need
            if -money_close < spare < money_close:
                return None
            alpha: tuple[float, float] | None = None
            exact: Fraction | None = None
            paid_up = True  # so far only supporters with nothing left, exactly nothing
            for g in members if spare > 0 else ():
                have = budget[g] * count
                if have >= need:
                    alpha = (need / count, need_rate / count)
                    # Everyone with money left pays alpha: the price is exactly 1/payers.
                    clearly = paid_up and have - need > money_close
                    exact = Fraction(1, count) if clearly else None
                    break
                paid_up = paid_up and budget[g] == 0.0 and g not in fuzzy
                need -= budget[g] * counts[g]
                need_rate -= slope[g] * counts[g]
                count -= counts[g]
            if alpha is None:
                if track:
                    total = sum(budget[g] * counts[g] for g in members)
                    total_rate = sum(slope[g] * counts[g] for g in members)
                    keep(total - entry.cost, total_rate)
                del entries[cid]
                continue
            if track:
                for g in members:  # who pays all they have, who pays alpha: unchanged
                    keep(budget[g] - alpha[0], slope[g] - alpha[1])
            rho = (alpha[0] / entry.cost, alpha[1] / entry.cost)
            entry.bound, entry.exact = rho[0], exact
            bound_slope[cid] = rho[1]
            key = (rho[0], exact, entry.tie)
            cheaper = True if best_id is None else _cheaper(key, best_key)
            if cheaper is None:
                return None
            if cheaper:
                best_id, best, best_key = cid, (rho[0], rho[1], alpha[0], alpha[1]), key
        if best_id is None:
            break
        for cid in entries if track else ():  # the best stays ahead of every other price
            if cid != best_id:
                keep(entries[cid].bound - best[0], bound_slope[cid] - best[1])
        for g in profile.supporters[best_id]:
            if -money_close < budget[g] - best[2] < money_close:
                fuzzy.add(g)  # exactly zero or a crumb left: no exact claims about it
            if budget[g] <= best[2]:
                budget[g], slope[g] = 0.0, 0.0
            else:
                budget[g], slope[g] = budget[g] - best[2], slope[g] - best[3]
        funded.append(best_id)
        del entries[best_id]
    return funded, reach if track else 0.0


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
        skip = 1
        untracked = 0  # where steps rarely repeat, skip the bookkeeping for a while
        while set(funded) != reachable:
            share += unit_minor * skip
            # A certified float run tells which proposals the exact run would fund, and how
            # many further steps would fund the very same ones (so they need no run at all);
            # a close call is left to the exact run.
            fast = _run_fast(candidates, profile, share, track=untracked == 0)
            untracked = max(0, untracked - 1)
            if fast is None:
                more, skip = _run(candidates, profile, share)[0], 1
            else:
                more, reach = fast
                skip = max(1, int(reach * (1 - 1e-6) / unit_minor)) if reach < 1e18 else 1
                if skip == 1 and untracked == 0 and reach > 0:
                    untracked = 8
            if sum(costs[c] for c in more) > budget_minor:
                break
            funded, last = more, share + unit_minor * (skip - 1)
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
