"""Reads that several use cases share: a round's proposals, their comments, names, ballots."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func
from sqlmodel import Session, col, select

from app.infra.tables import BallotRow, CommentRow, MemberRow, ProposalRow, ResultRow


@dataclass(frozen=True)
class CommentView:
    id: str
    proposal_id: str
    text: str
    author: str  # the member's display name ("" when a facilitator wrote it)
    hidden: bool
    created_at: datetime


def present() -> ColumnElement[bool]:
    """Members who count in "N of M have voted": neither removed by a facilitator nor left.

    A member who left is counted nowhere while they are away: not in M, and their ballot
    neither in N nor in the tally (so the figures always say what the result counted).
    Rejoining from the same phone makes them present again, with their ballot.
    """
    return and_(col(MemberRow.removed_at).is_(None), col(MemberRow.left_at).is_(None))


def proposals_of(session: Session, round_id: str) -> Sequence[ProposalRow]:
    return session.exec(
        select(ProposalRow)
        .where(ProposalRow.round_id == round_id)
        .order_by(col(ProposalRow.position))
    ).all()


def member_names(session: Session, workshop_id: str) -> dict[str, str]:
    """Every member's display name, removed members too (their words stay theirs)."""
    return dict(
        session.exec(
            select(MemberRow.id, MemberRow.name).where(MemberRow.workshop_id == workshop_id)
        ).all()
    )


def comments_of(
    session: Session, proposal_ids: Collection[str], names: dict[str, str]
) -> dict[str, list[CommentView]]:
    """The comments on each proposal, oldest first, hidden ones marked (not left out)."""
    rows = session.exec(
        select(CommentRow)
        .where(col(CommentRow.proposal_id).in_(list(proposal_ids)))
        .order_by(col(CommentRow.created_at))
    ).all()
    by_proposal: dict[str, list[CommentView]] = {}
    for c in rows:
        by_proposal.setdefault(c.proposal_id, []).append(
            CommentView(
                c.id,
                c.proposal_id,
                c.text,
                names.get(c.member_id or "", ""),
                c.hidden_at is not None,
                c.created_at,
            )
        )
    return by_proposal


def is_present(member: MemberRow) -> bool:
    """``present()`` for a member already read."""
    return member.removed_at is None and member.left_at is None


def round_figures(
    session: Session, round_id: str, result: ResultRow | None
) -> tuple[int, int | None]:
    """The N and M of "N of M have voted". A closed round answers what was counted at its
    close, so someone joining or leaving later changes nothing (M is None for a round closed
    before M was kept: then the present members count); an open one counts N now (M: the
    present members, which the caller has)."""
    if result is not None:
        return result.voters, result.eligible
    return ballot_count(session, round_id), None


def ballot_count(session: Session, round_id: str) -> int:
    """How many present members have a ballot in (see ``present``)."""
    return session.exec(
        select(func.count())
        .select_from(BallotRow)
        .join(MemberRow, col(MemberRow.id) == col(BallotRow.member_id))
        .where(BallotRow.round_id == round_id, present())
    ).one()


def own_ballot(session: Session, round_id: str, member_id: str | None) -> dict[str, Any] | None:
    """The member's own ballot, for their own eyes only."""
    row = session.exec(
        select(BallotRow).where(BallotRow.round_id == round_id, BallotRow.member_id == member_id)
    ).first()
    return row.body if row else None
