"""Voter groups' budgets as exact lines in the share: a value at one share and a slope.

The float sweep cannot tell two prices apart when they are equal, and some are equal for a
whole range of shares (two proposals of the same cost whose supporters are short alike).
Made again in exact arithmetic, with slopes, the purchases so far tell whether such a tie
holds, breaks, or turns the other way as the share rises.

Slopes are right-hand: they say how a budget moves just above the share. A supporter
whose budget equals ``alpha`` exactly is short just above it if their budget rises more
slowly than ``alpha``, so the water-filling compares (value, slope) pairs in that order.
"""

from __future__ import annotations

import math
from fractions import Fraction

__all__ = ["Lines"]

Line = tuple[Fraction, Fraction]  # a value at the share, and how fast it rises with it


class Lines:
    """Every voter group's budget as a line, after the purchases made so far."""

    def __init__(self, share: Fraction, groups: int):
        one = (share, Fraction(1))
        self.budgets: list[Line] = [one] * groups
        # How far the share may rise before a supporter of a purchase made (or noted with
        # ``hold``) would pay differently: beyond it, these lines no longer hold.
        self.steady: Fraction | float = math.inf

    def alpha(self, cost: int, supporters: list[int], counts: list[int]) -> Line | None:
        """What each supporter pays at most, as a line: the poorest pay all they have, the
        rest the same; ``None`` if they cannot pay for it just above the share."""
        budgets = self.budgets
        need: Line = (Fraction(cost), Fraction(0))
        count = sum(counts[g] for g in supporters)
        for g in sorted(supporters, key=budgets.__getitem__):
            value, slope = budgets[g]
            if (value * count, slope * count) >= need:
                return need[0] / count, need[1] / count
            n = counts[g]
            need = (need[0] - value * n, need[1] - slope * n)
            count -= n
        return None

    def hold(self, alpha: Line, supporters: list[int]) -> None:
        """Note how far the share may rise with each supporter paying as now: all they
        have until their budget meets ``alpha``, or ``alpha`` until it meets their budget."""
        for g in supporters:
            value, slope = self.budgets[g]
            if (value, slope) < alpha and slope > alpha[1]:
                self.steady = min(self.steady, (alpha[0] - value) / (slope - alpha[1]))
            elif (value, slope) > alpha and slope < alpha[1]:
                self.steady = min(self.steady, (value - alpha[0]) / (alpha[1] - slope))

    def buy(self, cost: int, supporters: list[int], counts: list[int]) -> bool:
        """Each supporter pays ``alpha`` or all they have; ``False`` if they cannot."""
        alpha = self.alpha(cost, supporters, counts)
        if alpha is None:
            return False
        self.hold(alpha, supporters)
        budgets = self.budgets
        for g in supporters:
            value, slope = budgets[g]
            budgets[g] = (value - alpha[0], slope - alpha[1]) if budgets[g] > alpha else _NOTHING
        return True


_NOTHING: Line = (Fraction(0), Fraction(0))
