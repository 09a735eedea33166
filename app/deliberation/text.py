"""Marks a message for translation without translating it.

The core stays free of gettext: it names messages by their English msgid and the edge
(``app.i18n``) translates them for the person reading. Babel extracts ``N_`` calls.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message
