"""What a proposal is, and what makes one valid.

The programme has one rule: every use of the pot must, in the group's own view, bring the
member closer to education or a job. ``how_it_helps`` is where the member says how, so it is
required.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .errors import InvalidInput
from .fields import checked, require_amount, require_choice, require_text
from .text import N_

__all__ = [
    "DESCRIPTION_MAX",
    "HOW_IT_HELPS_MAX",
    "TITLE_MAX",
    "Category",
    "ProposalDraft",
    "validate_proposal",
]

TITLE_MAX = 120
DESCRIPTION_MAX = 2000
HOW_IT_HELPS_MAX = 500


class Category(enum.StrEnum):
    COURSE = "course"
    LICENCE = "licence"
    EQUIPMENT = "equipment"
    TRANSPORT = "transport"
    EXPERIENCE = "experience"
    HEALTH = "health"
    HOUSING = "housing"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ProposalDraft:
    """A proposal's content once it has passed validation."""

    title: str
    description: str
    amount_minor: int
    how_it_helps: str
    category: Category


def validate_proposal(
    *,
    title: str,
    description: str,
    amount_minor: int,
    how_it_helps: str,
    category: str,
    budget_minor: int,
) -> ProposalDraft:
    """Check a proposal against the programme's rules and the round's budget.

    Every field is checked; InvalidInput names the first that is wrong and carries all of
    them (``problems``), so a form can say everything at once.
    """
    problems: list[InvalidInput] = []
    clean_title = checked(
        problems, lambda: require_text("title", title, required=True, maximum=TITLE_MAX), ""
    )
    clean_description = checked(
        problems,
        lambda: require_text("description", description, required=False, maximum=DESCRIPTION_MAX),
        "",
    )
    clean_how = checked(
        problems,
        lambda: require_text("how_it_helps", how_it_helps, required=True, maximum=HOW_IT_HELPS_MAX),
        "",
    )
    checked(problems, lambda: _within_budget(amount_minor, budget_minor), 0)
    clean_category = checked(
        problems,
        lambda: require_choice("category", category, Category, N_("Choose a category: {choices}.")),
        Category.OTHER,
    )
    if problems:
        raise InvalidInput.together(problems)
    return ProposalDraft(
        title=clean_title,
        description=clean_description,
        amount_minor=amount_minor,
        how_it_helps=clean_how,
        category=clean_category,
    )


def _within_budget(amount_minor: int, budget_minor: int) -> int:
    require_amount("amount_minor", amount_minor)
    if amount_minor > budget_minor:
        raise InvalidInput(
            N_("The amount is more than the round's budget of {budget}."),
            field="amount_minor",
            params={"budget_minor": budget_minor},
        )
    return amount_minor
