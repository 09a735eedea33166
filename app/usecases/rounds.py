"""Rounds: their phases, proposals, comments, ballots and results."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, select

from app.deliberation import pabulib
from app.deliberation.ballots import parse_ballot
from app.deliberation.errors import Conflict, InvalidInput, NotFound
from app.deliberation.events import BallotsChanged, CommentAdded, ProposalSubmitted
from app.deliberation.fields import require_amount, require_choice, require_text
from app.deliberation.interop import round_as_instance
from app.deliberation.methods import Method, parse_method, validate_params
from app.deliberation.permissions import Action, Actor, require
from app.deliberation.phases import Phase
from app.deliberation.pots import EntryKind, effective_budget
from app.deliberation.proposals import validate_proposal
from app.deliberation.rounds import Round, budget_within
from app.deliberation.text import N_
from app.infra.clock import new_id, utcnow
from app.infra.db import retrying
from app.infra.tables import (
    BallotRow,
    CommentRow,
    GroupRow,
    ProposalRow,
    ResultRow,
    RoundRow,
    WorkshopRow,
)

from . import ledger, models
from .decisions import open_decisions
from .facilitation import end_phase_focus
from .queries import (
    CommentView,
    ballot_count,
    comments_of,
    member_names,
    own_ballot,
    proposals_of,
    round_figures,
)
from .tally import counted_ballots, live_result, tally
from .unit import Services, UnitOfWork, lock_workshop, unit_of_work
from .workshops import active_member_count

COMMENT_MAX = 1000
_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


def _idempotency_key(key: str) -> str | None:
    """The page's key for one submission (None: the sender gave none)."""
    if not key:
        return None
    if not _KEY.fullmatch(key):
        raise InvalidInput(N_("This page is out of date. Please reload it and try again."))
    return key


Sent = TypeVar("Sent", ProposalRow, CommentRow)


def _already_sent(session: Session, row: type[Sent], actor: Actor, key: str | None) -> Sent | None:
    """What this member already sent with this page key (a resend after a lost answer)."""
    if not key or not actor.member_id:
        return None
    return session.exec(
        select(row).where(row.member_id == actor.member_id, row.idempotency_key == key)
    ).first()


def _resent(sent: Sent, same: bool) -> Sent:
    """The stored one for a true resend; a changed body under the same key is not dropped
    in silence (the member edited after an answer was lost): it is a Conflict in words."""
    if not same:
        raise Conflict(
            N_(
                "This was already sent as you first wrote it. Your changes are not sent: "
                "send again to add them as a new one."
            ),
            code="already_sent",
        )
    return sent


@dataclass(frozen=True)
class ProposalView:
    proposal: models.Proposal
    author: str
    comments: Sequence[CommentView]


@dataclass(frozen=True)
class RoundView:
    round: models.Round
    proposals: Sequence[ProposalView]
    members: int
    ballots: int
    own_ballot: dict[str, Any] | None


def _load_round(session: Session, round_id: str) -> tuple[RoundRow, WorkshopRow]:
    round_ = session.get(RoundRow, round_id)
    if round_ is None:
        raise NotFound(N_("There is no such round."))
    workshop = session.get(WorkshopRow, round_.workshop_id)
    assert workshop is not None
    return round_, workshop


def _domain(row: RoundRow) -> Round:
    """The round as the core sees it."""
    return Round(
        row.id,
        row.title,
        row.method,
        row.budget_minor,
        row.params,
        phase=Phase(row.phase),
        show_live=row.show_live,
    )


def _save(row: RoundRow, round_: Round) -> None:
    """What a move changed, back on the row (the rest of a round never changes)."""
    row.phase = round_.phase.value
    row.show_live = round_.show_live


def _locked_round(
    uow: UnitOfWork, actor: Actor, round_id: str, action: Action
) -> tuple[RoundRow, WorkshopRow]:
    """The round, its workshop locked, once ``actor`` is known to be allowed ``action``."""
    round_, workshop = _load_round(uow.session, round_id)
    require(actor, action, organisation_id=workshop.organisation_id, workshop_id=workshop.id)
    workshop = lock_workshop(uow.session, workshop.id)
    uow.session.refresh(round_)
    return round_, workshop


