"""Equal Shares at many shares in a row, for the ``add1`` completion: certified and resumable.

``add1`` needs the outcome at every share from ``budget / voters`` upwards, one currency unit
at a time, until it no longer fits. An exact run at every step is slow, and needless: the
outcome changes at only a few shares. So a run here is in floating point, and

* **certified**: a decision too close to call in floating point makes the run give up
  (``None``), and the caller runs the exact version instead;
* **parametric**: every budget, price and payment is an affine function of the share ``e``
  (a value and a slope) for as long as every comparison that decides the outcome comes out
  the same, so a run also knows the share up to which nothing it decided can change;
* **resumable**: each purchase keeps a checkpoint of the state before it and the share up
  to which its own decisions hold. At a higher share the run starts again from the first
  purchase whose decisions may have changed, not from scratch.
* **exact at ties**: two prices too close to call are compared exactly, and as exact lines
  (``lines.Lines``), so a tie that lasts for many shares is followed, not re-run at each.

A line is a ``lines.Line`` (a value at the run's share and a slope), in floats here and in
fractions in ``lines.Lines``. Only what the hot loop reads again and again is kept flat, value
and slope side by side: budgets as two parallel lists (``budget``, ``slope``), summed in C,
and the price bounds of the proposals still in a run (``bound``, ``rate``), sorted at every
purchase. A ``Line`` for each made the runs a fifth to a quarter slower.

Within one run budgets only rise with ``e`` (no slope is negative), so a proposal's price
only falls, and it falls ever more slowly (it is convex in ``e``, as the lower edge of a
convex set): the line through its price now stays below its price later. A priced line is
therefore a lower bound for as long as the run's decisions hold, so only the bought
proposal's own line must be exact, and a proposal its supporters cannot afford matters only
from where they could afford it at a winning price. The invariants, why a price is convex,
and what each tolerance below guards: docs/equal-shares-sweep.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from operator import attrgetter, mul

from .lines import Line, Lines
from .outcome import Candidate, tie_key
from .profile import Profile
from .wallets import Unaffordable, Wallets

__all__ = ["Sweep"]

_CLOSE = 1e-9  # relative: decisions closer than this are re-made in exact arithmetic
# A price per unit is alpha / cost with alpha <= cost, so in [0, 1]: two prices, or a price
# and a bound, within _CLOSE of each other relative to the larger (or to 1) are within
# 2 * _CLOSE absolutely. Tested that way in the hot loops, the test errs on the careful side.
_TIED = 2 * _CLOSE
_MARGIN = 1 - 1e-6  # how much of a computed reach is trusted
_NEVER = float("inf")


def _sign_change(value: float, rate: float) -> float:
    """The least d > 0 where ``value + rate * d`` changes sign or leaves zero, if any."""
    if value * rate < 0:
        return -value / rate
    return 0.0 if value == 0 and rate != 0 else _NEVER


def _apart(x: float, y: float) -> bool:
    return abs(x - y) > _CLOSE * max(abs(x), abs(y), 1.0)


def _cheaper(
    a: tuple[float, int | None, tuple[int, int, int]],
    b: tuple[float, int | None, tuple[int, int, int]],
) -> bool | None:
    """Is price ``a`` below ``b`` (ties by the tie key)? ``None`` if floats cannot tell.

    Equal prices are common: when no supporter is short, the price is exactly 1/payers
    (the middle item, when known), so two such proposals compare exactly.
    """
    if _apart(a[0], b[0]):
        return a[0] < b[0]
    if a[1] is not None and b[1] is not None:
        return a[1] > b[1] if a[1] != b[1] else a[2] < b[2]
    return None


@dataclass(frozen=True, slots=True)
class _Proposal:
    id: str
    cost: int
    tie: tuple[int, int, int]
    supporters: list[int]  # voter groups
    weights: list[int] | None  # how many voters in each of those groups; None: one each
    approvals: int
    alike: Line[float]  # what each supporter pays when none is short: cost / approvals

    def money(self, budget: list[float]) -> float:
        """What its supporters have together (summed in C: this is the hot loop)."""
        have = map(budget.__getitem__, self.supporters)
        total: float = sum(have) if self.weights is None else sum(map(mul, have, self.weights))
        return total


@dataclass(slots=True)
class _Checkpoint:
    """The state before one purchase, at share ``at``, and the share up to which the
    decisions of that purchase hold (``until``)."""

    at: float
    budget: list[float]
    slope: list[float]
    alive: list[tuple[_Proposal, float, float]]  # with its price bound: value and slope
    fuzzy: set[int]  # voter groups left with a crumb or exactly nothing: no exact claims
    spent: set[int]  # voter groups that have paid for something: not exactly the share
    last: Line[float]  # the previous purchase's price per unit
    until: float = _NEVER


@dataclass(slots=True)
class _Priced:
    """A proposal still in the run, with a lower bound of its price per unit (a line)."""

    proposal: _Proposal
    bound: float
    rate: float  # the bound's slope
    tie: tuple[int, int, int]
    payers: int | None = None  # when last priced: how many pay alike, if certain


_ORDER = attrgetter("bound", "tie")  # cheapest bound first, ties as the rules break them


@dataclass(slots=True)
class _Drop:
    """A proposal its supporters could not afford before purchase ``step``."""

    step: int
    proposal: _Proposal
    soonest: float  # the share from which they could afford it at all
    until: float = _NEVER  # the share from which it might be bought in this run


class Sweep:
    """Runs at rising shares; ``at(share)`` gives the proposals funded and how far the
    share may rise with the very same purchases, or ``None`` for a close call."""

    def __init__(self, candidates: Sequence[Candidate], profile: Profile):
        self.counts = profile.counts
        self.proposals = [
            _Proposal(
                c.id,
                c.amount_minor,
                tie_key(c, profile.approvals[c.id]),
                profile.supporters[c.id],
                _weights([profile.counts[g] for g in profile.supporters[c.id]]),
                profile.approvals[c.id],
                Line(c.amount_minor / profile.approvals[c.id], 0.0),
            )
            for c in candidates
            if profile.supporters[c.id] and c.amount_minor > 0
        ]
        self.by_id = {p.id: p for p in self.proposals}
        self.checkpoints: list[_Checkpoint] = []
        self.drops: list[_Drop] = []
        self.funded: list[str] = []

    def _first_changed(self, e: float) -> int | None:
        """The first purchase whose decisions may differ at ``e``, or ``None`` if none may."""
        if not self.checkpoints:
            return 0
        step = next(
            (i for i, c in enumerate(self.checkpoints) if c.until <= e), len(self.checkpoints)
        )
        step = min([step, *(d.step for d in self.drops if d.until <= e)])
        return None if step == len(self.checkpoints) else step

    def _restart(self, step: int, e: float) -> _Checkpoint:
        """The state before purchase ``step`` at share ``e``; what came after it is dropped."""
        if not self.checkpoints:
            everyone = [(p, 1 / p.approvals, 0.0) for p in self.proposals]
            groups = len(self.counts)
            nothing = Line(0.0, 0.0)
            return _Checkpoint(e, [e] * groups, [1.0] * groups, everyone, set(), set(), nothing)
        old = self.checkpoints[step]
        del self.checkpoints[step:]
        del self.funded[step:]
        self.drops = [d for d in self.drops if d.step < step]
        d = e - old.at
        return _Checkpoint(
            e,
            [b + s * d for b, s in zip(old.budget, old.slope, strict=True)],
            old.slope[:],
            [(p, bound + rate * d, rate) for p, bound, rate in old.alive],
            set(old.fuzzy),
            set(old.spent),
            old.last.at(d),
        )

    def at(self, share: Fraction) -> tuple[list[str], float] | None:
        e = float(share)
        step = self._first_changed(e)
        if step is None:  # nothing decided differently at this share
            return list(self.funded), self._until() - e
        while True:
            outcome = self._run(self._restart(step, e), e, share)
            # A proposal dropped before this run's first purchase was bounded against the
            # purchases after it in an earlier run; bounded again against this run's, it may
            # be bought at this very share: then run again from where it was dropped.
            again = [d.step for d in self.drops if d.until <= e]
            if outcome is None or not again:
                return outcome
            if min(again) >= step:  # cannot happen but for rounding: leave it to exact
                self.checkpoints, self.drops, self.funded = [], [], []
                return None
            step = min(again)

    def _run(self, state: _Checkpoint, e: float, share: Fraction) -> tuple[list[str], float] | None:
        """Purchases from ``state`` on, at share ``e``, each kept as a checkpoint."""
        counts = self.counts
        budget, slope = state.budget[:], state.slope[:]
        fuzzy, spent = set(state.fuzzy), set(state.spent)
        alive = {p.id: _Priced(p, bound, rate, p.tie) for p, bound, rate in state.alive}
        last = state.last
        # Money never exceeds everyone's share together: one absolute tolerance for it.
        money_close = _CLOSE * max(e * sum(counts), 1.0)
        first: _Checkpoint | None = state  # the state before this purchase, kept as is
        while alive:
            step = len(self.funded)
            if first is None:
                snapshot = [(a.proposal, a.bound, a.rate) for a in alive.values()]
                first = _Checkpoint(e, budget[:], slope[:], snapshot, set(fuzzy), set(spent), last)
            self.checkpoints.append(first)
            first = None
            reach = _NEVER  # how far the share may rise with this purchase's decisions held
            best: _Priced | None = None
            best_alpha = Line(0.0, 0.0)  # what each supporter of the best pays at most
            best_bound = 0.0  # its price per unit
            best_key: tuple[float, int | None, tuple[int, int, int]] = (0.0, None, (0, 0, 0))
            for item in sorted(alive.values(), key=_ORDER):
                proposal = item.proposal
                if best is not None and item.bound - best_bound > _TIED:
                    break  # no one further down can beat the best: prices only rose
                members = proposal.supporters
                # Whether its supporters can pay for it decides the outcome: that must be
                # clear. Who among them is short only shapes alpha, which moves
                # continuously: a near tie there goes either way with the same alpha.
                spare = proposal.money(budget) - proposal.cost
                alpha: Line[float] | None = None
                payers: int | None = None
                if -money_close < spare < money_close:
                    if not spent.isdisjoint(members):
                        self._give_up(step, e)
                        return None
                    # Nobody has paid yet: each holds exactly the share. Compare exactly.
                    gap = share * proposal.approvals - proposal.cost
                    spare = float(gap) if gap < 0 else 0.0
                    if gap >= 0:  # all pay the same, exactly cost / supporters
                        alpha = proposal.alike
                        payers = proposal.approvals
                elif spare > 0:
                    alpha, payers = _water(proposal, budget, slope, counts, fuzzy, money_close)
                if alpha is None:
                    rate = proposal.money(slope)
                    soonest = e - spare / rate * _MARGIN if rate > 0 else _NEVER
                    self.drops.append(_Drop(step, proposal, soonest))
                    del alive[proposal.id]
                    continue
                item.bound, item.rate = alpha.value / proposal.cost, alpha.slope / proposal.cost
                item.payers = payers
                key = (item.bound, payers, proposal.tie)
                cheaper = True if best is None else _cheaper(key, best_key)
                if cheaper is None and best is not None:  # too close for floats: exactly
                    cheaper = self._cheaper_exactly(share, proposal, best.proposal)
                if cheaper is None:
                    self._give_up(step, e)
                    return None
                if cheaper:
                    best, best_alpha, best_bound, best_key = item, alpha, item.bound, key
            if best is None:
                break  # nothing affordable: the run ends here
            best_price = Line(best.bound, best.rate)  # per unit
            rho, rho_rate = best_price  # the lines as locals: read in the loops below
            pay, pay_rate = best_alpha
            del alive[best.proposal.id]
            for g in best.proposal.supporters:  # who pays all they have, who pays alpha
                value, rate = budget[g] - pay, slope[g] - pay_rate
                if value * rate <= 0 and rate != 0:
                    reach = min(reach, _sign_change(value, rate))
            # The best stays ahead of every other price. Lines first, nearest first: only
            # where one would cross sooner than anything else is it worth a closer look.
            soon = []
            for other in alive.values():
                value, rate = other.bound - rho, other.rate - rho_rate
                if -_TIED <= value <= _TIED and (other.payers is None or best_key[1] is None):
                    # Tied to within rounding: how far the best stays ahead, from both
                    # prices as exact lines.
                    tie = self._tie_reach(share, best.proposal, other.proposal)
                    if tie is None:
                        self._give_up(step, e)
                        return None
                    reach = min(reach, tie)
                elif value * rate < 0:
                    soon.append((-value / rate, other))
                elif value == 0 and rate != 0:
                    reach = 0.0  # tied now, and apart from here on: no claims
            soon.sort(key=lambda pair: pair[0])
            for d, other in soon:
                if d >= reach:
                    break
                reach = min(
                    reach,
                    _overtakes(
                        other, best_price, budget, slope, counts, fuzzy, money_close, d, reach
                    ),
                )
            for g in best.proposal.supporters:
                if -money_close < budget[g] - pay < money_close:
                    fuzzy.add(g)  # exactly zero or a crumb left: no exact claims about it
                spent.add(g)
                if budget[g] <= pay:
                    budget[g], slope[g] = 0.0, 0.0
                else:
                    budget[g], slope[g] = budget[g] - pay, slope[g] - pay_rate
            self.checkpoints[-1].until = e + reach * _MARGIN
            self.funded.append(best.proposal.id)
            last = best_price
        self._bound_drops(e, budget, slope, last)
        return list(self.funded), self._until() - e

    def _until(self) -> float:
        """The share from which some decision of the last run may come out differently."""
        return min(
            min((c.until for c in self.checkpoints), default=_NEVER),
            min((d.until for d in self.drops), default=_NEVER),
        )

    def _bound_drops(
        self, e: float, budget: list[float], slope: list[float], last: Line[float]
    ) -> None:
        """From which share each dropped proposal might be bought in this run.

        Dropped before purchase ``step``, it could be bought instead of a later purchase
        only at no more than that purchase's price per unit, with what its supporters had
        before it; after the last purchase, with what they have left. None of these can
        come before they could afford it at all (``soonest``).
        """
        counts = self.counts
        limit = min((c.until for c in self.checkpoints), default=_NEVER)
        near = []
        for drop in self.drops:  # most cannot matter before the limit: no sorting for them
            if drop.soonest >= limit:
                drop.until = drop.soonest
            else:
                near.append(drop)
        for drop in sorted(near, key=lambda d: d.soonest):
            if drop.soonest >= limit:
                drop.until = drop.soonest
                continue
            proposal, cost = drop.proposal, float(drop.proposal.cost)
            left = [(budget[g], slope[g], counts[g]) for g in proposal.supporters]
            until = e + _affordable_in(left, cost, None) * _MARGIN
            for step in range(drop.step, len(self.funded)):
                if until <= drop.soonest:
                    break
                then = self.checkpoints[step]
                d = e - then.at
                money = [
                    (then.budget[g] + then.slope[g] * d, then.slope[g], counts[g])
                    for g in proposal.supporters
                ]
                if e + _affordable_in(money, cost, None) * _MARGIN >= until:
                    break  # nor later: there is only less money after more purchases
                if step + 1 < len(self.checkpoints):  # its price, as of the next checkpoint
                    after = self.checkpoints[step + 1]
                    price = after.last.at(e - after.at)
                else:
                    price = last
                until = min(until, e + _affordable_in(money, cost, price) * _MARGIN)
            drop.until = until
            limit = min(limit, until)

    def _cheaper_exactly(self, share: Fraction, a: _Proposal, b: _Proposal) -> bool | None:
        """Is ``a`` cheaper per unit than ``b`` now (ties by the tie key), in exact
        arithmetic? The purchases so far are certain, so they are made again exactly and
        both are priced; ``None`` if that does not agree with the floats."""
        wallets = Wallets(share, len(self.counts))
        try:
            for bought in self.funded:
                p = self.by_id[bought]
                wallets.buy(p.cost, p.supporters, self.counts)
        except Unaffordable:
            return None
        price_a = wallets.price(a.cost, a.supporters, self.counts)
        price_b = wallets.price(b.cost, b.supporters, self.counts)
        if price_a is None or price_b is None:
            return None
        return (price_a / a.cost, a.tie) < (price_b / b.cost, b.tie)

    def _tie_reach(self, share: Fraction, best: _Proposal, other: _Proposal) -> float | None:
        """How far the share may rise before ``other`` could beat ``best``, whose prices are
        too close for floats: both as exact lines from the purchases so far made again.
        ``None`` if, exactly, ``best`` is not ahead: the floats got it wrong.

        ``other``'s price is convex in the share, so it never falls below its line; the
        best's price is its line for as long as who pays what, for it and for the purchases
        before it, holds (``Lines.steady``). So where the lines do not cross, the best stays
        ahead (a tie goes to it by the tie key); where they do, that is the limit."""
        lines = Lines(share, len(self.counts))
        counts = self.counts
        for bought in self.funded:
            p = self.by_id[bought]
            if not lines.buy(p.cost, p.supporters, counts):
                return None
        mine = lines.alpha(best.cost, best.supporters, counts)
        theirs = lines.alpha(other.cost, other.supporters, counts)
        if mine is None:
            return None
        if theirs is None:
            return 0.0  # exactly unaffordable just above the share: no claims about later
        lines.hold(mine, best.supporters)
        value, rate = theirs.over(other.cost).minus(mine.over(best.cost))
        if value < 0 or (value == 0 and other.tie < best.tie):
            return None
        crossing = _NEVER if rate >= 0 else value / -rate
        return float(min(crossing, lines.steady))

    def _give_up(self, step: int, e: float) -> None:
        """A close call in purchase ``step``: the caller runs the exact version. What came
        before that purchase still holds; the next run starts again from it."""
        self.checkpoints[step].until = e
        del self.checkpoints[step + 1 :]
        self.drops = [d for d in self.drops if d.step < step]
        for drop in self.drops:  # not bounded in this run: the earliest it could matter
            drop.until = min(drop.until, drop.soonest)


def _weights(counts: list[int]) -> list[int] | None:
    return None if all(n == 1 for n in counts) else counts


def _water(
    proposal: _Proposal,
    budget: list[float],
    slope: list[float],
    counts: list[int],
    fuzzy: set[int],
    money_close: float,
    d: float = 0.0,
) -> tuple[Line[float], int | None]:
    """What each supporter pays at most (``alpha``, a line) for a proposal they can afford,
    at ``d`` past the run's share: the poorest pay all they have, the rest the same. Also
    how many pay ``alpha``, if that is certain (then the price per unit is 1/payers)."""
    supporters, count = proposal.supporters, proposal.approvals
    if d:
        have = [budget[g] + slope[g] * d for g in supporters]
        poorest = min(have)
    else:
        poorest = min(map(budget.__getitem__, supporters))
    if poorest * count >= proposal.cost:  # nobody is short: the common case, with no sorting
        payers = count if poorest * count - proposal.cost > money_close else None
        return proposal.alike, payers
    if not d:
        have = list(map(budget.__getitem__, supporters))
    need, need_rate = float(proposal.cost), 0.0
    paid_up = True  # so far only supporters with nothing left, exactly nothing
    for i in sorted(range(len(have)), key=have.__getitem__):
        g = supporters[i]
        if have[i] * count >= need:
            payers = count if paid_up and have[i] * count - need > money_close else None
            return Line(need / count, need_rate / count), payers
        paid_up = paid_up and have[i] == 0.0 and g not in fuzzy
        need -= have[i] * counts[g]
        need_rate -= slope[g] * counts[g]
        count -= counts[g]
    # Only rounding can get here, as the caller saw they can afford it: the richest pay.
    return Line(have[i], slope[g]), None


def _overtakes(
    other: _Priced,
    best: Line[float],
    budget: list[float],
    slope: list[float],
    counts: list[int],
    fuzzy: set[int],
    money_close: float,
    d: float,
    limit: float,
) -> float:
    """How far the share may rise before ``other`` could beat the best in this purchase: at
    least ``d``, where its (maybe stale) bound's line meets the best's price. Its price now
    is no lower, and meets it later or never; if its supporters cannot afford it now, it
    could win only once they could at no more than the best's price per unit."""
    proposal = other.proposal
    money = proposal.money(budget)
    if money - proposal.cost <= money_close:
        lines = [(budget[g], slope[g], counts[g]) for g in proposal.supporters]
        return _affordable_in(lines, proposal.cost, best)
    alpha, _payers = _water(proposal, budget, slope, counts, fuzzy, money_close)
    other.bound, other.rate = alpha.value / proposal.cost, alpha.slope / proposal.cost
    value, rate = other.bound - best.value, other.rate - best.slope
    if value <= 0:
        return 0.0  # a tie now: no claims
    if rate >= 0:
        return _NEVER
    return _crossing(proposal, budget, slope, counts, best, -value / rate, limit)


