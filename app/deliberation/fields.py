"""Checks for the small fields people type: names, titles, comments, amounts."""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Callable
from typing import TypeVar

from .errors import InvalidInput
from .text import N_

__all__ = ["checked", "clean_text", "require_amount", "require_choice", "require_text"]


def clean_text(value: str) -> str:
    """Normalise user text: NFC, no control characters but newlines and tabs, trimmed."""
    kept = "".join(
        ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )
    return unicodedata.normalize("NFC", kept).strip()


def require_text(field: str, value: str, *, maximum: int, required: bool = True) -> str:
    """``value`` cleaned, or InvalidInput naming ``field`` if it is empty (``missing``)
    or too long. ``{field}`` is the machine name here; the web edge puts it in words."""
    cleaned = clean_text(value)
    if required and not cleaned:
        raise InvalidInput.empty(N_("Please fill in {field}."), field, {"field": field})
    if len(cleaned) > maximum:
        raise InvalidInput(
            N_("{field} can be at most {maximum} characters. You wrote {length}."),
            field=field,
            params={"field": field, "maximum": maximum, "length": len(cleaned)},
        )
    return cleaned


def require_amount(field: str, value: int, *, maximum: int | None = None) -> int:
    """A positive whole number of øre, at most ``maximum``."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidInput(N_("The amount must be a whole number of øre above zero."), field=field)
    if maximum is not None and value > maximum:
        raise InvalidInput(
            N_("The amount can be at most {maximum}."),
            field=field,
            params={"maximum_minor": maximum},
        )
    return value


Choice = TypeVar("Choice", bound=enum.Enum)
T = TypeVar("T")


def checked(problems: list[InvalidInput], check: Callable[[], T], fallback: T) -> T:
    """``check()``, or ``fallback`` with its InvalidInput added to ``problems``: a form's
    fields are all checked, so a person learns everything wrong at once."""
    try:
        return check()
    except InvalidInput as problem:
        problems.append(problem)
        return fallback


def require_choice(field: str, value: object, choices: type[Choice], message: str) -> Choice:
    """``value`` as one of ``choices``, or InvalidInput naming ``field`` and listing them
    (``message`` has a ``{choices}`` placeholder)."""
    listed = {"choices": ", ".join(str(c.value) for c in choices)}
    if value in ("", None):  # nothing chosen: never a silent default
        raise InvalidInput.empty(message, field, listed)
    try:
        return choices(value)
    except ValueError:
        raise InvalidInput(message, field=field, params=listed) from None
