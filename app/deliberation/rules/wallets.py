"""Voter groups' budgets in exact arithmetic, fast: integers over one common denominator."""

from __future__ import annotations

import math
from fractions import Fraction

__all__ = ["Unaffordable", "Wallets"]


class Unaffordable(Exception):
    """A purchase its supporters cannot pay for. Equal Shares prices a proposal before it
    buys it, so there this is a bug; the sweep replays a float run's purchases exactly, and
    there it means the floats took for certain what was not."""


class Wallets:
    """Every voter group's budget, exactly: integers over one common denominator, which
    is much faster than a ``Fraction`` each."""

    def __init__(self, share: Fraction, groups: int):
        self.scale = share.denominator  # a budget is money / scale
        self.money = [share.numerator] * groups

    def price(self, cost: int, supporters: list[int], counts: list[int]) -> Fraction | None:
        """The smallest ``alpha`` with sum(min(budget, alpha)) over supporters == cost."""
        found = self._alpha(cost, supporters, counts)
        return None if found is None else Fraction(found[0], self.scale * found[1])

    def _alpha(self, cost: int, supporters: list[int], counts: list[int]) -> tuple[int, int] | None:
        """``alpha`` as ``need / (scale * count)``."""
        money = self.money
        need = cost * self.scale
        count = sum(counts[g] for g in supporters)
        if min(money[g] for g in supporters) * count >= need:
            return need, count  # nobody is short: the common case, with no sorting
        for g in sorted(supporters, key=money.__getitem__):
            if money[g] * count >= need:
                return need, count
            need -= money[g] * counts[g]
            count -= counts[g]
        return None

    def buy(self, cost: int, supporters: list[int], counts: list[int]) -> Fraction:
        """Each supporter pays ``alpha`` or all they have; ``alpha`` is returned.

        Raises ``Unaffordable`` if they cannot pay for it together."""
        found = self._alpha(cost, supporters, counts)
        if found is None:
            raise Unaffordable(f"{len(supporters)} voter groups cannot pay {cost}")
        need, count = found
        alpha = Fraction(need, self.scale * count)
        if count != 1:  # alpha is need / scale in the new denominator
            self.money = [m * count for m in self.money]
            self.scale *= count
        money = self.money
        for g in supporters:
            money[g] = money[g] - need if money[g] > need else 0
        common = math.gcd(self.scale, *money)
        if common > 1:
            self.money = [m // common for m in money]
            self.scale //= common
        return alpha

    def budgets(self) -> list[Fraction]:
        return [Fraction(m, self.scale) for m in self.money]