def _crossing(
    proposal: _Proposal,
    budget: list[float],
    slope: list[float],
    counts: list[int],
    best: Line[float],
    d: float,
    limit: float,
) -> float:
    """Where a proposal's price per unit first falls to the best's line, from ``d``, where
    the tangent to its price there meets that line. Its price is convex in the share, so
    each tangent meets the line no later than the price does (Newton's method, from below).
    Stops at ``limit``: beyond it, it does not matter."""
    for _ in range(4):
        if d >= limit:
            break
        alpha, _payers = _water(proposal, budget, slope, counts, set(), 0.0, d)
        gap = alpha.value / proposal.cost - (best.value + best.slope * d)
        closing = best.slope - alpha.slope / proposal.cost
        if not _apart(gap, 0.0) or gap < 0:
            break
        if closing <= 0:
            return _NEVER  # it falls no faster than the best, now and (convex) later
        d += gap / closing
    return d


def _affordable_in(
    money: list[tuple[float, float, int]], cost: float, price: Line[float] | None
) -> float:
    """The least d ≥ 0 at which supporters with budgets ``b + s·d`` (``n`` of each) could pay
    ``cost`` together at no more than ``price`` per unit (``None``: at any price), so each
    paying at most ``price · cost``, a line too.

    Money within rounding of the cost counts as enough: it may be exactly enough (two
    proposals priced alike by the same short supporters meet a cap exactly, for a whole
    range of shares), and an answer too early only costs another run."""
    need = cost - _CLOSE * max(cost, 1.0)
    if price is None:
        total = sum(b * n for b, _s, n in money)
        rate = sum(s * n for _b, s, n in money)
        if total >= need:
            return 0.0
        return (need - total) / rate if rate > 0 else _NEVER
    # Each supporter pays min(b + s·d, cap); the sum is piecewise linear in d. Walk it.
    top, top_rate = price.value * cost, price.slope * cost  # the cap
    value, rate = 0.0, 0.0
    switches: list[tuple[float, float]] = []  # where a supporter becomes capped: rate change
    for b, s, n in money:
        capped = b > top or (b == top and s >= top_rate)
        value += n * (top if capped else b)
        rate += n * (top_rate if capped else s)
        if s != top_rate:
            d = (top - b) / (s - top_rate)
            if d > 0:
                switches.append((d, n * ((s - top_rate) if capped else (top_rate - s))))
    if value >= need:
        return 0.0
    at = 0.0
    for d, change in [*sorted(switches), (_NEVER, 0.0)]:
        if rate > 0 and value + rate * (d - at) >= need:
            return at + max(0.0, (need - value) / rate)
        value += rate * (d - at)
        rate += change
        at = d
    return _NEVER
