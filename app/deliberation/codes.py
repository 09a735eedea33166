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
    """What a person typed, as a code: upper case, any spaces and dashes ignored.

    A wrong code says what is wrong: the characters codes never use (by name, so someone
    who typed a zero learns it is not there), or how long a code is."""
    code = "".join(ch for ch in raw.upper() if not ch.isspace() and ch not in "-\u2010\u2013\u2014")
    if not code:
        raise InvalidInput.empty(
            N_("Write the code from the screen."), "code", {"length": CODE_LENGTH}
        )
    unused = list(dict.fromkeys(ch for ch in code if ch not in ALPHABET))
    if unused:
        raise InvalidInput(
            N_("Codes never use {characters}. Look again at the code on the screen."),
            field="code",
            params={"characters": ", ".join(unused), "length": CODE_LENGTH},
        )
    if len(code) != CODE_LENGTH:
        raise InvalidInput(
            N_("A code has {length} characters. You typed {typed}."),
            field="code",
            params={"length": CODE_LENGTH, "typed": len(code)},
        )
    return code
