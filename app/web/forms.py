"""Reading what people type into browser forms."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Literal, overload

from app.deliberation.errors import InvalidInput
from app.deliberation.text import N_

KRONER_HINT = N_("Write the amount in kroner, for example {plain} or {full}.")
KRONER_UNCLEAR = N_(
    "Do you mean {thousands} when you write {typed}? We cannot tell. Write it without the "
    "dot or comma, like {plain}, or with øre, like {full}."
)
# What a locale writes between thousands and before øre.
_SIGNS = {"da": (".", ","), "en": (",", ".")}
_CURRENCY = re.compile(r"^(?:kr\.?|dkk)\s*|\s*(?:kr\.?|dkk|,-|\.-)$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")  # 2.500 or 1,234,567
_MAX_DIGITS = 12


def _written(amount_minor: int, language: str, *, grouped: bool) -> str:
    """``amount_minor`` as a person writes it in ``language``: 2.500,00 or 2500."""
    kroner, ore = divmod(amount_minor, 100)
    group, decimal = _SIGNS.get(language, _SIGNS["da"])
    whole = f"{kroner:,}".replace(",", group) if grouped else str(kroner)
    return f"{whole}{decimal}{ore:02d}" if grouped else whole


@overload
def parse_kroner(
    text: str, field: str = ..., *, language: str = ..., optional: Literal[False] = ...
) -> int: ...
@overload
def parse_kroner(
    text: str, field: str = ..., *, language: str = ..., optional: bool
) -> int | None: ...
def parse_kroner(
    text: str, field: str = "amount_minor", *, language: str = "da", optional: bool = False
) -> int | None:
    """An amount typed in kroner, as whole øre, read the way people write it in ``language``.

    Understood in both languages: ``2500``, ``2 500``, ``kr. 2.500``, ``DKK 2,500``,
    ``2.500 kr.``, ``2.500,-``, ``2.500,50`` and ``2,500.50``. The rule for the dot and the
    comma:

    - both in one amount: the last is the decimal sign, the other groups thousands;
    - one sign, followed by one or two digits (``12,5``, ``12.50``): the decimal sign;
    - one sign used between groups of three (``1.234.567``, ``1,234,567``): thousands;
    - one sign once, followed by exactly three digits: thousands if that is the language's
      thousands sign (Danish ``2.500``, English ``2,500``); if it is the language's decimal
      sign (Danish ``2,500``, English ``2.500``) it is unclear, and the person is asked to
      write it without the sign or with øre, never guessed.

    So the language only decides the case that is otherwise unclear, and an amount written
    by one language's rules is never read as another amount in the other. Anything else is
    refused with a hint in the language. With ``optional``, an empty field is ``None``.
    """
    if not text.strip():
        if optional:
            return None
        raise InvalidInput.empty(KRONER_HINT, field, _hint(language))
    raw = _SPACES.sub(" ", text.strip().lower())
    raw = _CURRENCY.sub("", raw).strip()  # kr. 2.500, DKK 2,500, 2.500 kr., 2.500,-
    if re.fullmatch(r"\d{1,3}(?: \d{3})+(?:[.,]\d{1,2})?", raw):
        raw = raw.replace(" ", "")  # 2 500 or 2 500,50: spaces group thousands
    if not re.fullmatch(r"[0-9.,]{1,20}", raw) or not raw[0].isdigit():
        raise InvalidInput(KRONER_HINT, field=field, params=_hint(language))
    whole, ore = _split(raw, language, text.strip(), field)
    digits = whole.lstrip("0")
    if not whole.isdigit() or len(digits) > _MAX_DIGITS or not re.fullmatch(r"\d{0,2}", ore):
        raise InvalidInput(KRONER_HINT, field=field, params=_hint(language))
    amount = int(whole) * 100 + int(ore.ljust(2, "0") or "0")
    if amount <= 0:
        raise InvalidInput(KRONER_HINT, field=field, params=_hint(language))
    return amount


def _split(raw: str, language: str, typed: str, field: str) -> tuple[str, str]:
    """``raw`` (digits, dots and commas) as whole kroner and øre digits, by the rule above."""
    signs = [ch for ch in raw if ch in ".,"]
    if not signs:
        return raw, ""
    last = signs[-1]
    head, _, tail = raw.rpartition(last)
    if len(set(signs)) == 2:  # 2.500,50 or 2,500.50
        if signs.count(last) != 1 or not _GROUPED.match(head):
            raise InvalidInput(KRONER_HINT, field=field, params=_hint(language))
        return re.sub(r"[.,]", "", head), tail
    if len(signs) == 1 and len(tail) in (1, 2):
        return head, tail
    if _GROUPED.match(raw):
        _group, decimal = _SIGNS.get(language, _SIGNS["da"])
        if len(signs) == 1 and last == decimal:
            thousands = int(head + tail) * 100
            raise InvalidInput(
                KRONER_UNCLEAR,
                field=field,
                params={
                    "typed": typed,
                    "thousands_minor": thousands,
                    "plain": _written(thousands, language, grouped=False),
                    "full": _written(thousands, language, grouped=True),
                },
            )
        return raw.replace(last, ""), ""
    raise InvalidInput(KRONER_HINT, field=field, params=_hint(language))


def _hint(language: str) -> dict[str, object]:
    return {"plain": "1500", "full": _written(150050, language, grouped=True)}


def method_params(method: str, fields: Mapping[str, str]) -> dict[str, object]:
    """The parameters a facilitator typed for ``method``, as the method takes them (the
    method checks them; fields of other methods and empty ones are left out). A Danish
    decimal comma in the threshold is understood: ``0,5``."""

    def whole(text: str) -> object:
        return int(text) if text.isdigit() else text  # not a whole number: refused, by name

    convert: dict[str, dict[str, Callable[[str], object]]] = {
        "cumulative": {"points": whole},
        "consent": {"threshold": lambda t: t.replace(",", "."), "max_no": whole},
        "equal_shares": {"completion": str},
    }
    return {
        name: read(fields[name].strip())
        for name, read in convert.get(method, {}).items()
        if fields.get(name, "").strip()
    }


def parse_day(text: str, field: str) -> date | None:
    """A date typed as ``YYYY-MM-DD`` (what a date field sends); empty is ``None``."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(N_("Write the date as YYYY-MM-DD."), field=field) from None
