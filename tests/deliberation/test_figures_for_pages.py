"""Figures the pages show are worked out in the core, so no template does arithmetic on
money and no template knows the order of a round's phases."""

from __future__ import annotations

import re
from pathlib import Path

import app.web
from app.deliberation.ballots import points_allowed, points_left
from app.deliberation.decisions import left_to_pay, released_by_approving
from app.deliberation.pots import share_percent

TEMPLATES = sorted((Path(app.web.__file__).parent / "templates").glob("*.html"))


def test_a_share_of_the_budget_is_a_percentage_to_two_decimals() -> None:
    assert share_percent(1_234_50, 3_000_00) == 41.15
    assert share_percent(1, 3) == 33.33
    assert share_percent(500, 0) == 50_000.0  # nothing budgeted: never a division by zero


def test_what_is_left_and_what_goes_back() -> None:
    assert left_to_pay(10_000_00, 4_000_00) == 6_000_00
    assert released_by_approving(12_000_00, 10_000_00) == 2_000_00


def test_a_cumulative_ballot_says_how_many_points_are_left() -> None:
    assert points_allowed({}) == 10
    assert points_allowed({"points": 12}) == 12
    assert points_left({"points": 12}, {"points": {"a": 5, "b": 2}}) == 5
    assert points_left({}, None) == 10
    assert points_left({}, {"approvals": ["a"]}) == 10  # not a points ballot


def test_no_template_does_money_arithmetic_or_knows_the_phase_order() -> None:
    money_sum = re.compile(r"_minor\s*[-+*/]|[-+*/]\s*\(?\s*[a-z_.]*_minor\b")
    for template in TEMPLATES:
        text = template.read_text(encoding="utf-8")
        assert not money_sum.search(text), f"{template.name} does money arithmetic"
        assert '"draft": "proposing"' not in text, f"{template.name} has a next-phase map"
        assert "|sum" not in text, f"{template.name} adds up points itself"