def create_round(
    services: Services,
    actor: Actor,
    *,
    workshop_id: str,
    title: str,
    method: str,
    params: Mapping[str, object] | None,
    budget_minor: int | None,
    show_live: bool = False,
) -> models.Round:
    clean_title = require_text("title", title, maximum=120)
    round_method = parse_method(method)
    round_params = validate_params(round_method, params or {})
    if budget_minor is not None:
        require_amount("budget_minor", budget_minor)
    with unit_of_work(services) as uow:
        workshop = uow.session.get(WorkshopRow, workshop_id)
        if workshop is None:
            raise NotFound(N_("There is no such workshop."))
        require(actor, Action.MANAGE_WORKSHOP, organisation_id=workshop.organisation_id)
        workshop = lock_workshop(uow.session, workshop.id)
        available = ledger.balance(uow.session, workshop.group_id).available_minor
        created = Round.create(
            new_id(),
            title=clean_title,
            method=round_method.value,
            params=round_params,
            budget_minor=budget_within(budget_minor, available),
            show_live=show_live,
        )
        new = created.round
        round_ = RoundRow(
            id=new.id,
            workshop_id=workshop.id,
            title=new.title,
            method=new.method,
            params=dict(new.params),
            budget_minor=new.budget_minor,
            show_live=new.show_live,
        )
        uow.session.add(round_)
        uow.session.flush()
        uow.happened(actor, created.events[0], workshop_id=workshop.id)
    return models.Round.of(round_)


def set_show_live(
    services: Services, actor: Actor, round_id: str, *, show_live: bool
) -> models.Round:
    """Show the result as it stands while the group votes, or stop; until the round closes."""
    with unit_of_work(services) as uow:
        round_, workshop = _locked_round(uow, actor, round_id, Action.MANAGE_WORKSHOP)
        change = _domain(round_).show_result_live(show_live)
        if change.events:
            _save(round_, change.round)
            uow.session.add(round_)
            uow.happened(actor, change.events[0], workshop_id=workshop.id)
    return models.Round.of(round_)


@retrying
def move_phase(services: Services, actor: Actor, round_id: str, *, phase: str) -> models.Round:
    """Move the round one phase on; moving to ``closed`` also publishes its result.

    The timer and the spotlight end with the phase (``facilitation.end_phase_focus``)."""
    target = require_choice("phase", phase, Phase, N_("Unknown phase. The phases are: {choices}."))
    with unit_of_work(services) as uow:
        round_, workshop = _locked_round(uow, actor, round_id, Action.MANAGE_WORKSHOP)
        change = _domain(round_).move_to(target)
        _save(round_, change.round)
        moved, *published = change.events
        focus = end_phase_focus(workshop)  # the phase's timer and spotlight end with it
        uow.session.add(workshop)
        if change.round.closed:
            _close(uow.session, round_, workshop, actor)
        uow.session.add(round_)
        uow.happened(actor, moved, workshop_id=workshop.id, then=[*focus, *published])
    return models.Round.of(round_)


def _close(session: Session, round_: RoundRow, workshop: WorkshopRow, actor: Actor) -> None:
    """Compute and store the result, and reserve what it funds, in the caller's transaction.

    The pot is locked first; if earlier rounds have reserved part of this round's budget in
    the meantime, the round can fund only what is still available.
    """
    ledger.lock_pot(session, workshop.group_id)
    balance = ledger.balance(session, workshop.group_id)
    proposals = proposals_of(session, round_.id)
    result = tally(session, round_, effective_budget(round_.budget_minor, balance), proposals)
    amounts = {p.id: p.amount_minor for p in proposals}
    opened = open_decisions(session, round_, workshop.group_id, result.funded)
    ledger.append(
        session,
        workshop.group_id,
        [
            ledger.Posting(
                EntryKind.RESERVE,
                amounts[pid],
                round_id=round_.id,
                proposal_id=pid,
                decision_id=opened[pid],
            )
            for pid in result.funded
        ],
        actor=actor.user_id or "",
    )
    result.eligible = active_member_count(session, workshop.id)  # "M" frozen at the close
    session.add(result)
    round_.closed_at = utcnow()


