"""CSV files people open in a spreadsheet: UTF-8 with a BOM (so Danish Excel shows æøå),
amounts in kroner with a decimal point, or with a decimal comma and semicolons between
fields (as Danish Excel expects), and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text(value: object) -> str:
    """A text cell: one that starts like a formula gets a leading apostrophe, so a title
    such as ``=HYPERLINK(…)`` stays text (CSV injection)."""
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(_FORMULA_START) else s


def kroner(amount_minor: int, *, decimal_comma: bool) -> str:
    """``123456`` øre as ``1234.56`` (or ``1234,56``); no thousands separator."""
    sign = "-" if amount_minor < 0 else ""
    whole, ore = divmod(abs(amount_minor), 100)
    return f"{sign}{whole}{',' if decimal_comma else '.'}{ore:02d}"


def document(header: Sequence[str], rows: Iterable[Sequence[str]], *, decimal_comma: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if decimal_comma else ",", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
