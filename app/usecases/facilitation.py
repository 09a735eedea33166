"""What a facilitator does during a workshop: timer, spotlight, the join code on the screen,
hiding comments, removing members.

The timer and what the screen has in focus belong to a phase: moving a round's phase ends
both (``end_phase_focus``), so a spotlight cannot sway the vote that follows and a timer
that ran out does not carry over into the next phase or round.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from app.deliberation.errors import InvalidInput, NotFound
from app.deliberation.events import (
    CommentHidden,
    Event,
    JoinCodeChanged,
    MemberRemoved,
    SpotlightChanged,
    TimerChanged,
)
from app.deliberation.permissions import Action, Actor, require
from app.deliberation.text import N_
from app.infra.clock import utcnow
from app.infra.tables import CommentRow, MemberRow, ProposalRow, RoundRow, SessionRow, WorkshopRow

from . import models
from .accounts import end_logins
from .unit import Services, UnitOfWork, lock_workshop, unit_of_work
from .workshops import active_member_count

TIMER_MAX_SECONDS = 2 * 3600

# What the shared screen has in focus is one free-text column (no foreign key): a proposal's
# id, or this marker when the facilitator puts the join code up full size. One thing in focus
# at a time, and no schema change for the join code.
FOCUS_JOIN_CODE = "join-code"


def _managed(uow: UnitOfWork, actor: Actor, workshop_id: str) -> WorkshopRow:
    workshop = uow.session.get(WorkshopRow, workshop_id)
    if workshop is None:
        raise NotFound(N_("There is no such workshop."))
    require(actor, Action.MANAGE_WORKSHOP, organisation_id=workshop.organisation_id)
    return lock_workshop(uow.session, workshop.id)


def start_timer(
    services: Services, actor: Actor, workshop_id: str, *, seconds: int
) -> models.Workshop:
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int)
        or not 0 < seconds <= TIMER_MAX_SECONDS
    ):
        raise InvalidInput(N_("The timer runs from 1 second to 2 hours."), field="seconds")
    with unit_of_work(services) as uow:
        workshop = _managed(uow, actor, workshop_id)
        workshop.timer_ends_at = utcnow() + timedelta(seconds=seconds)
        uow.session.add(workshop)
        started = TimerChanged(
            ends_at=workshop.timer_ends_at.isoformat(),
            workshop_id=workshop.id,
            after={"seconds": seconds},
        )
        uow.happened(actor, started, workshop_id=workshop.id)
    return models.Workshop.of(workshop)


def stop_timer(services: Services, actor: Actor, workshop_id: str) -> models.Workshop:
    with unit_of_work(services) as uow:
        workshop = _managed(uow, actor, workshop_id)
        workshop.timer_ends_at = None
        uow.session.add(workshop)
        stopped = TimerChanged(ends_at=None, workshop_id=workshop.id, after={"seconds": 0})
        uow.happened(actor, stopped, workshop_id=workshop.id)
    return models.Workshop.of(workshop)


def spotlight(
    services: Services, actor: Actor, workshop_id: str, *, proposal_id: str | None
) -> models.Workshop:
    """Show one proposal large on the shared screen (``None`` ends the spotlight)."""
    with unit_of_work(services) as uow:
        workshop = _managed(uow, actor, workshop_id)
        if proposal_id is not None:
            found = uow.session.exec(
                select(ProposalRow.id)
                .join(RoundRow, RoundRow.id == ProposalRow.round_id)  # type: ignore[arg-type]
                .where(ProposalRow.id == proposal_id, RoundRow.workshop_id == workshop.id)
            ).first()
            if found is None:
                raise NotFound(N_("There is no such proposal."))
        changed = SpotlightChanged(
            proposal_id=proposal_id,
            workshop_id=workshop.id,
            before={"proposal_id": workshop.spotlight_proposal_id},
            after={"proposal_id": proposal_id},
        )
        workshop.spotlight_proposal_id = proposal_id
        uow.session.add(workshop)
        uow.happened(actor, changed, workshop_id=workshop.id)
    return models.Workshop.of(workshop)


def show_join_code(
    services: Services, actor: Actor, workshop_id: str, *, shown: bool
) -> models.Workshop:
    """Put the join code and QR full size on the shared screen (or take them down again),
    for someone who comes late; it replaces a spotlighted proposal."""
    with unit_of_work(services) as uow:
        workshop = _managed(uow, actor, workshop_id)
        wanted = FOCUS_JOIN_CODE if shown else None
        if shown or workshop.spotlight_proposal_id == FOCUS_JOIN_CODE:
            changed = JoinCodeChanged(
                proposal_id=wanted,
                workshop_id=workshop.id,
                before={"shown": workshop.spotlight_proposal_id == FOCUS_JOIN_CODE},
                after={"shown": shown},
            )
            workshop.spotlight_proposal_id = wanted
            uow.session.add(workshop)
            uow.happened(actor, changed, workshop_id=workshop.id)
    return models.Workshop.of(workshop)


def end_phase_focus(workshop: WorkshopRow) -> list[Event]:
    """Stop the timer and end the spotlight (or the join code) of the phase that ends, on the
    caller's locked workshop, in the caller's transaction; returns the events to record."""
    events: list[Event] = []
    if workshop.timer_ends_at is not None:
        workshop.timer_ends_at = None
        events.append(TimerChanged(ends_at=None))
    if workshop.spotlight_proposal_id is not None:
        workshop.spotlight_proposal_id = None
        events.append(SpotlightChanged(proposal_id=None))
    return events


def hide_comment(
    services: Services, actor: Actor, comment_id: str, *, hidden: bool = True
) -> models.Comment:
    """Hide a hurtful comment everywhere at once (or show it again)."""
    with unit_of_work(services) as uow:
        comment = uow.session.get(CommentRow, comment_id)
        if comment is None:
            raise NotFound(N_("There is no such comment."))
        proposal = uow.session.get(ProposalRow, comment.proposal_id)
        assert proposal is not None
        round_ = uow.session.get(RoundRow, proposal.round_id)
        assert round_ is not None
        _managed(uow, actor, round_.workshop_id)
        changed = CommentHidden(
            round_id=round_.id,
            proposal_id=proposal.id,
            comment_id=comment.id,
            hidden=hidden,
            before={"hidden": comment.hidden_at is not None},
            after={"hidden": hidden},
        )
        comment.hidden_at = utcnow() if hidden else None
        uow.session.add(comment)
        uow.happened(actor, changed, workshop_id=round_.workshop_id)
    return models.Comment.of(comment)


def remove_member(services: Services, actor: Actor, member_id: str) -> models.Member:
    """Take a member out of the workshop: their token stops working at once."""
    with unit_of_work(services) as uow:
        member = uow.session.get(MemberRow, member_id)
        if member is None:
            raise NotFound(N_("There is no such member."))
        workshop = _managed(uow, actor, member.workshop_id)
        now = utcnow()
        if member.removed_at is None:
            member.removed_at = now
            uow.session.add(member)
            end_logins(uow.session, col(SessionRow.member_id) == member.id)
            uow.session.flush()
            removed = MemberRemoved(
                member_id=member.id,
                members=active_member_count(uow.session, workshop.id),
                before={"name": member.name, "removed": False},
                after={"removed": True},
            )
            uow.happened(actor, removed, workshop_id=workshop.id)
    return models.Member.of(member)
