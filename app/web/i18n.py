"""Languages: gettext catalogs (Babel), language negotiation and money formatting.

Danish is the default; English is the other language. Messages are English msgids marked
with ``N_`` in the core and ``_`` at the edge; ``app/web/locale/<lang>/LC_MESSAGES/messages.po``
holds each catalog. The ``.po`` files are read directly (no compiled ``.mo`` to forget), and
``scripts/i18n`` re-extracts the msgids and updates them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import TypeVar

from babel import Locale
from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_currency

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
LOCALE_DIR = Path(__file__).parent / "locale"


class CatalogTranslations(NullTranslations):
    """gettext translations backed by a Babel catalog; untranslated msgids fall back."""

    def __init__(self, singular: dict[str, str], plural: dict[str, tuple[str, ...]]) -> None:
        super().__init__()
        self._singular = singular
        self._plural = plural

    def gettext(self, message: str) -> str:
        return self._singular.get(message) or message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        forms = self._plural.get(msgid1)
        if forms and all(forms):
            return forms[0] if n == 1 else forms[-1]
        return msgid1 if n == 1 else msgid2


def load_catalog(language: str) -> CatalogTranslations:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    for message in catalog:
        if not message.id or message.fuzzy or not message.string:
            continue
        if isinstance(message.id, str):
            singular[message.id] = str(message.string)
        else:
            plural[str(message.id[0])] = tuple(message.string)
    return CatalogTranslations(singular, plural)


@cache
def translations(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()
    return load_catalog(language)


def translate(language: str, message: str, params: Mapping[str, object] | None = None) -> str:
    text = translations(language).gettext(message)
    return tidy(text.format(**params)) if params else text


_DOUBLE_STOP = re.compile(r"(?<=kr\.)\.(?!\.)")


Text = TypeVar("Text", bound=str)


def tidy(text: Text) -> Text:
    """One full stop after an amount that ends a sentence: Danish amounts end in "kr.", and
    "15.000,00 kr.." is wrong (the abbreviation's stop ends the sentence too). Keeps the
    type, so an escaped template string stays escaped."""
    if "kr.." not in text:
        return text
    return type(text)(_DOUBLE_STOP.sub("", text))


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


def format_day(day: date, language: str) -> str:
    """``12. marts`` in Danish, ``12 March`` in English."""
    return format_date(day, format="d. MMMM" if language == "da" else "d MMMM", locale=language)


def format_money(amount_minor: int, currency: str, language: str, *, whole: bool = False) -> str:
    """``12.000,00 kr.`` in Danish, ``DKK 12,000.00`` in English; exact (no floats).
    ``whole``: rounded to whole kroner (``12.000 kr.``), for a chart's axis."""
    amount = Decimal(amount_minor) / 100
    if whole:
        pattern = "¤¤ #,##0" if language == "en" else "#,##0 ¤"
        locale = "en" if language == "en" else "da_DK"
        return format_currency(
            amount, currency, format=pattern, locale=locale, currency_digits=False
        )
    if language == "en":
        return format_currency(amount, currency, format="¤¤ #,##0.00", locale="en")
    return format_currency(amount, currency, locale="da_DK")


def format_money_short(amount_minor: int, currency: str, language: str) -> str:
    """Whole kroner without the øre (``12.000 kr.``), for figures read from across a room;
    an amount with øre keeps them (still exact)."""
    return format_money(amount_minor, currency, language, whole=amount_minor % 100 == 0)
