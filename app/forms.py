"""Reading what people type into browser forms."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal, overload

from app.deliberation.errors import InvalidInput
from app.deliberation.text import N_

_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
KRONER_HINT = N_("Write the amount in kroner, for example 1500 or 1.500,50.")


@overload
def parse_kroner(text: str, field: str = ..., *, optional: Literal[False] = ...) -> int: ...
@overload
def parse_kroner(text: str, field: str = ..., *, optional: bool) -> int | None: ...
def parse_kroner(text: str, field: str = "amount_minor", *, optional: bool = False) -> int | None:
    """An amount typed in kroner, as øre: ``1500``, ``1.500``, ``1 500``, ``1500,50``,
    ``1.500,50`` and ``12.50`` are all understood; anything else is refused. With
    ``optional``, an empty field is ``None``."""
    if optional and not text.strip():
        return None
    raw = text.strip().lower().removesuffix("kr.").removesuffix("kr").strip()
    raw = raw.replace("\u00a0", "").replace(" ", "")
    if not re.fullmatch(r"[0-9.,]{1,15}", raw):
        raise InvalidInput(KRONER_HINT, field=field)
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif _THOUSANDS_DOT.match(raw):
        raw = raw.replace(".", "")
    try:
        amount = Decimal(raw)
        exact = amount == amount.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise InvalidInput(KRONER_HINT, field=field) from None
    if amount <= 0 or not exact:
        raise InvalidInput(KRONER_HINT, field=field)
    return int(amount * 100)


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