def get_round(services: Services, actor: Actor, round_id: str) -> RoundView:
    with services.db.reading() as session:
        round_, workshop = _load_round(session, round_id)
        require(
            actor,
            Action.VIEW_ROUND,
            organisation_id=workshop.organisation_id,
            workshop_id=workshop.id,
        )
        proposals = proposals_of(session, round_.id)
        names = member_names(session, workshop.id)
        comments = comments_of(session, [p.id for p in proposals], names)
        own = own_ballot(session, round_.id, actor.member_id) if actor.member_id else None
        result = session.get(ResultRow, round_.id)
        ballots, frozen = round_figures(session, round_.id, result)
        return RoundView(
            round=models.Round.of(round_),
            proposals=[
                ProposalView(
                    models.Proposal.of(p),
                    names.get(p.member_id or "", ""),
                    [c for c in comments.get(p.id, []) if not c.hidden],
                )
                for p in proposals
            ],
            members=frozen if frozen is not None else active_member_count(session, workshop.id),
            ballots=ballots,
            own_ballot=own,
        )


def submit_proposal(
    services: Services,
    actor: Actor,
    round_id: str,
    *,
    title: str,
    description: str,
    amount_minor: int,
    how_it_helps: str,
    category: str,
    idempotency_key: str = "",
) -> models.Proposal:
    """A new proposal; with ``idempotency_key`` (made by the member's page), sending the
    same submission again answers the proposal already stored instead of a second one."""
    key = _idempotency_key(idempotency_key)
    with unit_of_work(services) as uow:
        round_, workshop = _locked_round(uow, actor, round_id, Action.SUBMIT_PROPOSAL)
        sent = _already_sent(uow.session, ProposalRow, actor, key)
        if sent is not None:
            same = _same_proposal(
                sent,
                round_.budget_minor,
                title=title,
                description=description,
                amount_minor=amount_minor,
                how_it_helps=how_it_helps,
                category=category,
            )
            return models.Proposal.of(_resent(sent, same))
        _domain(round_).require_proposals_open()
        draft = validate_proposal(
            title=title,
            description=description,
            amount_minor=amount_minor,
            how_it_helps=how_it_helps,
            category=category,
            budget_minor=round_.budget_minor,
        )
        last = uow.session.exec(
            select(func.max(ProposalRow.position)).where(ProposalRow.round_id == round_.id)
        ).one()
        proposal = ProposalRow(
            round_id=round_.id,
            position=(last or 0) + 1,
            member_id=actor.member_id,
            user_id=actor.user_id,
            title=draft.title,
            description=draft.description,
            amount_minor=draft.amount_minor,
            how_it_helps=draft.how_it_helps,
            category=draft.category.value,
            idempotency_key=key if actor.member_id else None,
        )
        uow.session.add(proposal)
        uow.session.flush()
        submitted = ProposalSubmitted(
            round_id=round_.id,
            proposal_id=proposal.id,
            after={"title": draft.title, "amount_minor": draft.amount_minor, "round_id": round_.id},
        )
        uow.happened(actor, submitted, workshop_id=workshop.id)
    return models.Proposal.of(proposal)


def _same_proposal(sent: ProposalRow, budget_minor: int, **fields: Any) -> bool:
    """Whether ``fields``, cleaned as a new proposal would be, are what ``sent`` holds."""
    try:
        draft = validate_proposal(**fields, budget_minor=max(budget_minor, sent.amount_minor))
    except InvalidInput:
        return False  # the stored one was valid: this body is not it
    return (
        draft.title,
        draft.description,
        draft.amount_minor,
        draft.how_it_helps,
        draft.category.value,
    ) == (sent.title, sent.description, sent.amount_minor, sent.how_it_helps, sent.category)


def _clean_comment(text: str) -> str:
    return require_text("text", text, maximum=COMMENT_MAX)


def add_comment(
    services: Services, actor: Actor, proposal_id: str, *, text: str, idempotency_key: str = ""
) -> models.Comment:
    """A comment; ``idempotency_key`` as for ``submit_proposal``."""
    key = _idempotency_key(idempotency_key)
    with unit_of_work(services) as uow:
        proposal = uow.session.get(ProposalRow, proposal_id)
        if proposal is None:
            raise NotFound(N_("There is no such proposal."))
        round_, workshop = _locked_round(uow, actor, proposal.round_id, Action.ADD_COMMENT)
        sent_comment = _already_sent(uow.session, CommentRow, actor, key)
        if sent_comment is not None:
            return models.Comment.of(
                _resent(sent_comment, _clean_comment(text) == sent_comment.text)
            )
        _domain(round_).require_comments_open()
        comment = CommentRow(
            proposal_id=proposal.id,
            member_id=actor.member_id,
            user_id=actor.user_id,
            text=_clean_comment(text),
            idempotency_key=key if actor.member_id else None,
        )
        uow.session.add(comment)
        uow.session.flush()
        added = CommentAdded(
            round_id=round_.id,
            proposal_id=proposal.id,
            comment_id=comment.id,
            after={"proposal_id": proposal.id},
        )
        uow.happened(actor, added, workshop_id=workshop.id)
    return models.Comment.of(comment)


