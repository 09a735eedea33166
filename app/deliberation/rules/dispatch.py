"""One entry point for every method: ``compute_result``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from ..ballots import ApprovalBallot, Ballot, ConsentBallot, CumulativeBallot
from ..methods import Method
from .equal_shares import equal_shares, reasons_for
from .greedy import greedy
from .outcome import Candidate, Reason, Result, tie_key

__all__ = ["compute_result"]


def compute_result(
    method: Method,
    *,
    budget_minor: int,
    candidates: Sequence[Candidate],
    ballots: Sequence[Ballot],
    params: Mapping[str, object] | None = None,
    unit_minor: int = 100,
    fund_unsupported: bool = False,
) -> Result:
    """The result of a round under ``method`` (``unit_minor``: one whole currency unit)."""
    params = params or {}
    voters = len(ballots)
    if method is Method.CUMULATIVE:
        points = {c.id: 0 for c in candidates}
        for ballot in ballots:
            if isinstance(ballot, CumulativeBallot):
                for pid, n in ballot.points.items():
                    if pid in points:
                        points[pid] += n
        figures = {pid: {"points": n} for pid, n in points.items()}
        funded, reasons, left = greedy(
            candidates,
            points,
            budget_minor,
            funded_code="funded_points",
            figures=figures,
            fund_unsupported=fund_unsupported,
        )
        return _result(method, budget_minor, funded, points, left, reasons, voters)
    if method is Method.CONSENT:
        return _consent(method, budget_minor, candidates, ballots, params)
    approvals = _approval_sets(ballots)
    counts = {c.id: 0 for c in candidates}
    for approved in approvals:
        for pid in approved:
            if pid in counts:
                counts[pid] += 1
    figures = {pid: {"approvals": n, "voters": voters} for pid, n in counts.items()}
    if method is Method.EQUAL_SHARES:
        completion = str(params.get("completion", "add1"))
        mes = equal_shares(
            candidates,
            approvals,
            budget_minor,
            completion="add1" if completion == "add1" else "none",
            unit_minor=unit_minor,
        )
        reasons = reasons_for(candidates, approvals, mes)
        spent = sum(c.amount_minor for c in candidates if c.id in mes.paid)
        funded = list(mes.funded)
        if completion == "greedy":
            rest = [c for c in candidates if c.id not in mes.paid]
            more, more_reasons, _ = greedy(
                rest,
                counts,
                budget_minor - spent,
                funded_code="funded_leftover",
                figures=figures,
                fund_unsupported=fund_unsupported,
            )
            funded += more
            for pid in more:
                reasons[pid] = more_reasons[pid]
        bought = set(funded)
        left = budget_minor - sum(c.amount_minor for c in candidates if c.id in bought)
        return _result(method, budget_minor, funded, counts, left, reasons, voters)
    funded, reasons, left = greedy(
        candidates,
        counts,
        budget_minor,
        funded_code="funded",
        figures=figures,
        fund_unsupported=fund_unsupported,
    )
    return _result(method, budget_minor, funded, counts, left, reasons, voters)


def _approval_sets(ballots: Sequence[Ballot]) -> list[frozenset[str]]:
    return [b.approvals for b in ballots if isinstance(b, ApprovalBallot)]


def _consent(
    method: Method,
    budget_minor: int,
    candidates: Sequence[Candidate],
    ballots: Sequence[Ballot],
    params: Mapping[str, object],
) -> Result:
    """Pass when yes ≥ threshold of yes+no and no more than max_no say no; fund the passing
    ones by descending yes-share, then yes-count, while they fit."""
    threshold = Fraction(str(params.get("threshold", "0.5")))
    max_no = params.get("max_no")
    yes = {c.id: 0 for c in candidates}
    no = {c.id: 0 for c in candidates}
    for ballot in ballots:
        if isinstance(ballot, ConsentBallot):
            for pid, choice in ballot.choices.items():
                if pid in yes:
                    (yes if choice == "yes" else no)[pid] += 1
    reasons: dict[str, Reason] = {}
    passing: list[Candidate] = []
    for c in candidates:
        figures: dict[str, object] = {"yes": yes[c.id], "no": no[c.id]}
        share = Fraction(yes[c.id], yes[c.id] + no[c.id]) if yes[c.id] + no[c.id] else None
        if share is None or yes[c.id] == 0 or share < threshold:
            reasons[c.id] = Reason("not_consented", figures)
        elif max_no is not None and no[c.id] > int(str(max_no)):
            reasons[c.id] = Reason("too_many_no", {**figures, "max_no": int(str(max_no))})
        else:
            passing.append(c)
    passing.sort(
        key=lambda c: (
            -Fraction(yes[c.id], yes[c.id] + no[c.id]),
            -yes[c.id],
            *tie_key(c, yes[c.id]),
        )
    )
    left = budget_minor
    funded: list[str] = []
    for c in passing:
        figures = {"yes": yes[c.id], "no": no[c.id]}
        if c.amount_minor <= left:
            left -= c.amount_minor
            funded.append(c.id)
            reasons[c.id] = Reason("funded_consent", figures)
        else:
            reasons[c.id] = Reason(
                "not_enough_left", {**figures, "left_minor": left, "amount_minor": c.amount_minor}
            )
    return _result(method, budget_minor, funded, yes, left, reasons, len(ballots))


def _result(
    method: Method,
    budget_minor: int,
    funded: list[str],
    scores: Mapping[str, int],
    left: int,
    reasons: dict[str, Reason],
    voters: int,
) -> Result:
    return Result(
        method=method,
        budget_minor=budget_minor,
        funded=tuple(funded),
        scores=dict(scores),
        spent_minor=budget_minor - left,
        leftover_minor=left,
        reasons=reasons,
        voters=voters,
    )
