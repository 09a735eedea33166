"""Quantities as lines in the share, and voter groups' budgets as exact lines.

The sweep (``sweep.Sweep``) follows every budget, price and payment as an affine function
of the share: a value at the run's share and a slope. ``Line`` is that pair, for floats
(the sweep's runs) and for ``Fraction`` (``Lines``, the exact check of a tie).

The float sweep cannot tell two prices apart when they are equal, and some are equal for a
whole range of shares (two proposals of the same cost whose supporters are short alike).
Made again in exact arithmetic, with slopes, the purchases so far tell whether such a tie
holds, breaks, or turns the other way as the share rises.

Slopes are right-hand: they say how a budget moves just above the share. A supporter
whose budget equals ``alpha`` exactly is short just above it if their budget rises more
slowly than ``alpha``, so the water-filling compares lines as (value, slope) pairs, in that
order: the larger just above the share is the larger.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Generic, NamedTuple, Protocol, Self, TypeVar

__all__ = ["Line", "Lines"]


class _Number(Protocol):
    """``float`` or ``Fraction``: what a line is made of."""

    def __add__(self, other: Self, /) -> Self: ...
    def __sub__(self, other: Self, /) -> Self: ...
    def __mul__(self, other: Self | int, /) -> Self: ...
    def __truediv__(self, other: int, /) -> Self: ...


N = TypeVar("N", bound=_Number)


class Line(NamedTuple, Generic[N]):
    """A value at the share and how fast it rises with it (per unit of share).

    A tuple, so lines order as (value, slope): which is larger just above the share."""

    value: N
    slope: N

    def at(self, d: N) -> Line[N]:
        """The same line, seen from ``d`` further up the share."""
        return Line(self.value + self.slope * d, self.slope)

    def minus(self, other: Line[N]) -> Line[N]:
        return Line(self.value - other.value, self.slope - other.slope)

    def times(self, k: int) -> Line[N]:
        return Line(self.value * k, self.slope * k)

    def over(self, k: int) -> Line[N]:
        return Line(self.value / k, self.slope / k)


class Lines:
    """Every voter group's budget as an exact line, after the purchases made so far."""

    def __init__(self, share: Fraction, groups: int):
        self.budgets: list[Line[Fraction]] = [Line(share, Fraction(1))] * groups
        # How far the share may rise before a supporter of a purchase made (or noted with
        # ``hold``) would pay differently: beyond it, these lines no longer hold.
        self.steady: Fraction | float = math.inf

    def alpha(self, cost: int, supporters: list[int], counts: list[int]) -> Line[Fraction] | None:
        """What each supporter pays at most, as a line: the poorest pay all they have, the
        rest the same; ``None`` if they cannot pay for it just above the share."""
        budgets = self.budgets
        need = Line(Fraction(cost), Fraction(0))
        count = sum(counts[g] for g in supporters)
        for g in sorted(supporters, key=budgets.__getitem__):
            if budgets[g].times(count) >= need:
                return need.over(count)
            n = counts[g]
            need = need.minus(budgets[g].times(n))
            count -= n
        return None

    def hold(self, alpha: Line[Fraction], supporters: list[int]) -> None:
        """Note how far the share may rise with each supporter paying as now: all they
        have until their budget meets ``alpha``, or ``alpha`` until it meets their budget."""
        for g in supporters:
            budget = self.budgets[g]
            if (budget < alpha and budget.slope > alpha.slope) or (
                budget > alpha and budget.slope < alpha.slope
            ):
                meets = (alpha.value - budget.value) / (budget.slope - alpha.slope)
                self.steady = min(self.steady, meets)

    def buy(self, cost: int, supporters: list[int], counts: list[int]) -> bool:
        """Each supporter pays ``alpha`` or all they have; ``False`` if they cannot."""
        alpha = self.alpha(cost, supporters, counts)
        if alpha is None:
            return False
        self.hold(alpha, supporters)
        budgets = self.budgets
        for g in supporters:
            budgets[g] = budgets[g].minus(alpha) if budgets[g] > alpha else _NOTHING
        return True


_NOTHING = Line(Fraction(0), Fraction(0))