@retrying
def cast_ballot(
    services: Services, actor: Actor, round_id: str, body: Mapping[str, object]
) -> models.Ballot:
    """Put in the member's ballot, replacing any earlier one for this round."""
    with unit_of_work(services) as uow:
        round_, workshop = _locked_round(uow, actor, round_id, Action.CAST_BALLOT)
        _domain(round_).require_voting_open()
        proposals = proposals_of(uow.session, round_.id)
        ballot = parse_ballot(
            Method(round_.method),
            body,
            {p.id: p.amount_minor for p in proposals},
            budget_minor=round_.budget_minor,
            params=round_.params,
        )
        row = uow.session.exec(
            select(BallotRow).where(
                BallotRow.round_id == round_.id, BallotRow.member_id == actor.member_id
            )
        ).first()
        if row is None:
            assert actor.member_id is not None
            row = BallotRow(round_id=round_.id, member_id=actor.member_id, body=ballot.to_json())
        else:
            row.body = ballot.to_json()
            row.cast_at = utcnow()
        uow.session.add(row)
        uow.session.flush()
        uow.record(
            workshop.id,
            [
                BallotsChanged(
                    round_id=round_.id,
                    ballots=ballot_count(uow.session, round_.id),
                    members=active_member_count(uow.session, workshop.id),
                )
            ],
        )
    return models.Ballot.of(row)


@dataclass(frozen=True)
class ResultView:
    result: models.Result
    currency: str
    titles: dict[str, str]
    provisional: bool = False  # shown live while voting, not the round's result yet


def _published(
    session: Session, actor: Actor, round_id: str, *, live: bool = False
) -> tuple[RoundRow, ResultRow, GroupRow]:
    """A round whose result ``actor`` may see, with that result and its group; with
    ``live``, also the result as it stands while voting, if the round shows it live."""
    round_, workshop = _load_round(session, round_id)
    require(
        actor,
        Action.VIEW_RESULT,
        organisation_id=workshop.organisation_id,
        workshop_id=workshop.id,
    )
    result = session.get(ResultRow, round_.id)
    if result is None and live:
        result = live_result(session, round_, workshop.group_id)
    if result is None:
        raise Conflict(N_("The result is published when the round closes."), code="not_closed")
    group = session.get(GroupRow, workshop.group_id)
    assert group is not None
    return round_, result, group


def get_result(services: Services, actor: Actor, round_id: str) -> ResultView:
    with services.db.reading() as session:
        round_, result, group = _published(session, actor, round_id, live=True)
        titles = {p.id: p.title for p in proposals_of(session, round_.id)}
        return ResultView(
            models.Result.of(result), group.currency, titles, provisional=round_.closed_at is None
        )


def export_pabulib(services: Services, actor: Actor, round_id: str) -> str:
    """A closed round as a pabulib ``.pb`` file, so researchers can study it with their own
    tools. Voters are numbered, never named; costs are in øre."""
    with services.db.reading() as session:
        round_, result, group = _published(session, actor, round_id)
        proposals = proposals_of(session, round_.id)
        method = Method(round_.method)
        costs = {p.id: p.amount_minor for p in proposals}
        ballots = counted_ballots(session, round_, costs)
    funded = set(result.funded)
    return pabulib.dump(
        round_as_instance(
            meta={
                "description": f"Puljen round: {round_.title}",
                "country": "Denmark",
                "unit": group.name,
                "instance": round_.created_at.date().isoformat(),
                "budget": str(result.budget_minor),
                "currency": group.currency,
                "comment": "costs and budget in minor units (1/100 of the currency)",
                "vote_type": "cumulative" if method is Method.CUMULATIVE else "approval",
                "rule": f"puljen/{method.value}",
            },
            proposals=[(p.id, p.amount_minor, p.title, p.id in funded) for p in proposals],
            ballots=ballots,
        )
    )
