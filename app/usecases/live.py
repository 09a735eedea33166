"""Snapshots of a workshop for the live views: read once per change, rendered once per
audience, sent to every connection of that audience."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.deliberation.errors import NotFound
from app.deliberation.pots import Balance
from app.deliberation.text import N_
from app.infra.clock import utcnow
from app.infra.tables import (
    BallotRow,
    DecisionRow,
    GroupRow,
    MemberRow,
    ProposalRow,
    ResultRow,
    RoundRow,
    WorkshopRow,
)

from . import ledger, models
from .facilitation import FOCUS_JOIN_CODE
from .queries import (
    CommentView,
    comments_of,
    is_present,
    own_ballot,
    proposals_of,
    round_figures,
)
from .tally import live_result
from .unit import Services


@dataclass(frozen=True)
class ProposalCard:
    id: str
    title: str
    description: str
    amount_minor: int
    how_it_helps: str
    category: str
    author: str
    comments: Sequence[CommentView]

    @property
    def visible_comments(self) -> list[CommentView]:
        return [c for c in self.comments if not c.hidden]


@dataclass(frozen=True)
class EarlierRound:
    """A closed round before the current one: its result, its proposals and what became of
    the funded ones, so a phone keeps them when the next round starts."""

    round: models.Round
    result: models.Result
    proposals: Sequence[ProposalCard]
    fates: Mapping[str, models.Decision]

    @property
    def titles(self) -> dict[str, str]:
        return {p.id: p.title for p in self.proposals}

    @property
    def funded(self) -> list[ProposalCard]:
        cards = {p.id: p for p in self.proposals}
        return [cards[pid] for pid in self.result.funded if pid in cards]

    @property
    def not_funded(self) -> list[ProposalCard]:
        return [p for p in self.proposals if p.id not in self.result.funded]


@dataclass(frozen=True)
class Snapshot:
    workshop: models.Workshop
    group: models.Group
    balance: Balance
    rounds: Sequence[models.Round]
    round: models.Round | None  # the current round: the newest that has started
    proposals: Sequence[ProposalCard]
    members: Sequence[models.Member]
    ballots: int
    result: models.Result | None
    live_result: models.Result | None = None  # while voting, if the round shows it live
    fates: Mapping[str, models.Decision] = field(default_factory=dict)  # by proposal, closed
    eligible_at_close: int | None = None  # the M counted when the round closed
    earlier: Sequence[EarlierRound] = ()  # closed rounds before the current one, newest first

    @property
    def spotlight(self) -> ProposalCard | None:
        wanted = self.workshop.spotlight_proposal_id
        return next((p for p in self.proposals if p.id == wanted), None)

    @property
    def eligible(self) -> int:
        """The "M" of "N of M have voted": the members who count in this round. Once the
        round is closed, as counted at the close (with ``ballots`` the ballots the result
        counted): someone joining or leaving later does not change a closed round's figures.
        """
        if self.eligible_at_close is not None:
            return self.eligible_at_close
        return len(self.members)

    @property
    def equal_share_minor(self) -> int:
        """Each voter's share under Equal Shares: the budget split equally between the
        voters (``rules.equal_shares``: budget / number of ballots), here between everyone
        who counts, or more if more have voted; whole øre, rounded down."""
        return self.round.budget_minor // self.equal_share_voters if self.round else 0

    @property
    def equal_share_voters(self) -> int:
        return max(self.eligible, self.ballots, 1)

    @property
    def timer_ends_at(self) -> datetime | None:
        """When the running timer ends; ``None`` when none runs (also once it has run out:
        the pages count down to zero by themselves, then show it as done)."""
        ends = self.workshop.timer_ends_at
        return ends if ends is not None and ends > utcnow() else None

    @property
    def join_code_shown(self) -> bool:
        """The facilitator put the join code up full size on the screen."""
        return self.workshop.spotlight_proposal_id == FOCUS_JOIN_CODE

    @property
    def join_large(self) -> bool:
        """The screen shows the join code and QR large while the group is joining: before
        the first round starts, or while nobody has joined; after that a small corner block
        still shows the code readably, and the facilitator can put it up full size again."""
        return not self.members or self.round is None or self.round.phase == "draft"

    @property
    def everyone_voted(self) -> bool:
        return self.eligible > 0 and self.ballots >= self.eligible

    @property
    def titles(self) -> dict[str, str]:
        return {p.id: p.title for p in self.proposals}

    def proposal(self, proposal_id: str) -> ProposalCard | None:
        return next((p for p in self.proposals if p.id == proposal_id), None)

    @property
    def funded(self) -> list[ProposalCard]:
        if self.result is None:
            return []
        cards = {p.id: p for p in self.proposals}
        return [cards[pid] for pid in self.result.funded if pid in cards]


def load_snapshot(services: Services, workshop_id: str) -> Snapshot:
    with services.db.reading() as session:
        return _snapshot(session, workshop_id)


def _snapshot(session: Session, workshop_id: str) -> Snapshot:
    workshop = session.get(WorkshopRow, workshop_id)
    if workshop is None:
        raise NotFound(N_("There is no such workshop."))
    group = session.get(GroupRow, workshop.group_id)
    assert group is not None
    rounds = session.exec(
        select(RoundRow)
        .where(RoundRow.workshop_id == workshop.id)
        .order_by(col(RoundRow.created_at))
    ).all()
    # Members and the screen follow the newest round that has started; a round still in
    # draft shows only when there is no other.
    started = [r for r in rounds if r.phase != "draft"]
    current = started[-1] if started else (rounds[-1] if rounds else None)
    all_members = session.exec(
        select(MemberRow)
        .where(MemberRow.workshop_id == workshop.id)
        .order_by(col(MemberRow.joined_at))
    ).all()
    names = {m.id: m.name for m in all_members}
    proposals: list[ProposalCard] = []
    ballots = 0
    eligible_at_close: int | None = None
    result = live = None
    fates: dict[str, models.Decision] = {}
    if current is not None:
        rows = proposals_of(session, current.id)
        by_proposal = comments_of(session, [p.id for p in rows], names)
        proposals = [_card(p, names, by_proposal.get(p.id, [])) for p in rows]
        result = session.get(ResultRow, current.id)
        ballots, eligible_at_close = round_figures(session, current.id, result)
        live = live_result(session, current, group.id, rows) if result is None else None
        if result is not None:
            fates = {
                d.proposal_id: models.Decision.of(d)
                for d in session.exec(select(DecisionRow).where(DecisionRow.round_id == current.id))
            }
    earlier = [
        _earlier(session, r, names)
        for r in reversed(rounds)
        if r.phase == "closed" and (current is None or r.id != current.id)
    ]
    return Snapshot(
        workshop=models.Workshop.of(workshop),
        group=models.Group.of(group),
        balance=ledger.balance(session, group.id),
        rounds=[models.Round.of(r) for r in rounds],
        round=models.Round.of(current) if current is not None else None,
        proposals=proposals,
        members=[models.Member.of(m) for m in all_members if is_present(m)],
        ballots=ballots,
        result=models.Result.of(result) if result is not None else None,
        live_result=models.Result.of(live) if live is not None else None,
        fates=fates,
        eligible_at_close=eligible_at_close,
        earlier=[e for e in earlier if e is not None],
    )


def _card(
    p: ProposalRow, names: Mapping[str, str], comments: Sequence[CommentView]
) -> ProposalCard:
    return ProposalCard(
        id=p.id,
        title=p.title,
        description=p.description,
        amount_minor=p.amount_minor,
        how_it_helps=p.how_it_helps,
        category=p.category,
        author=names.get(p.member_id or "", ""),
        comments=tuple(comments),
    )


def _earlier(session: Session, round_: RoundRow, names: Mapping[str, str]) -> EarlierRound | None:
    result = session.get(ResultRow, round_.id)
    if result is None:
        return None
    decisions = session.exec(select(DecisionRow).where(DecisionRow.round_id == round_.id))
    return EarlierRound(
        round=models.Round.of(round_),
        result=models.Result.of(result),
        proposals=[_card(p, names, []) for p in proposals_of(session, round_.id)],
        fates={d.proposal_id: models.Decision.of(d) for d in decisions},
    )


def own_ballots_of(
    services: Services, round_id: str, member_ids: Collection[str]
) -> dict[str, dict[str, Any]]:
    """Each of these members' own ballot (by member), each for that member's pages only."""
    if not member_ids:
        return {}
    with services.db.reading() as session:
        rows = session.exec(
            select(BallotRow).where(
                BallotRow.round_id == round_id, col(BallotRow.member_id).in_(list(member_ids))
            )
        ).all()
        return {row.member_id: row.body for row in rows}


def own_ballot_of(services: Services, round_id: str, member_id: str) -> dict[str, Any] | None:
    """The member's own ballot, for their own page only."""
    with services.db.reading() as session:
        return own_ballot(session, round_id, member_id)
