"""What a voting rule works on and what it gives back."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..methods import Method

__all__ = ["Candidate", "Reason", "Result", "tie_key"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A proposal as a voting rule sees it."""

    id: str
    amount_minor: int
    position: int


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a proposal was or was not funded: a code and the figures a sentence needs."""

    code: str
    params: dict[str, object] = field(default_factory=dict)

    @property
    def funded(self) -> bool:
        return self.code.startswith("funded")


@dataclass(frozen=True, slots=True)
class Result:
    method: Method
    budget_minor: int
    funded: tuple[str, ...]
    scores: dict[str, int]
    spent_minor: int
    leftover_minor: int
    reasons: dict[str, Reason]
    voters: int


def tie_key(candidate: Candidate, support: int) -> tuple[int, int, int]:
    """Among equal scores: cheaper first, then more support, then earlier submitted."""
    return (candidate.amount_minor, -support, candidate.position)
