"""Amounts typed into browser forms, in kroner, the Danish and the English way."""

from __future__ import annotations

import pytest

from app.deliberation.errors import InvalidInput
from app.web.forms import parse_kroner


@pytest.mark.parametrize(
    ("typed", "ore"),
    [
        ("1500", 150000),
        ("1.500", 150000),
        ("1 500", 150000),
        ("1500,50", 150050),
        ("1.500,50", 150050),
        ("12.50", 1250),
        ("12.000 kr.", 1200000),
        ("0,01", 1),
        ("1.234.567", 123456700),
    ],
)
def test_amounts_people_type_are_read_as_ore(typed: str, ore: int) -> None:
    assert parse_kroner(typed) == ore


@pytest.mark.parametrize(
    "typed",
    ["", "abc", "0", "-5", "1e30", "2e3", "1,001", "NaN", "Infinity", "12..5", "²", "9" * 16],
)
def test_anything_else_is_refused_with_a_hint(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_kroner(typed, "amount_minor")
    assert refused.value.field == "amount_minor"
