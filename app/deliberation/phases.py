"""The phases of a round, and the only moves between them.

A round goes ``draft → proposing → discussing → voting → closed``, one step at a time and
only forward. A result, once published, stands: nothing leaves ``closed``.
"""

from __future__ import annotations

import enum

from .errors import PhaseConflict
from .text import N_

__all__ = ["Phase", "advance", "require_phase"]


class Phase(enum.StrEnum):
    DRAFT = "draft"
    PROPOSING = "proposing"
    DISCUSSING = "discussing"
    VOTING = "voting"
    CLOSED = "closed"

    @property
    def next(self) -> Phase | None:
        order = list(Phase)
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None

    @property
    def accepts_proposals(self) -> bool:
        return self is Phase.PROPOSING

    @property
    def accepts_comments(self) -> bool:
        return self in (Phase.PROPOSING, Phase.DISCUSSING)

    @property
    def accepts_ballots(self) -> bool:
        return self is Phase.VOTING


def advance(current: Phase, target: Phase) -> Phase:
    """Return ``target`` if it is the one step after ``current``; else raise PhaseConflict."""
    if current.next is not target:
        if current is Phase.CLOSED:
            raise PhaseConflict(
                N_("The round is closed and its result stands."), code="round_closed"
            )
        raise PhaseConflict(
            N_("A round moves one step at a time: from {current} the next phase is {next}."),
            code="illegal_phase_move",
            field="phase",
            params={"current": current.value, "next": current.next.value if current.next else "-"},
        )
    return target


def require_phase(current: Phase, allowed: bool, message: str) -> None:
    """Raise PhaseConflict with ``message`` unless ``allowed`` holds in ``current``."""
    if not allowed:
        raise PhaseConflict(message, params={"phase": current.value})
