"""Greedy by score: walk from the highest score down, fund each proposal that still fits.

Used by ``approval`` and ``knapsack`` (score: approvals), ``cumulative`` (score: points) and as
the completion step of ``equal_shares``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .outcome import Candidate, Reason, tie_key

__all__ = ["greedy"]


def greedy(
    candidates: Sequence[Candidate],
    scores: Mapping[str, int],
    budget_minor: int,
    *,
    funded_code: str,
    figures: Mapping[str, Mapping[str, object]],
    fund_unsupported: bool = False,
) -> tuple[list[str], dict[str, Reason], int]:
    """The funded ids in order, a reason per candidate, and what is left of the budget.

    ``figures`` are per-candidate numbers a reason sentence needs (e.g. approvals, voters).
    A proposal nobody supported is not funded unless ``fund_unsupported`` (pabulib's greedy
    does fund such projects when money is left; a youth group's round does not).
    """
    order = sorted(candidates, key=lambda c: (-scores[c.id], *tie_key(c, scores[c.id])))
    left = budget_minor
    funded: list[str] = []
    reasons: dict[str, Reason] = {}
    for candidate in order:
        score = scores[candidate.id]
        own = dict(figures.get(candidate.id, {}))
        if score <= 0 and not fund_unsupported:
            reasons[candidate.id] = Reason("no_support", own)
        elif candidate.amount_minor <= left:
            left -= candidate.amount_minor
            funded.append(candidate.id)
            reasons[candidate.id] = Reason(funded_code, own)
        else:
            own.update(left_minor=left, amount_minor=candidate.amount_minor)
            reasons[candidate.id] = Reason("not_enough_left", own)
    return funded, reasons, left
