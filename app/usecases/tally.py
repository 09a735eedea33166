"""Counting a round: its ballots read back, and its result computed, for the close (kept)
and, when the facilitator shows results live, for the room while voting (not kept)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlmodel import Session, col, select

from app.deliberation.ballots import Ballot, parse_ballot
from app.deliberation.methods import Method
from app.deliberation.phases import Phase
from app.deliberation.pots import effective_budget
from app.deliberation.rules import Candidate, compute_result
from app.infra.tables import BallotRow, MemberRow, ProposalRow, ResultRow, RoundRow

from . import ledger
from .queries import present, proposals_of


def active_ballots(session: Session, round_id: str) -> Sequence[BallotRow]:
    """Ballots of present members (a removed or left member's ballot does not count; the
    same members as ``ballot_count``, so "N of M" says what the result counted)."""
    return session.exec(
        select(BallotRow)
        .join(MemberRow, col(MemberRow.id) == col(BallotRow.member_id))
        .where(BallotRow.round_id == round_id, present())
    ).all()


def counted_ballots(session: Session, round_: RoundRow, costs: Mapping[str, int]) -> list[Ballot]:
    """The ballots that count, read back as the method's ballots (checked against the
    round's own budget, as when they were cast)."""
    method = Method(round_.method)
    return [
        parse_ballot(
            method, row.body, costs, budget_minor=round_.budget_minor, params=round_.params
        )
        for row in active_ballots(session, round_.id)
    ]


def tally(
    session: Session,
    round_: RoundRow,
    budget_minor: int,
    proposals: Sequence[ProposalRow] | None = None,
) -> ResultRow:
    """The round's result as its ballots stand, within ``budget_minor`` (not yet stored);
    ``proposals``: the round's, when the caller has read them already."""
    if proposals is None:
        proposals = proposals_of(session, round_.id)
    costs = {p.id: p.amount_minor for p in proposals}
    method = Method(round_.method)
    result = compute_result(
        method,
        budget_minor=budget_minor,
        candidates=[Candidate(p.id, p.amount_minor, p.position) for p in proposals],
        ballots=counted_ballots(session, round_, costs),
        params=round_.params,
    )
    return ResultRow(
        round_id=round_.id,
        method=method.value,
        budget_minor=result.budget_minor,
        funded=list(result.funded),
        scores=result.scores,
        reasons={pid: {"code": r.code, **r.params} for pid, r in result.reasons.items()},
        spent_minor=result.spent_minor,
        leftover_minor=result.leftover_minor,
        voters=result.voters,
    )


def live_result(
    session: Session,
    round_: RoundRow,
    group_id: str,
    proposals: Sequence[ProposalRow] | None = None,
) -> ResultRow | None:
    """The result as it stands, while the group votes in a round that shows it live."""
    if not round_.show_live or Phase(round_.phase) is not Phase.VOTING:
        return None
    balance = ledger.balance(session, group_id)
    return tally(session, round_, effective_budget(round_.budget_minor, balance), proposals)
