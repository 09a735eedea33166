"""Languages: gettext catalogs (Babel), language negotiation and money formatting.

Danish is the default; English is the other language. Messages are English msgids marked
with ``N_`` in the core and ``_`` at the edge; ``app/locale/<lang>/LC_MESSAGES`` holds the
catalogs.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale
from babel.numbers import format_currency
from babel.support import NullTranslations, Translations

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
LOCALE_DIR = Path(__file__).parent / "locale"


@cache
def translations(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language], domain="messages")


def translate(language: str, message: str, params: dict[str, object] | None = None) -> str:
    text = translations(language).gettext(message)
    return text.format(**params) if params else text


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an ``Accept-Language`` header (Danish if none fits)."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    preferred = []
    for part in accept_language.split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        if tag:
            preferred.append((weight, tag.strip().replace("-", "_")))
    ordered = [tag for _, tag in sorted(preferred, key=lambda p: -p[0])]
    chosen = Locale.negotiate(ordered, list(LANGUAGES), sep="_")
    return str(chosen) if chosen else DEFAULT_LANGUAGE


def format_money(amount_minor: int, currency: str, language: str) -> str:
    """``12.000,00 kr.`` in Danish, ``DKK 12,000.00`` in English; exact (no floats)."""
    amount = Decimal(amount_minor) / 100
    if language == "en":
        return format_currency(amount, currency, format="¤¤ #,##0.00", locale="en")
    return format_currency(amount, currency, locale="da_DK")
