"""Things that happened in a workshop, recorded by use cases and sent live after commit.

Each event knows its wire ``type`` (the contract's name) and its JSON ``payload``. Payloads
carry ids and counts only: never a ballot's content, never a member's name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar

__all__ = [
    "BallotsChanged",
    "CommentAdded",
    "Event",
    "MemberJoined",
    "MemberLeft",
    "PhaseChanged",
    "ProposalSubmitted",
    "CommentHidden",
    "DecisionChanged",
    "LiveResultsChanged",
    "MemberRemoved",
    "ResultPublished",
    "RoundCreated",
    "ScreenRotated",
    "SpotlightChanged",
    "TimerChanged",
]


@dataclass(frozen=True, slots=True)
class Event:
    type: ClassVar[str] = "event"

    def payload(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class RoundCreated(Event):
    type: ClassVar[str] = "round.created"
    round_id: str


@dataclass(frozen=True, slots=True)
class PhaseChanged(Event):
    type: ClassVar[str] = "round.phase"
    round_id: str
    phase: str


@dataclass(frozen=True, slots=True)
class LiveResultsChanged(Event):
    """The facilitator chose to show (or stop showing) the result live while voting."""

    type: ClassVar[str] = "round.show_live"
    round_id: str
    show_live: bool


@dataclass(frozen=True, slots=True)
class ProposalSubmitted(Event):
    type: ClassVar[str] = "proposal.created"
    round_id: str
    proposal_id: str


@dataclass(frozen=True, slots=True)
class CommentAdded(Event):
    type: ClassVar[str] = "comment.created"
    round_id: str
    proposal_id: str
    comment_id: str


@dataclass(frozen=True, slots=True)
class BallotsChanged(Event):
    type: ClassVar[str] = "ballots.changed"
    round_id: str
    ballots: int
    members: int


@dataclass(frozen=True, slots=True)
class ResultPublished(Event):
    type: ClassVar[str] = "result.published"
    round_id: str


@dataclass(frozen=True, slots=True)
class MemberJoined(Event):
    type: ClassVar[str] = "member.joined"
    member_id: str
    members: int


@dataclass(frozen=True, slots=True)
class MemberLeft(Event):
    """A member left by themselves (they may come back from the same phone)."""

    type: ClassVar[str] = "member.left"
    member_id: str
    members: int


@dataclass(frozen=True, slots=True)
class DecisionChanged(Event):
    """A caseworker took a step on a funded proposal of this workshop's round."""

    type: ClassVar[str] = "decision.changed"
    round_id: str
    decision_id: str
    status: str


@dataclass(frozen=True, slots=True)
class CommentHidden(Event):
    type: ClassVar[str] = "comment.hidden"
    round_id: str
    proposal_id: str
    comment_id: str
    hidden: bool


@dataclass(frozen=True, slots=True)
class MemberRemoved(Event):
    type: ClassVar[str] = "member.removed"
    member_id: str
    members: int


@dataclass(frozen=True, slots=True)
class TimerChanged(Event):
    """The facilitator started (``ends_at`` as ISO time) or stopped (``None``) the timer."""

    type: ClassVar[str] = "timer.changed"
    ends_at: str | None


@dataclass(frozen=True, slots=True)
class SpotlightChanged(Event):
    type: ClassVar[str] = "spotlight.changed"
    proposal_id: str | None


@dataclass(frozen=True, slots=True)
class ScreenRotated(Event):
    """The screen URL changed: screens open with the old one are closed."""

    type: ClassVar[str] = "screen.rotated"
