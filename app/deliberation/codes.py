"""Join codes: six characters a person can read off a projector and type on a phone.

The alphabet leaves out look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B) and vowels that could spell
words. Randomness is passed in so the core stays deterministic under test.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import InvalidInput
from .text import N_

__all__ = ["ALPHABET", "CODE_LENGTH", "make_code", "normalise_code"]

ALPHABET = "34679CDFGHJKMNPQRTVWXY"
CODE_LENGTH = 6


def make_code(choice: Callable[[str], str]) -> str:
    """A new code, drawing each character with ``choice`` (e.g. ``secrets.choice``)."""
    return "".join(choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What a person typed, as a code: upper case, any spaces and dashes ignored."""
    code = "".join(ch for ch in raw.upper() if not ch.isspace() and ch not in "-\u2010\u2013\u2014")
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        raise InvalidInput(
            N_("A join code has {length} letters and digits, like 4KXR7M."),
            field="code",
            params={"length": CODE_LENGTH},
        )
    return code
