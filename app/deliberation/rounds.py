"""A round, and the only moves it makes.

    draft ──▶ proposing ──▶ discussing ──▶ voting ──▶ closed (the result is published)

Like a decision's ``Step``, each move returns a ``Change``: the round after it and the
past-tense events it caused, the first of which is the change itself (what the audit trail
records); later ones are its consequences. Illegal moves are refused and change nothing.
The use case loads the round, asks it, saves what it answers and records the events.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .errors import Conflict
from .events import Event, LiveResultsChanged, PhaseChanged, ResultPublished, RoundCreated
from .phases import Phase, advance, require_phase
from .text import N_

__all__ = ["Change", "Round", "budget_within", "next_phase"]


@dataclass(frozen=True, slots=True)
class Round:
    id: str
    title: str
    method: str
    budget_minor: int
    params: Mapping[str, object] = field(default_factory=dict)
    phase: Phase = Phase.DRAFT
    show_live: bool = False

    @staticmethod
    def create(
        id: str,
        *,
        title: str,
        method: str,
        params: Mapping[str, object],
        budget_minor: int,
        show_live: bool = False,
    ) -> Change:
        """A new round, in ``draft`` (title, method, params and budget already checked)."""
        new = Round(id, title, method, budget_minor, dict(params), show_live=show_live)
        after = {
            "title": title,
            "method": method,
            "params": dict(params),
            "budget_minor": budget_minor,
            "show_live": show_live,
        }
        return Change(new, (RoundCreated(round_id=id, after=after),))

    @property
    def next_phase(self) -> Phase | None:
        """Where the round can move from here (``None`` once closed)."""
        return self.phase.next

    @property
    def closed(self) -> bool:
        return self.phase is Phase.CLOSED

    def move_to(self, target: Phase) -> Change:
        """One phase on; closing publishes the result."""
        moved = replace(self, phase=advance(self.phase, target))
        events: list[Event] = [
            PhaseChanged(
                round_id=self.id,
                phase=moved.phase.value,
                before={"phase": self.phase.value},
                after={"phase": moved.phase.value},
            )
        ]
        if moved.closed:
            events.append(ResultPublished(round_id=self.id))
        return Change(moved, tuple(events))

    def open_for_proposals(self) -> Change:
        return self.move_to(Phase.PROPOSING)

    def close(self) -> Change:
        return self.move_to(Phase.CLOSED)

    def show_result_live(self, show_live: bool) -> Change:
        """Show the result as it stands while the group votes, or stop; until it closes."""
        if self.closed:
            raise Conflict(N_("The round has closed: its result is out."), code="round_closed")
        if show_live == self.show_live:
            return Change(self)
        event = LiveResultsChanged(
            round_id=self.id,
            show_live=show_live,
            before={"show_live": self.show_live},
            after={"show_live": show_live},
        )
        return Change(replace(self, show_live=show_live), (event,))

    def require_proposals_open(self) -> None:
        require_phase(
            self.phase,
            self.phase.accepts_proposals,
            N_("Proposals can only be made while proposing."),
        )

    def require_comments_open(self) -> None:
        require_phase(
            self.phase,
            self.phase.accepts_comments,
            N_("Comments can only be added while proposing or discussing."),
        )

    def require_voting_open(self) -> None:
        require_phase(
            self.phase, self.phase.accepts_ballots, N_("Voting is not open in this round.")
        )


@dataclass(frozen=True, slots=True)
class Change:
    """A move's outcome: the round after it, and what happened (the change first)."""

    round: Round
    events: tuple[Event, ...] = ()


def next_phase(phase: str) -> str | None:
    """The phase after ``phase`` (by its name), or ``None`` after ``closed``: the one
    next-phase map, which the console's button reads too."""
    following = Phase(phase).next
    return following.value if following else None


def budget_within(budget_minor: int | None, available_minor: int) -> int:
    """A new round's budget: at most what the pot has available (``None``: all of that)."""
    if budget_minor is None:
        if available_minor <= 0:
            raise Conflict(N_("The pot has no money available."), code="pot_empty")
        return available_minor
    if budget_minor > available_minor:
        raise Conflict(
            N_("The budget is more than the pot has available ({available})."),
            code="budget_exceeds_pot",
            field="budget_minor",
            params={"available_minor": available_minor},
        )
    return budget_minor
