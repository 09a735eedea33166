"""The Method of Equal Shares with points as utilities (a cumulative ballot's points), as
pabulib's research tools compute it for cumulative elections ("additive cardinal" utility).

Every voter gets an equal share; a proposal's supporters pay in proportion to the points
they gave it: each pays ``min(budget, rho * points)``, and the proposal with the least
``rho`` goes first. Exact arithmetic. Puljen's own cumulative rounds fund by points (greedy);
this is for reading cumulative pabulib files with ``--method equal_shares``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

from .outcome import Candidate, tie_key

__all__ = ["equal_shares_points"]


def _run(
    candidates: Sequence[Candidate],
    groups: list[tuple[dict[str, int], int]],  # (points by proposal, how many voters)
    share: Fraction,
) -> list[str]:
    """One run at ``share``. Budgets are integers over one denominator (``scale``), so the
    many comparisons are integer ones; ``rho`` is a Fraction only when it is found."""
    scale = share.denominator
    money = [share.numerator] * len(groups)  # a budget is money / scale
    supporters = {
        c.id: [
            (g, points[c.id], n) for g, (points, n) in enumerate(groups) if points.get(c.id, 0) > 0
        ]
        for c in candidates
    }
    totals = {cid: sum(u * n for _g, u, n in sup) for cid, sup in supporters.items()}
    left = [c for c in candidates if supporters[c.id] and c.amount_minor > 0]
    funded: list[str] = []
    while left:
        best: tuple[Fraction, tuple[int, int, int], Candidate] | None = None
        still: list[Candidate] = []
        for c in left:
            rho = _rho(c.amount_minor * scale, supporters[c.id], money)
            if rho is None:
                continue  # its supporters cannot pay for it now, and budgets only shrink
            still.append(c)
            key = (rho, tie_key(c, totals[c.id]), c)
            if best is None or key[:2] < best[:2]:
                best = key
        if best is None:
            break
        rho, _tie, chosen = best
        # Each pays rho * points (in units of 1/scale): rescale so that is a whole number.
        factor = rho.denominator
        if factor != 1:
            money = [m * factor for m in money]
            scale *= factor
        for g, u, _n in supporters[chosen.id]:
            pay = rho.numerator * u
            money[g] = money[g] - pay if money[g] > pay else 0
        funded.append(chosen.id)
        left = [c for c in still if c.id != chosen.id]
    return funded


def _rho(need: int, supporters: list[tuple[int, int, int]], money: list[int]) -> Fraction | None:
    """The least ``rho`` (in units of 1/scale) with sum(min(money, rho * points)) == need."""
    if sum(money[g] * n for g, _u, n in supporters) < need:
        return None
    weight = sum(u * n for _g, u, n in supporters)
    # By money per point, the poorest first: money / u, compared as money * (lcm / u).
    common = math.lcm(*(u for _g, u, _n in supporters))
    for g, u, n in sorted(supporters, key=lambda s: money[s[0]] * (common // s[1])):
        if need * u <= money[g] * weight:  # rho = need / weight is within this one's money
            return Fraction(need, weight)
        need -= money[g] * n
        weight -= u * n
    return Fraction(need, weight) if weight else None


def equal_shares_points(
    candidates: Sequence[Candidate],
    ballots: Sequence[Mapping[str, int]],
    budget_minor: int,
    *,
    completion: str = "add1",
    unit_minor: int = 1,
) -> list[str]:
    """The proposals funded, in the order bought; ``add1`` as for approval ballots."""
    if not ballots:
        return []
    counted: dict[tuple[tuple[str, int], ...], int] = {}
    for ballot in ballots:
        key = tuple(sorted((p, n) for p, n in ballot.items() if n > 0))
        counted[key] = counted.get(key, 0) + 1
    groups = [(dict(key), n) for key, n in counted.items()]
    costs = {c.id: c.amount_minor for c in candidates}
    reachable = {c.id for c in candidates if any(c.id in points for points, _n in groups)}
    share = Fraction(budget_minor, len(ballots))
    funded = _run(candidates, groups, share)
    if completion != "add1":
        return funded
    while set(funded) != reachable:
        share += unit_minor
        more = _run(candidates, groups, share)
        if sum(costs[p] for p in more) > budget_minor:
            break
        funded = more
    return funded
