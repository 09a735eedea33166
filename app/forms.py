"""Reading what people type into browser forms."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from app.deliberation.errors import InvalidInput
from app.deliberation.text import N_

_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
KRONER_HINT = N_("Write the amount in kroner, for example 1500 or 1.500,50.")


def parse_kroner(text: str, field: str = "amount_minor") -> int:
    """An amount typed in kroner, as øre: ``1500``, ``1.500``, ``1 500``, ``1500,50``,
    ``1.500,50`` and ``12.50`` are all understood; anything else is refused."""
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
