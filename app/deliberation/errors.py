"""Errors the deliberation core raises.

Every error carries a snake_case ``code`` for programs and a ``message`` (an English msgid,
with ``{placeholders}`` filled from ``params``) for a person. The web edge maps each class to
one HTTP status in one place.

    DeliberationError
    ├── InvalidInput        (422)  a field is missing, of the wrong kind or out of range
    ├── NotAuthenticated    (401)  no identity, or an expired or revoked one
    ├── NotAllowed          (403)  this role, or this member, may not do that here
    ├── NotFound            (404)  no such thing (in this organisation)
    ├── Conflict            (409)  the state of things does not allow it now
    │   ├── PhaseConflict          wrong phase of the round, or an illegal phase move
    │   └── PotOverspent           the pot does not have that much available
    └── TooManyAttempts     (429)  slow down
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar

from .text import N_

__all__ = [
    "Conflict",
    "DeliberationError",
    "InvalidInput",
    "NotAllowed",
    "NotAuthenticated",
    "NotFound",
    "PhaseConflict",
    "PotOverspent",
    "TooManyAttempts",
    "with_amounts",
]


class DeliberationError(Exception):
    default_code: ClassVar[str] = "error"
    default_message: ClassVar[str] = N_("Something went wrong.")

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        field: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.code = code or self.default_code
        self.field = field
        self.params: dict[str, object] = dict(params or {})
        super().__init__(self.text())

    def text(self) -> str:
        """The message in English with its placeholders filled in (amounts as plain DKK)."""
        return self.message.format(**with_amounts(self.params, _plain_amount))


def _plain_amount(amount_minor: int) -> str:
    kroner, ore = divmod(abs(amount_minor), 100)
    return f"{'-' if amount_minor < 0 else ''}DKK {kroner:,}.{ore:02d}"


def with_amounts(
    params: Mapping[str, object], format_amount: Callable[[int], str]
) -> dict[str, object]:
    """``params`` plus, for each ``x_minor`` integer, ``x`` as an amount a person can read."""
    filled = dict(params)
    for key, value in params.items():
        if key.endswith("_minor") and isinstance(value, int) and not isinstance(value, bool):
            filled[key.removesuffix("_minor")] = format_amount(value)
    return filled


class InvalidInput(DeliberationError):
    """A field is wrong. ``problems`` holds every wrong field of a form checked at once (the
    error itself is the first, so a program that reads one ``field`` still gets one)."""

    default_code = "invalid_input"
    default_message = N_("Please check what you filled in.")
    problems: tuple[InvalidInput, ...] = ()
    missing: bool = False  # the field was left empty (the edge asks for it by name, in words)

    @classmethod
    def empty(cls, message: str, field: str, params: Mapping[str, object]) -> InvalidInput:
        """``field`` was left empty."""
        error = cls(message, field=field, params=params)
        error.missing = True
        return error

    @property
    def all(self) -> tuple[InvalidInput, ...]:
        return self.problems or (self,)

    @classmethod
    def together(cls, problems: Sequence[InvalidInput]) -> InvalidInput:
        """One error carrying all of ``problems`` (at least one), first field first."""
        first = problems[0]
        first.problems = tuple(problems)
        return first


class NotAuthenticated(DeliberationError):
    default_code = "not_authenticated"
    default_message = N_("Please log in or join the workshop first.")


class NotAllowed(DeliberationError):
    default_code = "not_allowed"
    default_message = N_("You are not allowed to do that.")


class NotFound(DeliberationError):
    default_code = "not_found"
    default_message = N_("We could not find that.")


class Conflict(DeliberationError):
    default_code = "conflict"
    default_message = N_("That is not possible right now.")


class PhaseConflict(Conflict):
    default_code = "wrong_phase"
    default_message = N_("That is not possible in this phase of the round.")


class PotOverspent(Conflict):
    default_code = "pot_overspent"
    default_message = N_("The pot does not have that much money available.")


class TooManyAttempts(DeliberationError):
    default_code = "too_many_attempts"
    default_message = N_("Too many attempts. Please wait a minute and try again.")
