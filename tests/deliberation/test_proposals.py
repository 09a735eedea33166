"""A proposal says what, how much, and how it brings the member closer to education or a job."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.deliberation.errors import InvalidInput
from app.deliberation.fields import clean_text, require_amount, require_text
from app.deliberation.proposals import (
    DESCRIPTION_MAX,
    HOW_IT_HELPS_MAX,
    TITLE_MAX,
    Category,
    ProposalDraft,
    validate_proposal,
)

BUDGET = 500_000
CATEGORIES = [
    "course",
    "licence",
    "equipment",
    "transport",
    "experience",
    "health",
    "housing",
    "other",
]


def propose(**changes: object) -> ProposalDraft:
    values: dict[str, object] = {
        "title": "Driving licence",
        "description": "Lessons and the test.",
        "amount_minor": 300_000,
        "how_it_helps": "Most warehouse jobs here need one.",
        "category": "licence",
        "budget_minor": BUDGET,
    }
    values.update(changes)
    return validate_proposal(**values)  # type: ignore[arg-type]


def refused_field(**changes: object) -> str | None:
    with pytest.raises(InvalidInput) as caught:
        propose(**changes)
    assert caught.value.code == "invalid_input"
    return caught.value.field


def test_a_complete_proposal_passes_as_it_was_written() -> None:
    draft = propose()
    assert draft == ProposalDraft(
        title="Driving licence",
        description="Lessons and the test.",
        amount_minor=300_000,
        how_it_helps="Most warehouse jobs here need one.",
        category=Category.LICENCE,
    )


def test_the_limits_are_the_documented_ones() -> None:
    assert (TITLE_MAX, DESCRIPTION_MAX, HOW_IT_HELPS_MAX) == (120, 2000, 500)


# Title


def test_a_title_of_one_character_is_enough() -> None:
    assert propose(title="X").title == "X"


def test_a_title_of_exactly_120_characters_is_allowed() -> None:
    assert propose(title="t" * 120).title == "t" * 120


def test_a_title_of_121_characters_is_refused_naming_the_title() -> None:
    with pytest.raises(InvalidInput) as caught:
        propose(title="t" * 121)
    assert caught.value.field == "title"
    assert caught.value.params["maximum"] == 120
    assert caught.value.params["length"] == 121


@pytest.mark.parametrize("title", ["", " ", "   \t  ", "\n\n", "\u00a0\u3000", "\x00\u200b"])
def test_an_empty_or_whitespace_only_title_is_refused(title: str) -> None:
    assert refused_field(title=title) == "title"


def test_a_title_is_measured_after_trimming() -> None:
    assert propose(title="  " + "t" * 120 + "  \n").title == "t" * 120


def test_a_title_is_measured_after_nfc_so_accents_count_once() -> None:
    decomposed = "e\u0301" * 120
    assert len(decomposed) == 240
    assert propose(title=decomposed).title == "\u00e9" * 120


# Description


@pytest.mark.parametrize("description", ["", "   ", "\n"])
def test_a_description_is_optional(description: str) -> None:
    assert propose(description=description).description == ""


def test_a_description_of_exactly_2000_characters_is_allowed() -> None:
    assert len(propose(description="d" * 2000).description) == 2000


def test_a_description_of_2001_characters_is_refused_naming_the_description() -> None:
    assert refused_field(description="d" * 2001) == "description"


def test_a_description_keeps_its_line_breaks_and_tabs() -> None:
    text = "Week 1:\ttheory\r\nWeek 2:\tdriving"
    assert propose(description=text).description == "Week 1:\ttheory\nWeek 2:\tdriving"


# How it helps


@pytest.mark.parametrize("how", ["", "  ", "\t\n"])
def test_how_it_helps_is_required(how: str) -> None:
    assert refused_field(how_it_helps=how) == "how_it_helps"


def test_how_it_helps_of_one_and_of_500_characters_is_allowed() -> None:
    assert propose(how_it_helps="h").how_it_helps == "h"
    assert propose(how_it_helps="h" * 500).how_it_helps == "h" * 500


def test_how_it_helps_of_501_characters_is_refused() -> None:
    assert refused_field(how_it_helps="h" * 501) == "how_it_helps"


# Amount


def test_an_amount_equal_to_the_budget_is_allowed() -> None:
    assert propose(amount_minor=BUDGET).amount_minor == BUDGET


def test_an_amount_of_one_ore_is_allowed() -> None:
    assert propose(amount_minor=1).amount_minor == 1


@pytest.mark.parametrize(
    "amount",
    [0, -1, -BUDGET, True, False, 1.0, 100.5, "100", None, BUDGET + 1, 10**30],
    ids=repr,
)
def test_an_amount_that_is_not_a_positive_whole_number_within_the_budget_is_refused(
    amount: object,
) -> None:
    assert refused_field(amount_minor=amount) == "amount_minor"


def test_an_amount_above_the_budget_says_what_the_budget_is() -> None:
    with pytest.raises(InvalidInput) as caught:
        propose(amount_minor=BUDGET + 1, budget_minor=BUDGET)
    assert caught.value.params == {"budget_minor": BUDGET}
    assert f"DKK {BUDGET // 100:,}.{BUDGET % 100:02d}" in caught.value.text()


def test_with_a_zero_budget_no_amount_fits() -> None:
    assert refused_field(amount_minor=1, budget_minor=0) == "amount_minor"


# Category


@pytest.mark.parametrize("category", CATEGORIES)
def test_each_programme_category_is_accepted(category: str) -> None:
    assert propose(category=category).category is Category(category)


def test_the_categories_are_exactly_the_programme_s_eight() -> None:
    assert sorted(c.value for c in Category) == sorted(CATEGORIES)


@pytest.mark.parametrize("category", ["", "Course", " course", "food", "holiday", "licenses"])
def test_an_unknown_category_is_refused_listing_the_choices(category: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        propose(category=category)
    assert caught.value.field == "category"
    for choice in CATEGORIES:
        assert choice in caught.value.text()


# Which field is named


def test_the_first_wrong_field_is_the_one_named() -> None:
    assert refused_field(title="", how_it_helps="", amount_minor=0, category="x") == "title"
    assert refused_field(how_it_helps="", amount_minor=0, category="x") == "how_it_helps"
    assert refused_field(amount_minor=0, category="x") == "amount_minor"
    assert refused_field(category="x") == "category"


# Cleaning text


def test_text_is_trimmed() -> None:
    draft = propose(title="  Bike  ", description="\n A bike. \n", how_it_helps="\tTo work.\t")
    assert (draft.title, draft.description, draft.how_it_helps) == ("Bike", "A bike.", "To work.")


def test_text_is_nfc_normalised() -> None:
    assert propose(title="Cafe\u0301 course").title == "Caf\u00e9 course"


def test_control_and_invisible_format_characters_are_removed() -> None:
    assert propose(title="Dri\x00ving\x07 lic\u200bence\x1b").title == "Driving licence"


def test_clean_text_keeps_letters_of_every_script_and_emoji() -> None:
    assert clean_text("Æble Øre Åen 🚲 日本 مرحبا") == "Æble Øre Åen 🚲 日本 مرحبا"


def test_text_is_still_nfc_when_an_invisible_character_sat_between_letter_and_accent() -> None:
    assert propose(title="Cafe\u200b\u0301").title == "Caf\u00e9"


def test_cleaning_clean_text_again_changes_nothing_even_after_a_control_character() -> None:
    once = clean_text("e\x00\u0301")
    assert clean_text(once) == once


# Characters that clean_text keeps as they are (no control or format characters, no \r):
# on these the properties below hold.
plain_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cf", "Cs")) | st.sampled_from("\n\t ")
)


@given(st.text())
def test_clean_text_leaves_no_control_characters_and_no_outer_whitespace(raw: str) -> None:
    cleaned = clean_text(raw)
    assert cleaned == cleaned.strip()
    for ch in cleaned:
        assert ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")


@given(plain_text)
def test_clean_text_of_plain_text_is_nfc_and_idempotent(raw: str) -> None:
    cleaned = clean_text(raw)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned) == cleaned


@given(st.text(), st.integers(min_value=0, max_value=30))
def test_require_text_returns_clean_text_within_the_maximum_or_names_the_field(
    raw: str, maximum: int
) -> None:
    try:
        cleaned = require_text("title", raw, maximum=maximum)
    except InvalidInput as error:
        assert error.field == "title"  # noqa: PT017 (either outcome is right; see below)
        assert clean_text(raw) == "" or len(clean_text(raw)) > maximum
    else:
        assert cleaned == clean_text(raw)
        assert 1 <= len(cleaned) <= maximum


@given(st.integers(), st.integers(min_value=1, max_value=10**12))
def test_require_amount_accepts_exactly_the_whole_numbers_from_one_to_the_maximum(
    amount: int, maximum: int
) -> None:
    if 1 <= amount <= maximum:
        assert require_amount("amount_minor", amount, maximum=maximum) == amount
    else:
        with pytest.raises(InvalidInput) as caught:
            require_amount("amount_minor", amount, maximum=maximum)
        assert caught.value.field == "amount_minor"
